import type { ServiceLine } from '../../encounter/model.js';
import { defineRule, type RuleContext } from '../types.js';
import { causesOf, describeCounted, describeRegion, overRollingLimit } from '../history/shared.js';

/**
 * ⚑ More than 4 diagnostic (KX) or more than 4 therapeutic facet sessions per region per rolling 12 months.
 * A session is diagnostic when a facet line of it carries KX; each kind is counted on its own.
 */
/** A session is diagnostic in a region when a facet line of that region carries KX. */
function isDiagnostic(lines: readonly ServiceLine[]): boolean {
  for (const line of lines) if (line.modifiers.includes('KX')) return true;
  return false;
}

/** Module functions, not closures made per check: the rule runs for every facet session, twice. */
function facetLimit(lines: ServiceLine[], context: Pick<RuleContext, 'policy'>): number {
  const { limits } = context.policy;
  return isDiagnostic(lines) ? limits.facetDiagnosticSessionsPerYear : limits.facetTherapeuticSessionsPerYear;
}

/** Each kind is counted on its own: diagnostic (KX) sessions, or therapeutic ones. */
function facetKind(lines: ServiceLine[]): (session: { kx: boolean }) => boolean {
  return isDiagnostic(lines) ? isKxSession : isNotKxSession;
}

function isKxSession(session: { kx: boolean }): boolean {
  return session.kx === true;
}

function isNotKxSession(session: { kx: boolean }): boolean {
  return session.kx === false;
}

export default defineRule({
  meta: {
    id: 'frequency/facet',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description:
        'More diagnostic (KX) or therapeutic facet sessions in a region than the LCD covers in a rolling 365 days (distinct dates in [DOS − 364, DOS]).',
      source:
        'Facet LCD L38803 (4 diagnostic + 4 therapeutic facet sessions per rolling 12 months, per region; KX on diagnostic) [S5][S11]',
      url: 'docs/rules/frequency/facet.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    coverageLimit: true,
    usesHistory: true,
    messages: {
      tooMany:
        'Bill this {{kind}} facet session as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: session {{count}} in the {{region}} region within 365 days up to {{date}} (at most {{limit}} covered; counted: {{sessions}})',
    },
  },
  // Precondition for the engine: counts the session's facet lines.
  families: ['facet'],
  check(encounter, context) {
    const { limits } = context.policy;
    const overs = overRollingLimit(encounter, context, 'facet', facetLimit, facetKind);
    for (const over of overs) {
      const diagnostic = isDiagnostic(over.lines);
      const kind = diagnostic ? 'diagnostic' : 'therapeutic';
      const limit = diagnostic ? limits.facetDiagnosticSessionsPerYear : limits.facetTherapeuticSessionsPerYear;
      for (const line of over.lines) {
        context.report({
          messageId: 'tooMany',
          line,
          data: { kind, count: over.counted.length, region: describeRegion(over.region), date: encounter.serviceDate, limit, sessions: describeCounted(over) },
          actual: String(over.counted.length),
          expected: [`≤ ${limit}`],
          cause: causesOf(over.counted, `${kind} facet session`),
        });
      }
    }
  },
});
