/**
 * facet/levels ⚑ — the facet LCDs cover 1–2 levels per region per session; 64492/64495 (third and any
 * additional level) are appeal-only. The limit is the policy's (medicare 2, guide 3).
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

/** 64492/64495 report "third and any additional level(s)" with one unit: the line is at least the third level. */
const THIRD_LEVEL = 3;

export default defineRule({
  meta: {
    id: 'facet/levels',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    coverageLimit: true,
    docs: {
      description:
        'Facet injection levels per region per session beyond the coverage limit (a third level, 64492 or 64495)',
      source:
        'Facet LCD L38803 and billing articles (1–2 levels per region per session; 64492/64495 not covered; levels = joints) [S5][S7][S9][S12]',
      url: 'docs/rules/facet/levels.md',
    },
    severity: { medicare: 'warning', guide: 'off' },
    messages: {
      tooManyLevels:
        'Bill {{code}} as not covered (Medicare: GA with an ABN on file, else GZ) or remove it: {{levels}} facet levels {{side}} in the {{region}} region (at most {{limit}} per session covered)',
    },
  },
  // Precondition for the engine: facet lines only.
  families: ['facet'],
  check(encounter, context) {
    const limit = context.policy.limits.facetLevelsPerSession;
    // linesBeyondLimit's own bound over the whole session (every region's lines at once): within the limit, no
    // region's count can pass it (most sessions), and no region is grouped.
    const { reference } = context;
    let units = 0;
    let minimum = 0;
    for (const line of encounter.lines) {
      if (line.facts.family !== 'facet') continue;
      if (line.units > 0) units += line.units;
      minimum = Math.max(minimum, reference.procedure(line.procedure, line.serviceDate)?.oncePerDay === true ? THIRD_LEVEL : 0);
    }
    if (minimum + units <= limit) return;
    reportOverruns(encounter, context, limit);
  },
});

function reportOverruns(encounter: Encounter, context: RuleContext<Record<string, unknown>, 'tooManyLevels'>, limit: number): void {
  const regionOf = sessionRegions(encounter, context.reference);
  for (const [region, lines] of familyLinesByRegion(encounter, 'facet', regionOf)) {
    const atLeast = (line: (typeof lines)[number]) =>
      context.reference.procedure(line.procedure, line.serviceDate)?.oncePerDay === true ? THIRD_LEVEL : 0;
    for (const overrun of linesBeyondLimit(lines, limit, atLeast)) {
      context.report({
        messageId: 'tooManyLevels',
        line: overrun.line,
        data: {
          levels: overrun.count,
          side: onSides(overrun.sides),
          region: describeRegion(region),
          code: overrun.line.procedure,
          limit,
        },
        actual: `${overrun.count} levels`,
        expected: [`at most ${limit} levels`],
      });
    }
  }
}

