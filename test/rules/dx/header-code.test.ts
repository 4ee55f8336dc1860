import rule from '../../../src/rules/dx/header-code.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'billable leaves', claim: { dx: ['M5416', 'M47816', 'M48062', 'M50122'], lines: ['64483-RT'] } },
    { name: 'M51.36 was billable before FY2025', claim: { dx: ['M5136'], lines: ['64483-RT'], dos: '2024-09-30' }, asOf: '2024-11-01' },
    { name: 'M54.5 was billable before FY2022', claim: { dx: ['M545'], lines: ['64493-RT'], dos: '2021-09-30' }, asOf: '2021-11-01' },
    { name: 'codes the table does not know are not this rule\'s business', claim: { dx: ['Z9989'], lines: ['64483-RT'] } },
  ],
  invalid: [
    {
      name: 'M54.1 lists its billable children',
      claim: { dx: ['M541'], lines: ['64483-RT'] },
      errors: [
        {
          messageId: 'header',
          line: null,
          message: 'Recode category header M54.1 to the billable code documented, one of M54.10, M54.11, M54.12, M54.13, M54.14, M54.15, M54.16, M54.17, M54.18: a header is not billable on 2026-10-01',
        },
      ],
    },
    {
      name: 'M51.36 from FY2025, M54.5 from FY2022, M48.06 from FY2018',
      claim: { dx: ['M5136', 'M545', 'M4806'], lines: ['64483-RT'], dos: '2024-10-01' },
      asOf: '2024-11-01',
      errors: [
        { messageId: 'header', data: { display: 'M51.36', dos: '2024-10-01', children: 'M51.360, M51.361, M51.362, M51.369' } },
        { messageId: 'header', data: { display: 'M54.5', dos: '2024-10-01', children: 'M54.50, M54.51, M54.59' } },
        { messageId: 'header', data: { display: 'M48.06', dos: '2024-10-01', children: 'M48.061, M48.062' } },
      ],
    },
    {
      name: 'M50.12 with a decimal point is still recognized',
      claim: { dx: ['M50.12'], lines: ['64479-RT'] },
      errors: [{ messageId: 'header', data: { display: 'M50.12', dos: '2026-10-01', children: 'M50.120, M50.121, M50.122, M50.123' } }],
    },
  ],
});
