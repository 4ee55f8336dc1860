import rule from '../../../src/rules/drug/not-separately-billable.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'steroid with a TFESI', claim: { dx: ['M5416'], lines: ['64483-RT', 'J1010 x40'] } },
    { name: 'local anesthetic without a spine procedure', claim: { dx: ['M1711'], lines: ['20610-RT', 'J0665 x10'] } },
    { name: 'local anesthetic on another date', claim: { dx: ['M5416'], lines: ['64483-RT', 'J2001 dos:2026-10-02'] } },
  ],
  invalid: [
    {
      name: 'bupivacaine and lidocaine with a facet injection',
      claim: { dx: ['M47816'], lines: ['64493-50 @900.00', 'J0665 x10 @20.00', 'J1100 x10 @5.00', 'J2001 @8.00'] },
      errors: [
        { messageId: 'included', line: 2, message: 'Remove J0665 (local anesthetic): the local anesthetic is included in the procedure (64493)' },
        { messageId: 'included', line: 4, data: { code: 'J2001', procedures: '64493' } },
      ],
      output: ['64493-50 @900.00', 'J1100 x10 @5.00'],
      outputTotal: '905.00',
    },
  ],
});
