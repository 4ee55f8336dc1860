/**
 * rfa/levels ⚑ — more facet joints ablated on a side in one session than the policy allows
 * (medicare 2: 64633/64635 + one unit of 64634/64636; guide: no limit).
 */
import type { Encounter } from '../../encounter/model.js';
import { defineRule, type RuleContext } from '../types.js';
import {
  describeRegion,
  onSides,
  familyLinesByRegion,
  linesBeyondLimit,
  sessionRegions,
} from '../common/spine.js';

export default defineRule({
  meta: {
    id: 'rfa/levels',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    coverageLimit: true,
    docs: {
      description: 'More facet joints ablated on a side in one session than the coverage limit (64634/64636 units > 1 on a side)',
      source:
        'Facet LCD L38803 and billing articles (1–2 levels per region per session, joints not nerves; 64633–64636 per facet joint) [S5][S7][S12]',
      url: 'docs/rules/rfa/levels.md',
    },
    severity: { medicare: 'warning', guide: 'off' },
    messages: {
      tooManyJoints:
        'Bill {{code}} as not covered (Medicare: GA with an ABN on file, else GZ) or remove it: {{joints}} facet joints ablated {{side}} in the {{region}} region (at most {{limit}} per side per session covered)',
    },
  },
  // Precondition for the engine: RFA lines only.
  families: ['rfa'],
  check(encounter, context) {
    const limit = context.policy.limits.rfaJointsPerSide;
    if (limit === null) return;
    // linesBeyondLimit's own bound over the whole session (every region's lines at once): within the limit, no
    // region's count can pass it (most sessions), and no region is grouped.
    let units = 0;
    for (const line of encounter.lines) if (line.facts.family === 'rfa' && line.units > 0) units += line.units;
    if (units <= limit) return;
    reportOverruns(encounter, context, limit);
  },
});

function reportOverruns(encounter: Encounter, context: RuleContext<Record<string, unknown>, 'tooManyJoints'>, limit: number): void {
  const regionOf = sessionRegions(encounter, context.reference);
  for (const [region, lines] of familyLinesByRegion(encounter, 'rfa', regionOf)) {
    for (const overrun of linesBeyondLimit(lines, limit)) {
      context.report({
        messageId: 'tooManyJoints',
        line: overrun.line,
        data: {
          joints: overrun.count,
          side: onSides(overrun.sides),
          region: describeRegion(region),
          code: overrun.line.procedure,
          limit,
        },
        actual: `${overrun.count} joints`,
        expected: [`at most ${limit} joints per side`],
      });
    }
  }
}

