import { describe, expect, it } from 'vitest';
import rule, { sameDayYearsLater } from '../../../src/rules/claim/timely-filing.js';
import { ruleTester } from '../../support/rule-tester.js';

describe('sameDayYearsLater', () => {
  it('keeps month and day; February 29 falls back to February 28 in a common year', () => {
    expect(sameDayYearsLater('2025-11-27', 1)).toBe('2026-11-27');
    expect(sameDayYearsLater('2024-02-29', 1)).toBe('2025-02-28');
    expect(sameDayYearsLater('2024-02-29', 4)).toBe('2028-02-29');
    expect(sameDayYearsLater('2099-02-28', 1)).toBe('2100-02-28');
  });
});

ruleTester.run(rule, {
  valid: [
    { name: 'filed on the last day: one calendar year to the day', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2025-11-27' } },
    { name: 'recent', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2026-11-01' } },
    { name: 'a year with a leap day is 366 days: not late on day 366', asOf: '2024-03-01', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2023-03-01' } },
    { name: 'a service on February 29 may be filed through February 28', asOf: '2025-02-28', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2024-02-29' } },
    { name: 'a longer limit from the policy (years)', claim: { lines: ['64483-RT'], dos: '2025-06-01' }, policy: { ruleOptions: { 'claim/timely-filing': { years: 2 } } } },
    { name: 'a limit in days from the policy', claim: { lines: ['64483-RT'], dos: '2026-08-29' }, policy: { ruleOptions: { 'claim/timely-filing': { days: 90 } } } },
  ],
  invalid: [
    {
      name: 'one day past the calendar year',
      claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'], dos: '2025-11-26' },
      errors: [
        {
          messageId: 'late',
          line: 1,
          message: 'Check the date of service 2025-11-26, and if it is right write the claim off or appeal with proof of timely filing: it is past the filing limit (one calendar year), the last day to file was 2026-11-26, the run date is 2026-11-27 (366 days after the service)',
        },
      ],
    },
    {
      name: 'a service on February 29 is late on March 1 of the next year',
      asOf: '2025-03-01',
      claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2024-02-29' },
      errors: [{ messageId: 'late', line: 1, data: { dos: '2024-02-29', limit: 'one calendar year', deadline: '2025-02-28', asOf: '2025-03-01', days: 366 } }],
    },
    {
      name: 'a year without a leap day: late on day 366',
      asOf: '2026-03-02',
      claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2025-03-01' },
      errors: [{ messageId: 'late', line: 1, data: { dos: '2025-03-01', limit: 'one calendar year', deadline: '2026-03-01', asOf: '2026-03-02', days: 366 } }],
    },
    {
      name: 'one finding per late session; the recent session is fine',
      claim: { dx: ['M5416'], lines: ['64483-RT dos:2026-11-01', '64493-RT dos:2024-01-15', '64494-RT dos:2024-01-15'] },
      errors: [{ messageId: 'late', line: 2, data: { dos: '2024-01-15', limit: 'one calendar year', deadline: '2025-01-15', asOf: '2026-11-27', days: 1047 } }],
    },
    {
      name: 'a policy limit in days',
      claim: { lines: ['64483-RT'], dos: '2026-08-28' },
      policy: { ruleOptions: { 'claim/timely-filing': { days: 90 } } },
      errors: [{ messageId: 'late', line: 1, data: { dos: '2026-08-28', limit: '90 days', deadline: '2026-11-26', asOf: '2026-11-27', days: 91 } }],
    },
    {
      name: 'the run date is --as-of, never the clock',
      asOf: '2027-06-01',
      claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2026-05-01' },
      errors: [{ messageId: 'late', line: 1, data: { dos: '2026-05-01', limit: 'one calendar year', deadline: '2027-05-01', asOf: '2027-06-01', days: 396 } }],
    },
  ],
});
