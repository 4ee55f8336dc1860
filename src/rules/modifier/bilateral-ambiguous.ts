/**
 * modifier/bilateral-ambiguous — a bilateral-eligible primary with 2 units and none of 50, RT, LT: both sides
 * of one level, or two levels on one side? The claim cannot tell, so no fix is possible.
 */
import type { ServiceLine } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { defineRule } from '../types.js';
import { isBilateralEligible, sideUnknown } from '../common/spine.js';

/** The case this rule owns; modifier/laterality-missing leaves it alone. */
export function isAmbiguousBilateral(line: ServiceLine, reference: ReferenceData): boolean {
  return (
    line.facts.role === 'primary' &&
    line.units === 2 &&
    sideUnknown(line) &&
    isBilateralEligible(line, reference)
  );
}

export default defineRule({
  meta: {
    id: 'modifier/bilateral-ambiguous',
    type: 'problem',
    scope: 'session',
    phase: 'other',
    docs: {
      description: 'A bilateral-eligible primary with units 2 and none of 50, RT, LT: both sides or two levels cannot be told apart',
      source:
        'Medicare bilateral surgery rules (bilateral at one level: one line, 50, 1 unit; further levels take the add-on) [S15][S16]; MPFS BILAT SURG = 1 [P1–P3]',
      url: 'docs/rules/modifier/bilateral-ambiguous.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      ambiguous:
        'Bill {{code}} × 2 as {{code}}-50 × 1 if both sides were done, or as {{code}} + {{addon}} if two levels were: without 50, RT or LT the units do not say which',
    },
  },
  // Precondition for the engine: bilateral-eligible lines are spine lines (isSpine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa', 'ultrasound-guided'],
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (!isAmbiguousBilateral(line, context.reference)) continue;
      const addon = context.reference.procedure(line.procedure, line.serviceDate)?.nextLevelAddon ?? 'its add-on';
      context.report({
        messageId: 'ambiguous',
        line,
        data: { code: line.procedure, addon },
        actual: `${line.procedure} × 2`,
        expected: [`${line.procedure}-50 × 1`, `${line.procedure} + ${addon}`],
      });
    }
  },
});
