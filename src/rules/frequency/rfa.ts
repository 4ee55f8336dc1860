import { defineRule, type RuleContext } from '../types.js';
import { causesOf, describeCounted, describeRegion, overRollingLimit } from '../history/shared.js';

/** The policy's limit (a function, not a closure per check: the rule runs for every RFA session, twice). */
function rfaLimit(_lines: unknown, context: Pick<RuleContext, 'policy'>): number {
  return context.policy.limits.rfaSessionsPerYear;
}

/** ⚑ More than 2 RFA sessions per region per rolling 12 months (facet LCDs). */
export default defineRule({
  meta: {
    id: 'frequency/rfa',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description: 'More RFA sessions in a region than the LCD covers in a rolling 365 days (distinct dates in [DOS − 364, DOS]).',
      source: 'Facet LCD L38803 (2 RFA sessions per rolling 12 months per region, 64633–64636) [S5]',
      url: 'docs/rules/frequency/rfa.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    coverageLimit: true,
    usesHistory: true,
    messages: {
      tooMany:
        'Bill this RFA as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: session {{count}} in the {{region}} region within 365 days up to {{date}} (at most {{limit}} covered; counted: {{sessions}})',
    },
  },
  // Precondition for the engine: counts the session's RFA lines.
  families: ['rfa'],
  check(encounter, context) {
    const limit = context.policy.limits.rfaSessionsPerYear;
    for (const over of overRollingLimit(encounter, context, 'rfa', rfaLimit)) {
      for (const line of over.lines) {
        context.report({
          messageId: 'tooMany',
          line,
          data: { count: over.counted.length, region: describeRegion(over.region), date: encounter.serviceDate, limit, sessions: describeCounted(over) },
          actual: String(over.counted.length),
          expected: [`≤ ${limit}`],
          cause: causesOf(over.counted, 'RFA session'),
        });
      }
    }
  },
});
