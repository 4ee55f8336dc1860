import rule from '../../../src/rules/modifier/prefer-x.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M47812', 'M1711'];
const msg = (code: string, reason: string) => `Replace 59 with XS on ${code} (${reason}): XS names the separate structure, and 59 is for when no X modifier fits`;

ruleTester.run(rule, {
  valid: [
    { name: 'XS already', claim: { dx, lines: ['64635-RT', '64493-LT-XS'] } },
    { name: '59 beside an X modifier', claim: { dx, lines: ['64483-RT', '20610-LT-59-XS ptr3'] } },
    { name: '59 without a structural separation in the session', claim: { dx, lines: ['64483-RT-59'] } },
    { name: '59 on the column-1 code', claim: { dx, lines: ['64483-RT-59', '20610-LT-XS ptr3'] } },
  ],
  invalid: [
    {
      name: 'facet injection with 59 beside an RFA of the same region',
      claim: { dx, lines: ['64635-RT', '64493-LT-59'] },
      errors: [{ messageId: 'preferXs', line: 2, severity: 'info', message: msg('64493', 'a different joint from the RFA 64635') }],
    },
    {
      name: 'joint injection with 59 beside a TFESI',
      claim: { dx, lines: ['64483-RT', '20610-LT-59 ptr3'] },
      errors: [{ messageId: 'preferXs', line: 2, message: msg('20610', 'a different structure from 64483') }],
    },
    {
      name: 'facet injection with 59 in the other region than the RFA',
      claim: { dx, lines: ['64635-RT', '64490-RT-59 ptr2'] },
      errors: [{ messageId: 'preferXs', line: 2, message: msg('64490', 'a different spinal region from 64635') }],
    },
  ],
});
