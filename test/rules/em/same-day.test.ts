import rule from '../../../src/rules/em/same-day.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416', 'M47816'];
const msg = (code: string, procedure: string) =>
  `Add 25 to ${code} if the visit was significant and separately identifiable, or remove the E/M if not: it is in a session with ${procedure}`;

ruleTester.run(rule, {
  valid: [
    { name: 'E/M with 25', claim: { dx, lines: ['99213-25', '64483-RT'] } },
    { name: 'E/M without a procedure', claim: { dx, lines: ['99214'] } },
    { name: 'E/M on another date than the procedure', claim: { dx, lines: ['99204', '64483-RT dos:2026-10-15'] } },
    { name: 'a joint injection is not a spine procedure', claim: { dx: ['M1711'], lines: ['99213', '20610-RT'] } },
    { name: 'a consultation with 25', claim: { dx, lines: ['99244-25', '62323'] } },
    { name: '99241 was deleted 2023-01-01: not an E/M code on a 2026 date (claim/unknown-procedure territory)', claim: { dx, lines: ['99241', '64483-RT'] } },
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
    {
      name: 'an office consultation (99243) with a TFESI',
      claim: { dx, lines: ['99243', '64483-RT'] },
      errors: [{ messageId: 'emWithoutModifier', line: 1, message: msg('99243', '64483-RT') }],
    },
    {
      name: 'hospital, observation-discharge, ED and nursing facility visits on the day of a facet block',
      claim: { dx, lines: ['99232', '99238', '99284', '99309', '64493-RT ptr2'] },
      errors: [
        { messageId: 'emWithoutModifier', line: 1, data: { code: '99232', procedure: '64493-RT' } },
        { messageId: 'emWithoutModifier', line: 2, data: { code: '99238', procedure: '64493-RT' } },
        { messageId: 'emWithoutModifier', line: 3, data: { code: '99284', procedure: '64493-RT' } },
        { messageId: 'emWithoutModifier', line: 4, data: { code: '99309', procedure: '64493-RT' } },
      ],
    },
    {
      name: 'an inpatient consultation (99253) and a 2022 office consultation (99241, deleted 2023)',
      claim: { dx, lines: ['99253 dos:2026-10-01', '64483-RT dos:2026-10-01', '99241 dos:2022-06-01', '64483-RT dos:2022-06-01'] },
      asOf: '2022-12-01',
      errors: [
        { messageId: 'emWithoutModifier', line: 1, data: { code: '99253', procedure: '64483-RT' } },
        { messageId: 'emWithoutModifier', line: 3, data: { code: '99241', procedure: '64483-RT' } },
      ],
    },
  ],
});
