import rule from '../../../src/rules/claim/future-date.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'on the run date', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2026-11-27' } },
    { name: 'before the run date', claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'], dos: '2026-02-01' } },
    { name: 'the run date is --as-of, never the clock', asOf: '2030-01-01', claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2029-12-31' } },
  ],
  invalid: [
    {
      name: 'the day after the run date',
      claim: { dx: ['M5416'], lines: ['64483-RT'], dos: '2026-11-28' },
      errors: [
        {
          messageId: 'future',
          line: 1,
          message: 'Correct the date of service 2026-11-28 of 64483: it is after the run date 2026-11-27, and a service cannot be billed before it is performed',
          severity: 'error',
        },
      ],
    },
    {
      name: 'a year keyed wrong on one line of a claim',
      claim: { dx: ['M47816'], lines: ['64493-RT dos:2026-03-02', '64494-RT dos:2027-03-02'] },
      errors: [{ messageId: 'future', line: 2, data: { dos: '2027-03-02', code: '64494', asOf: '2026-11-27' } }],
    },
  ],
});
