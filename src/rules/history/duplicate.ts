import { defineRule } from '../types.js';
import { describeLine, sidesOf } from '../common/spine.js';
import { countedSides, priorLinesOn, sidesOverlap, skipSession } from './shared.js';

/**
 * The same patient, date of service, code and side already billed in another claim (a prior file or earlier in
 * this run) that was not replaced or voided; a held claim counts as pending and is cited "(held)". Sides: 50
 * overlaps both; a line without 50/RT/LT may be either side.
 */
export default defineRule({
  meta: {
    id: 'history/duplicate',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description: 'A service (patient, date, code, side) already billed in another claim that was not replaced or voided.',
      source: '005010X222A1 CLM05-3 (a correction is a replacement 7 with REF*F8, not a second original)',
      url: 'docs/rules/history/duplicate.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    usesHistory: true,
    messages: {
      duplicate:
        'Remove {{line}} on {{date}}, or send this claim as a replacement (frequency 7) if it corrects the earlier one: already billed in {{prior}}, and a service is billed once',
    },
  },
  check(encounter, context) {
    if (skipSession(encounter)) return;
    const priors = priorLinesOn(encounter, context);
    if (priors.length === 0) return;
    for (const line of encounter.lines) {
      const sides = sidesOf(line);
      const mine = countedSides(sides, sides.length === 0);
      const matches = priors.filter(
        (prior) => prior.procedure === line.procedure && sidesOverlap(mine, countedSides(prior.sides, prior.sides.length === 0)),
      );
      if (matches.length === 0) continue;
      const cited = [...new Map(matches.map((prior) => [`${prior.file}\u0000${prior.claimId}`, prior])).values()];
      context.report({
        messageId: 'duplicate',
        line,
        data: {
          line: describeLine(line),
          date: encounter.serviceDate,
          prior: cited.map((prior) => `${prior.file} claim ${prior.claimId}${prior.pending === true ? ' (held)' : ''} line ${prior.lineNumber ?? '?'} (${[prior.procedure, ...prior.modifiers].join('-')})`).join('; '),
        },
        cause: matches.map((prior) => {
          const cause = { message: 'billed here', file: prior.file, claimId: prior.claimId, serviceDate: prior.serviceDate };
          return prior.lineNumber === undefined ? cause : { ...cause, lineNumber: prior.lineNumber };
        }),
      });
    }
  },
});
