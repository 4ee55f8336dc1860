/**
 * spinescrub as a library: `import { scrub, loadPolicy, rules } from 'spinescrub'` (docs/api.md).
 */
export { loadPolicy, scrub, ScrubError, type ScrubOptions, type ScrubResult } from './api.js';
export { rules, ruleById } from './rules/index.js';
export type { RuleMeta, RuleModule, Severity, FindingAction } from './rules/types.js';
export type { PolicySet } from './policy/load.js';
export type { PolicyLimits, ResolvedPolicy } from './policy/types.js';
export type { InputFormat, IsoDate } from './encounter/model.js';
export type {
  ExceptionReportHead,
  ExceptionRow,
  FileSummary,
  HeldClaim,
  RuleCount,
  RunSummary,
} from './report/types.js';
