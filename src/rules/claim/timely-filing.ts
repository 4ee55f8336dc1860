import { defineRule } from '../types.js';
import { daysBetween } from '../history/shared.js';

/**
 * Medicare: a claim must be filed within one calendar year after the date of service (42 CFR 424.44): the last
 * day to file is the same month and day a year later (February 29 → February 28), so a leap day inside the year
 * gives 366 days. A policy may set a filing limit in days instead (a commercial contract's 90 or 180 days).
 */
/** /^\d{4}-\d{2}-\d{2}$/ by character codes (asked for every claim; a regex test allocates). */
function hasDateShape(date: string): boolean {
  if (date.length !== 10) return false;
  for (let i = 0; i < 10; i++) {
    const c = date.charCodeAt(i);
    if (i === 4 || i === 7 ? c !== 45 /* - */ : c < 48 || c > 57) return false;
  }
  return true;
}

/** The same month and day `years` later; a February 29 that does not exist then becomes February 28. */
export function sameDayYearsLater(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  const monthDay = date.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${String(year).padStart(4, '0')}-${monthDay === '02-29' && !leap ? '02-28' : monthDay}`;
}

/** `date` plus `days` days (UTC calendar arithmetic). */
function addDays(date: string, days: number): string {
  const time = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

export default defineRule<{ years?: number; days?: number }>({
  meta: {
    id: 'claim/timely-filing',
    type: 'problem',
    scope: 'session',
    phase: 'structure',
    docs: {
      description: 'A claim must be filed within one calendar year after the date of service (or the policy\'s limit in days): past it, the claim is denied.',
      source: '42 CFR 424.44(a)(1) (claims filed no later than 1 calendar year after the date of service); Medicare Claims Processing Manual ch. 1 §70',
      url: 'docs/rules/claim/timely-filing.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    schema: {
      type: 'object',
      properties: { years: { type: 'integer', minimum: 1 }, days: { type: 'integer', minimum: 1 } },
      additionalProperties: false,
    },
    messages: {
      late: 'Check the date of service {{dos}}, and if it is right write the claim off or appeal with proof of timely filing: it is past the filing limit ({{limit}}), the last day to file was {{deadline}}, the run date is {{asOf}} ({{days}} days after the service)',
    },
  },
  defaultOptions: { years: 1 },
  check(encounter, context) {
    const first = encounter.lines[0];
    const dos = encounter.serviceDate;
    if (!first || !hasDateShape(dos)) return;
    const { days: limitDays, years = 1 } = context.options;
    const deadline = limitDays !== undefined ? addDays(dos, limitDays) : sameDayYearsLater(dos, years);
    if (!(context.asOf > deadline)) return;
    context.report({
      messageId: 'late',
      data: {
        dos,
        deadline,
        asOf: context.asOf,
        days: daysBetween(dos, context.asOf),
        limit: limitDays !== undefined ? `${limitDays} days` : years === 1 ? 'one calendar year' : `${years} calendar years`,
      },
      line: first,
      actual: dos,
      expected: [`filed by ${deadline}`],
    });
  },
});
