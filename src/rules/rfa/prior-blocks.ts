import { defineRule } from '../types.js';
import type { Side } from '../../encounter/model.js';
import { sidesOf } from '../common/spine.js';
import { addDays, causesOf, countedSides, describeRegion, describeSessions, linesByRegion, onePerDate, sessionsIn, skipSession, type CountedSession } from '../history/shared.js';

const BEGINNING = '0001-01-01';

/**
 * A first RFA in a region needs prior diagnostic facet blocks (2 under the LCDs, 1 under the guide) on its side:
 * bilateral blocks (50, or a line without a side) serve both sides; an RFA of both sides needs them on each. An
 * earlier RFA in the region on that side means the blocks were done before it. Not a coverage limit: the history
 * may be incomplete (blocks billed by another practice, or before the history began). Without a history index it
 * does not run.
 */
export default defineRule({
  meta: {
    id: 'rfa/prior-blocks',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description: 'An RFA with fewer prior facet sessions on its side of the region than the policy expects before a first RFA, and no earlier RFA there.',
      source: 'Facet LCD L38803 (two diagnostic MBBs before a first RFA) [S5]',
      url: 'docs/rules/rfa/prior-blocks.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    usesHistory: true,
    messages: {
      tooFew:
        'Check the record for at least {{min}} before the RFA in the {{region}} region on {{date}}: a first RFA needs them, and the history shows {{count}}{{side}} (it may be incomplete){{prior}}',
    },
  },
  // Precondition for the engine: RFA lines only.
  families: ['rfa'],
  check(encounter, context) {
    if (skipSession(encounter) || !context.history.available) return;
    const min = context.policy.limits.priorFacetSessionsBeforeRfa;
    const dayBefore = addDays(encounter.serviceDate, -1);
    for (const [region, lines] of linesByRegion(encounter, context, 'rfa')) {
      const rfas = sessionsIn(encounter, context, 'rfa', region, BEGINNING, dayBefore);
      const facets = sessionsIn(encounter, context, 'facet', region, BEGINNING, dayBefore);
      // The RFA's sides (none: a line without 50/RT/LT, and then blocks of any side count).
      const sides = [...new Set(lines.flatMap((line) => sidesOf(line)))].sort() as Side[];
      let fewest: { side: Side | null; blocks: CountedSession[] } | undefined;
      for (const side of sides.length === 0 ? [null] : sides) {
        if (rfas.some((rfa) => onSide(rfa, side))) continue;
        const blocks = onePerDate(facets.filter((facet) => onSide(facet, side)));
        if (fewest === undefined || blocks.length < fewest.blocks.length) fewest = { side, blocks };
      }
      if (fewest === undefined || fewest.blocks.length >= min) continue;
      const blocks = fewest.blocks;
      const line = lines.find((candidate) => candidate.facts.role === 'primary') ?? lines[0]!;
      context.report({
        messageId: 'tooFew',
        line,
        data: {
          region: describeRegion(region),
          date: encounter.serviceDate,
          count: `${blocks.length} prior facet session${blocks.length === 1 ? '' : 's'}`,
          side: fewest.side === null ? '' : ` on the ${fewest.side} side`,
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

/** A session serves a side when it was on it, bilateral, or of unknown side; any session serves an RFA of unknown side. */
function onSide(session: CountedSession, side: Side | null): boolean {
  return side === null || countedSides(session.sides, session.sideUnknown === true).includes(side);
}
