import { formatCents } from '../../encounter/money.js';
import { defineRule } from '../types.js';

/**
 * CLM02 must equal the sum of the line charges (837P; the payer rejects the claim otherwise). A total that
 * disagrees with its lines is also the mark of a claim that lost lines (a file cut at a row or segment
 * boundary): the claim is held and its total is never changed, neither lowered nor raised
 * (docs/rules/claim/total-mismatch.md).
 */
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
    messages: {
      mismatch: 'Check the claim against its source for missing lines: total charge {{actual}} differs from the sum of the line charges {{expected}} (held, the total is not changed)',
    },
  },
  check(encounter, context) {
    const { claim } = encounter;
    let sum = 0;
    for (const line of claim.lines) sum += line.chargeCents;
    if (sum === claim.totalChargeCents) return;
    const actual = formatCents(claim.totalChargeCents);
    const expected = formatCents(sum);
    context.report({ messageId: 'mismatch', data: { actual, expected }, actual, expected: [expected] });
  },
});
