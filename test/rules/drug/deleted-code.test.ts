import rule from '../../../src/rules/drug/deleted-code.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
const msg = (code: string, units: number, date: string, replacementUnits: number) =>
  `Bill ${code} × ${units} on ${date} as J1010 × ${replacementUnits}: ${code} is deleted from 2024-04-01`;

ruleTester.run(rule, {
  valid: [
    { name: 'J1030 the day before the deletion', claim: { dx, dos: '2024-03-31', lines: ['64483-RT', 'J1030 x1'] } },
    { name: 'J1010 per mg', claim: { dx, dos: '2024-05-01', lines: ['64483-RT', 'J1010 x40'] } },
    { name: 'other drugs', claim: { dx, lines: ['64483-RT', 'J3301 x4'] } },
  ],
  invalid: [
    {
      name: 'J1030 × 2 (80 mg): J1010 × 80, the line total kept',
      claim: { dx, dos: '2024-05-01', lines: ['64483-RT @600.00', 'J1030 x2 @30.00'] },
      errors: [{ messageId: 'deletedCode', line: 2, severity: 'error', message: msg('J1030', 2, '2024-05-01', 80) }],
      output: ['64483-RT @600.00', 'J1010 x80 @30.00'],
      outputTotal: '630.00',
    },
    {
      name: 'J1020 on the deletion date',
      claim: { dx, dos: '2024-04-01', lines: ['J1020 x1 @12.00'] },
      errors: [{ messageId: 'deletedCode', line: 1, message: msg('J1020', 1, '2024-04-01', 20) }],
      output: ['J1010 x20 @12.00'],
    },
    {
      name: 'J1040 with a later date on its own line',
      claim: { dx, dos: '2024-03-15', lines: ['J1040 x1 @25.00 dos:2026-10-01', 'J1030 x1 @15.00'] },
      errors: [{ messageId: 'deletedCode', line: 1, message: msg('J1040', 1, '2026-10-01', 80) }],
      output: ['J1010 x80 @25.00', 'J1030 x1 @15.00'],
    },
  ],
});
