import type { Region, ServiceLine, Side } from '../../encounter/model.js';
import { countedSides, lineLabel, regionName } from '../helpers.js';
import { defineRule } from '../types.js';

/**
 * ESI LCDs: transforaminal ESI at most 2 levels per session (primary + one add-on level), unilateral or
 * bilateral. Levels on a side = units of the primary and add-on lines whose sides include it; a line without
 * 50/RT/LT counts toward both sides. The limit is the policy's `transforaminalLevelsPerSide` (null: none).
 */
export default defineRule({
  meta: {
    id: 'esi/transforaminal-levels',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    docs: {
      description: 'More than 2 transforaminal ESI levels on a side in one session: the LCDs cover at most 2 levels.',
      source: 'ESI LCD L39240 / A58993 and peers: TFESI max 2 levels per session [S2]',
      url: 'docs/rules/esi/transforaminal-levels.md',
    },
    severity: { medicare: 'warning', guide: 'off' },
    coverageLimit: true,
    messages: {
      levels:
        'Bill the levels beyond {{limit}} as not covered (Medicare: GA with an ABN on file, else GZ) or remove them: {{levels}} transforaminal levels on {{side}} ({{region}}: {{codes}}), and the LCDs cover {{limit}} levels per session',
    },
  },
  // Precondition for the engine: transforaminal ESI lines only.
  families: ['esi-transforaminal'],
  check(encounter, context) {
    const limit = context.policy.limits.transforaminalLevelsPerSide;
    if (limit === null) return;
    // A side's levels are at most the units of every transforaminal line of a region: within the limit (most
    // sessions), no side can pass it and nothing is grouped.
    let units = 0;
    for (const line of encounter.lines) {
      if (line.facts.family === 'esi-transforaminal' && line.facts.region !== 'none' && line.units > 0) units += line.units;
    }
    if (units <= limit) return;
    const byRegion = new Map<Region, ServiceLine[]>();
    for (const line of encounter.lines) {
      if (line.facts.family !== 'esi-transforaminal' || line.facts.region === 'none') continue;
      const list = byRegion.get(line.facts.region);
      if (list) list.push(line);
      else byRegion.set(line.facts.region, [line]);
    }
    for (const [region, lines] of byRegion) {
      const levels: Record<Side, number> = { left: 0, right: 0 };
      for (const line of lines) for (const side of countedSides(line)) levels[side] += line.units;
      const over = (['left', 'right'] as const).filter((side) => levels[side] > limit);
      if (over.length === 0) continue;
      // Reported on the last line that counts toward the side: the level beyond the limit.
      const side = over.length === 2 && levels.left === levels.right ? 'each' : over.length === 2 ? (levels.left > levels.right ? 'left' : 'right') : over[0]!;
      const count = side === 'each' ? levels.left : levels[side];
      const counting = lines.filter((line) => side === 'each' || countedSides(line).includes(side));
      const last = counting[counting.length - 1]!;
      context.report({
        messageId: 'levels',
        data: { levels: count, side: side === 'each' ? 'each side' : `the ${side} side`, region: regionName(region), codes: lines.map((l) => (l.units === 1 ? lineLabel(l) : `${lineLabel(l)} ×${l.units}`)).join(', '), limit },
        line: last,
        actual: String(count),
        expected: [String(limit)],
      });
    }
  },
});
