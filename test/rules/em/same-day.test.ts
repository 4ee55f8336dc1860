import rule from '../../../src/rules/em/same-day.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416', 'M47816'];
const msg = (code: string, procedure: string) =>
  `Unexpected ${code} without 25 in a session with ${procedure}, expected ${code}-25 for a significant, separately identifiable visit (or no E/M)`;

ruleTester.run(rule, {
  valid: [
    { name: 'E/M with 25', claim: { dx, lines: ['99213-25', '64483-RT'] } },
    { name: 'E/M without a procedure', claim: { dx, lines: ['99214'] } },
    { name: 'E/M on another date than the procedure', claim: { dx, lines: ['99204', '64483-RT dos:2026-10-15'] } },
    { name: 'a joint injection is not a spine procedure', claim: { dx: ['M1711'], lines: ['99213', '20610-RT'] } },
  ],
  invalid: [
    {
      name: 'office visit with a TFESI',
      claim: { dx, lines: ['99213', '64483-RT', '64484-RT'] },
      errors: [{ messageId: 'emWithoutModifier', line: 1, severity: 'error', message: msg('99213', '64483-RT') }],
    },
    {
      name: 'new patient visit after an RFA, 25 missing (another modifier present)',
      claim: { dx, lines: ['64635-50 ptr2', '99204-57'] },
      errors: [{ messageId: 'emWithoutModifier', line: 2, message: msg('99204', '64635-50') }],
    },
  ],
});
