/**
 * The rule engine, in three parts as ESLint's linter: engine/runner.ts (rule order, passes, per-claim state),
 * engine/fixer.ts (non-overlapping fixes, before/after) and engine/messages.ts (templates, findings).
 */
export { checkClaim, deepFreeze, PHASE_ORDER, prepareRules, runRules } from './engine/runner.js';
export type { ActiveRule, CheckedClaim, PreparedRules, RunOptions } from './engine/runner.js';
export { DEFAULT_MAX_PASSES, lineText } from './engine/fixer.js';
export { interpolate, READ_PROBLEM_RULE_ID } from './engine/messages.js';
export { RuleContractError } from './errors.js';
export type { Change } from './types.js';
