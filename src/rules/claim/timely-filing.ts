import { defineRule } from '../types.js';
import { daysBetween } from '../history/shared.js';

/** Medicare: a claim filed more than 12 months (365 days) after the date of service is denied. */
/** /^\d{4}-\d{2}-\d{2}$/ by character codes (asked for every claim; a regex test allocates). */
function hasDateShape(date: string): boolean {
  if (date.length !== 10) return false;
  for (let i = 0; i < 10; i++) {
    const c = date.charCodeAt(i);
    if (i === 4 || i === 7 ? c !== 45 /* - */ : c < 48 || c > 57) return false;
  }
  return true;
}

export default defineRule<{ days: number }>({
  meta: {
    id: 'claim/timely-filing',
    type: 'problem',
    scope: 'session',
    phase: 'structure',
    docs: {
      description: 'A date of service more than 365 days before the run date (`--as-of`) is past the filing limit.',
      source: '42 CFR 424.44 (claims filed within 12 months of the date of service)',
      url: 'docs/rules/claim/timely-filing.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    schema: { type: 'object', properties: { days: { type: 'integer', minimum: 1 } }, additionalProperties: false },
    messages: {
      late: 'Date of service {{dos}} is {{days}} days before the run date {{asOf}}: past the {{limit}}-day filing limit',
    },
  },
  defaultOptions: { days: 365 },
  check(encounter, context) {
    const first = encounter.lines[0];
    if (!first || !hasDateShape(encounter.serviceDate)) return;
    const days = daysBetween(encounter.serviceDate, context.asOf);
    if (!(days > context.options.days)) return;
    context.report({
      messageId: 'late',
      data: { dos: encounter.serviceDate, days, asOf: context.asOf, limit: context.options.days },
      line: first,
      actual: encounter.serviceDate,
    });
  },
});
