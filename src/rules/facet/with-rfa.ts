/**
 * facet/with-rfa — a facet injection and an RFA in the same region and session, the injection without
 * XS/59: at the same joints only the destruction is billed. Fix: remove the injection line.
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
    fixable: 'safe',
    docs: {
      description: 'A facet injection billed with an RFA in the same region and session, without XS/59 on the injection',
      source:
        'Facet LCD text ("only the codes for the nerve destruction should be billed") [S28]; NCCI PTP 64635/64493–64495, 64636/64493, 64633/64490, modifier indicator 1 [A][D]',
      url: 'docs/rules/facet/with-rfa.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      injectionWithRfa:
        'Unexpected facet injection {{injection}} with RFA {{rfa}} in the same {{region}} session, expected the destruction only (or XS/59 on the injection when the joints differ)',
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
        ...(removable
          ? {
              fix: {
                changes: [{ op: 'remove-line', line: pair.injection.key }],
                description: `remove ${describeLine(pair.injection)} (bundled into the destruction)`,
              },
            }
          : {}),
      });
    }
  },
});
