import { formatCents } from '../../encounter/money.js';
import { defineRule } from '../types.js';

/** CLM02 must equal the sum of the line charges (837P; the payer rejects the claim otherwise). */
export default defineRule({
  meta: {
    id: 'claim/total-mismatch',
    type: 'problem',
    scope: 'claim',
    phase: 'structure',
    docs: {
      description: "The claim's total charge (CLM02) must equal the sum of its line charges.",
      source: '005010X222A1 CLM02 (total claim charge = sum of SV102)',
      url: 'docs/rules/claim/total-mismatch.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      mismatch: 'Unexpected total charge {{actual}}, expected {{expected}} (the sum of the line charges)',
    },
  },
  check(encounter, context) {
    const { claim } = encounter;
    let sum = 0;
    for (const line of claim.lines) sum += line.chargeCents;
    if (sum === claim.totalChargeCents) return;
    const actual = formatCents(claim.totalChargeCents);
    const expected = formatCents(sum);
    context.report({
      messageId: 'mismatch',
      data: { actual, expected },
      actual,
      expected: [expected],
      fix: { changes: [{ op: 'set-total', value: sum }], description: 'set CLM02 to the sum of the line charges' },
    });
  },
});
