import rule from '../../../src/rules/claim/timely-filing.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'exactly 365 days before the run date', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2025-11-27' } },
    { name: 'recent', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2026-11-01' } },
    { name: 'a longer limit from the policy', claim: { lines: ['64483-RT'], dos: '2025-06-01' }, policy: { ruleOptions: { 'claim/timely-filing': { days: 730 } } } },
  ],
  invalid: [
    {
      name: '366 days',
      claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'], dos: '2025-11-26' },
      errors: [{ messageId: 'late', line: 1, message: 'Date of service 2025-11-26 is 366 days before the run date 2026-11-27: past the 365-day filing limit' }],
    },
    {
      name: 'one finding per late session; the recent session is fine',
      claim: { dx: ['M5416'], lines: ['64483-RT dos:2026-11-01', '64493-RT dos:2024-01-15', '64494-RT dos:2024-01-15'] },
      errors: [{ messageId: 'late', line: 2, data: { dos: '2024-01-15', days: 1047, asOf: '2026-11-27', limit: 365 } }],
    },
    {
      name: 'the run date is --as-of, never the clock',
      asOf: '2027-06-01',
      claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2026-05-01' },
      errors: [{ messageId: 'late', line: 1, data: { dos: '2026-05-01', days: 396, asOf: '2027-06-01', limit: 365 } }],
    },
  ],
});
