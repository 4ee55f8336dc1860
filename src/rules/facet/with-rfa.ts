/**
 * facet/with-rfa — a facet injection and an RFA in the same region and session, the injection without
 * XS/59: at the same joints only the destruction is billed. Suggestions only (the claim is held): remove the
 * injection, or mark it XS — NCCI allows XS when the joints differ, which the claim cannot show, so removing a
 * billed service is a person's decision (docs/rules/facet/with-rfa.md).
 */
import { defineRule } from '../types.js';
import { describeLine, describeRegion } from '../common/spine.js';
import { injectionsWithRfa, sameSidesKnown } from '../common/facet-rfa.js';

export default defineRule({
  meta: {
    id: 'facet/with-rfa',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    hasSuggestions: true,
    docs: {
      description: 'A facet injection billed with an RFA in the same region and session, without XS/59 on the injection',
      source:
        'Facet LCD text ("only the codes for the nerve destruction should be billed") [S28]; NCCI PTP 64635/64493–64495, 64636/64493, 64633/64490, modifier indicator 1 [A][D]',
      url: 'docs/rules/facet/with-rfa.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      injectionWithRfa:
        'Remove facet injection {{injection}} if it was at the joints of RFA {{rfa}} (included in the destruction), or add XS if the joints differ: both in one {{region}} session',
    },
  },
  // Precondition for the engine: needs a facet injection (beside an RFA).
  families: ['facet'],
  check(encounter, context) {
    for (const pair of injectionsWithRfa(encounter, context.reference)) {
      if (pair.distinct) continue;
      const removable = sameSidesKnown(pair.injection, pair.rfaLines);
      context.report({
        messageId: 'injectionWithRfa',
        line: pair.injection,
        data: {
          injection: describeLine(pair.injection),
          rfa: pair.rfaLines.map(describeLine).join(', '),
          region: describeRegion(pair.region),
        },
        actual: describeLine(pair.injection),
        expected: ['no injection line', `${pair.injection.procedure}-XS`],
        suggestions: [
          ...(removable
            ? [{ description: `remove ${describeLine(pair.injection)} (included in the destruction)`, fix: { changes: [{ op: 'remove-line' as const, line: pair.injection.key }] } }]
            : []),
          ...(pair.injection.modifiers.length < 4
            ? [{ description: `mark ${describeLine(pair.injection)} XS (different joints)`, fix: { changes: [{ op: 'set-modifiers' as const, line: pair.injection.key, value: [...pair.injection.modifiers, 'XS'] }] } }]
            : []),
        ],
      });
    }
  },
});
