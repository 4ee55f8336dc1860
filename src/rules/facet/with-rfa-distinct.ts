/**
 * facet/with-rfa-distinct — a facet injection and an RFA in the same region and session with XS/59 on the
 * injection: different joints, payable when the record documents them.
 */
import { defineRule } from '../types.js';
import { describeLine, describeRegion } from '../common/spine.js';
import { injectionsWithRfa } from '../common/facet-rfa.js';

export default defineRule({
  meta: {
    id: 'facet/with-rfa-distinct',
    type: 'suggestion',
    scope: 'session',
    phase: 'removals',
    docs: {
      description: 'A facet injection with XS/59 billed with an RFA in the same region and session: payable if the joints differ and are documented',
      source:
        'NCCI PTP (RFA + facet injection at different joints: both payable if documented, XS or 59 on the column-2 code; modifier indicator 1) [A][D]',
      url: 'docs/rules/facet/with-rfa-distinct.md',
    },
    severity: { medicare: 'info', guide: 'info' },
    messages: {
      distinctJoints:
        'Check that the record documents different joints for facet injection {{injection}} and RFA {{rfa}}: both in one {{region}} session, the injection is payable only if the joints differ',
    },
  },
  // Precondition for the engine: needs a facet injection (beside an RFA).
  families: ['facet'],
  check(encounter, context) {
    for (const pair of injectionsWithRfa(encounter, context.reference)) {
      if (!pair.distinct) continue;
      context.report({
        messageId: 'distinctJoints',
        line: pair.injection,
        data: {
          injection: describeLine(pair.injection),
          rfa: pair.rfaLines.map(describeLine).join(', '),
          region: describeRegion(pair.region),
        },
      });
    }
  },
});
