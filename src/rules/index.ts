/**
 * Every rule of the catalogue (../shared/reference/rules.md), one import per rule. The engine orders them by
 * `meta.phase`; within a phase, this list's order. Add a rule with one import and one entry below.
 */
import type { RuleModule } from './types.js';

import claimTotalMismatch from './claim/total-mismatch.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const rules: readonly RuleModule<any, any>[] = [
  claimTotalMismatch,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ruleById(id: string): RuleModule<any, any> | undefined {
  return rules.find((rule) => rule.meta.id === id);
}
