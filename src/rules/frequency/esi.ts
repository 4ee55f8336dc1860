import { defineRule, type RuleContext } from '../types.js';
import { causesOf, describeCounted, describeRegion, overRollingLimit } from '../history/shared.js';

/** The policy's limit (a function, not a closure per check: the rule runs for every ESI session, twice). */
function esiLimit(_lines: unknown, context: Pick<RuleContext, 'policy'>): number {
  return context.policy.limits.esiSessionsPerYear;
}

/** ⚑ More than 4 ESI sessions per spinal region per rolling 12 months (ESI LCDs). */
export default defineRule({
  meta: {
    id: 'frequency/esi',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description: 'More ESI sessions in a region than the LCD covers in a rolling 365 days (distinct dates in [DOS − 364, DOS]).',
      source: 'ESI LCDs (max 4 ESI sessions per spinal region per rolling 12 months) [S2]',
      url: 'docs/rules/frequency/esi.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    coverageLimit: true,
    usesHistory: true,
    messages: {
      tooMany:
        'Bill this ESI as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: session {{count}} in the {{region}} region within 365 days up to {{date}} (at most {{limit}} covered; counted: {{sessions}})',
    },
  },
  // Precondition for the engine: counts the session's ESI lines.
  families: ['esi-interlaminar', 'esi-transforaminal'],
  check(encounter, context) {
    const limit = context.policy.limits.esiSessionsPerYear;
    for (const over of overRollingLimit(encounter, context, 'esi', esiLimit)) {
      for (const line of over.lines) {
        context.report({
          messageId: 'tooMany',
          line,
          data: { count: over.counted.length, region: describeRegion(over.region), date: encounter.serviceDate, limit, sessions: describeCounted(over) },
          actual: String(over.counted.length),
          expected: [`≤ ${limit}`],
          cause: causesOf(over.counted, 'ESI session'),
        });
      }
    }
  },
});
