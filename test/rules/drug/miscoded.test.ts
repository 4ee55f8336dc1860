import rule from '../../../src/rules/drug/miscoded.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
const msg = 'Recode J1110 to J1885 if that was the drug given (check the record): J1110 (Injection, dihydroergotamine mesylate, per 1 mg) on a claim with spine procedures is almost always J1885 billed under the wrong code';

ruleTester.run(rule, {
  valid: [
    { name: 'ketorolac on a spine claim', claim: { dx, lines: ['64483-RT', 'J1885 x2'] } },
    { name: 'J1110 without a spine procedure (migraine visit)', claim: { dx: ['G43909'], lines: ['99213', 'J1110 x1'] } },
  ],
  invalid: [
    {
      name: 'J1110 with a TFESI',
      claim: { dx, lines: ['64483-RT', 'J1110 x1'] },
      errors: [{ messageId: 'miscoded', line: 2, severity: 'error', message: msg }],
    },
    {
      name: 'the spine procedure on another date of the same claim',
      claim: { dx, lines: ['J1110 x2', '64635-RT dos:2026-10-08'] },
      errors: [{ messageId: 'miscoded', line: 1, message: msg }],
    },
  ],
});
