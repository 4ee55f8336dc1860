import { defineRule } from '../types.js';
import { describeLine, onSides, sidesOf } from '../common/spine.js';
import { addDays, causesOf, countedSides, daysBetween, describeRegion, describeSession, hasFamily, linesByRegion, mayCountMoreThan, noHistory, sessionsIn, sidesOverlap, skipSession } from '../history/shared.js';

/**
 * ⚑ A repeat RFA in a region sooner than the policy's minimum (182 days) after the previous one on an
 * overlapping side (50 overlaps both; an unknown side overlaps either).
 */
export default defineRule({
  meta: {
    id: 'rfa/repeat-interval',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description: 'An RFA less than 182 days (6 months) after the previous RFA in the same region on an overlapping side.',
      source: 'Facet LCD L38803 (repeat RFA not sooner than 6 months) [S5]',
      url: 'docs/rules/rfa/repeat-interval.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    coverageLimit: true,
    usesHistory: true,
    messages: {
      tooSoon:
        'Bill {{line}} as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: RFA on {{date}}, {{days}} days after the {{region}} RFA of {{prior}} {{sides}} (needs ≥ {{min}} days)',
    },
  },
  // Precondition for the engine: RFA lines only.
  families: ['rfa'],
  check(encounter, context) {
    if (!hasFamily(encounter, 'rfa') || skipSession(encounter)) return;
    const min = context.policy.limits.minDaysBetweenRfa;
    if (min <= 1) return;
    // Without a history, an earlier RFA can only be on an earlier date of this claim (rarely).
    if (noHistory(context) && !encounter.claim.lines.some((line) => line.serviceDate < encounter.serviceDate)) return;
    const from = addDays(encounter.serviceDate, -(min - 1));
    const to = addDays(encounter.serviceDate, -1);
    for (const [region, lines] of linesByRegion(encounter, context, 'rfa')) {
      // Earlier sessions need a prior one or another date on this claim (this session's date is after `to`).
      if (!mayCountMoreThan(encounter, context, 'rfa', region, from, to, 1)) continue;
      const earlier = sessionsIn(encounter, context, 'rfa', region, from, to);
      if (earlier.length === 0) continue;
      for (const line of lines) {
        const sides = sidesOf(line);
        const mine = countedSides(sides, sides.length === 0);
        const overlapping = earlier.filter((session) => sidesOverlap(mine, countedSides(session.sides, session.sideUnknown === true)));
        const latest = overlapping[overlapping.length - 1];
        if (latest === undefined) continue;
        const shared = mine.filter((side) => countedSides(latest.sides, latest.sideUnknown === true).includes(side));
        context.report({
          messageId: 'tooSoon',
          line,
          data: {
            line: describeLine(line),
            date: encounter.serviceDate,
            days: daysBetween(latest.serviceDate, encounter.serviceDate),
            region: describeRegion(region),
            prior: describeSession(latest),
            sides: onSides(shared),
            min,
          },
          actual: `${daysBetween(latest.serviceDate, encounter.serviceDate)} days`,
          expected: [`≥ ${min} days`],
          cause: causesOf(overlapping, 'earlier RFA'),
        });
      }
    }
  },
});
