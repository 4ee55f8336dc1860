/**
 * modifier/laterality-missing — a bilateral-eligible code with none of 50, RT, LT (other than the 2-unit
 * primary that modifier/bilateral-ambiguous reports): the side treated is unknown.
 */
import { defineRule } from '../types.js';
import { isBilateralEligible, sideUnknown } from '../common/spine.js';
import { isAmbiguousBilateral } from './bilateral-ambiguous.js';

export default defineRule({
  meta: {
    id: 'modifier/laterality-missing',
    type: 'problem',
    scope: 'session',
    phase: 'other',
    docs: {
      description: 'A bilateral-eligible code (indicator 1) with none of 50, RT, LT',
      source:
        'Medicare bilateral surgery rules (indicator 1: 50 when bilateral; RT/LT are PTP-associated anatomic modifiers) [S15]; facet billing articles instruct 50/RT/LT [S12]; MPFS BILAT SURG = 1 [P1–P3]',
      url: 'docs/rules/modifier/laterality-missing.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      missing: 'Add the side treated to {{code}}, as the record shows (50 both, RT right, LT left): the line has none of 50, RT or LT',
    },
  },
  // Precondition for the engine: bilateral-eligible lines are spine lines (isSpine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa', 'ultrasound-guided'],
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (!sideUnknown(line)) continue;
      if (!isBilateralEligible(line, context.reference)) continue;
      if (isAmbiguousBilateral(line, context.reference)) continue;
      context.report({
        messageId: 'missing',
        line,
        data: { code: line.procedure },
        actual: line.procedure,
        expected: [`${line.procedure}-50`, `${line.procedure}-RT`, `${line.procedure}-LT`],
      });
    }
  },
});
