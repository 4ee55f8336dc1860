import { defineRule } from '../types.js';
import { addDays, causesOf, describeRegion, describeSessions, linesByRegion, onePerDate, sessionsIn, skipSession } from '../history/shared.js';

const BEGINNING = '0001-01-01';

/**
 * A first RFA in a region needs prior diagnostic facet blocks (2 under the LCDs, 1 under the guide). An earlier
 * RFA in the region means the blocks were done before it. Not a coverage limit: the history may be incomplete
 * (blocks billed by another practice, or before the history began). Without a history index it does not run.
 */
export default defineRule({
  meta: {
    id: 'rfa/prior-blocks',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description: 'An RFA with fewer prior facet sessions in the region than the policy expects before a first RFA, and no earlier RFA there.',
      source: 'Facet LCD L38803 (two diagnostic MBBs before a first RFA) [S5]',
      url: 'docs/rules/rfa/prior-blocks.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    usesHistory: true,
    messages: {
      tooFew:
        'Unexpected RFA in the {{region}} region on {{date}} after {{count}}, expected at least {{min}} before a first RFA (the history may be incomplete){{prior}}',
    },
  },
  // Precondition for the engine: RFA lines only.
  families: ['rfa'],
  check(encounter, context) {
    if (skipSession(encounter) || !context.history.available) return;
    const min = context.policy.limits.priorFacetSessionsBeforeRfa;
    const dayBefore = addDays(encounter.serviceDate, -1);
    for (const [region, lines] of linesByRegion(encounter, context, 'rfa')) {
      if (sessionsIn(encounter, context, 'rfa', region, BEGINNING, dayBefore).length > 0) continue;
      const blocks = onePerDate(sessionsIn(encounter, context, 'facet', region, BEGINNING, dayBefore));
      if (blocks.length >= min) continue;
      const line = lines.find((candidate) => candidate.facts.role === 'primary') ?? lines[0]!;
      context.report({
        messageId: 'tooFew',
        line,
        data: {
          region: describeRegion(region),
          date: encounter.serviceDate,
          count: `${blocks.length} prior facet session${blocks.length === 1 ? '' : 's'}`,
          min: `${min} diagnostic block${min === 1 ? '' : 's'}`,
          prior: blocks.length > 0 ? `; prior: ${describeSessions(blocks)}` : '',
        },
        actual: String(blocks.length),
        expected: [`≥ ${min}`],
        cause: causesOf(blocks, 'facet session'),
      });
    }
  },
});
