import { defineRule } from '../types.js';

/**
 * A date of service after the run date: the service has not been performed yet (a typo in the year, a claim
 * keyed ahead of the visit), and a payer denies it. Held: only the record gives the right date. Each line is
 * checked, with its RD8 end date when it has one.
 */
export default defineRule({
  meta: {
    id: 'claim/future-date',
    type: 'problem',
    scope: 'claim',
    phase: 'structure',
    docs: {
      description: 'A date of service after the run date (`--as-of`): a service cannot be billed before it is performed.',
      source:
        'Medicare Claims Processing Manual (Pub. 100-04) ch. 1 §70 and ch. 26 (item 24A: the date the service was furnished); 42 CFR 424.32(a) (a claim for services furnished)',
      url: 'docs/rules/claim/future-date.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      future: 'Correct the date of service {{dos}} of {{code}}: it is after the run date {{asOf}}, and a service cannot be billed before it is performed',
    },
  },
  check(encounter, context) {
    const asOf = context.asOf;
    for (const line of encounter.lines) {
      const last = line.serviceDateEnd !== undefined && line.serviceDateEnd > line.serviceDate ? line.serviceDateEnd : line.serviceDate;
      // ISO dates compare as strings; a date the reader could not read is its problem, not this rule's.
      if (!(last > asOf) || !/^\d{4}-\d{2}-\d{2}$/.test(last)) continue;
      context.report({ messageId: 'future', data: { dos: last, code: line.procedure, asOf }, line, actual: last, expected: [`on or before ${asOf}`] });
    }
  },
});
