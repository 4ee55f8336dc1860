import rule from '../../../src/rules/drug/off-label.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816'];
const msg =
  'Check that J3304 (Injection, triamcinolone acetonide, preservative-free, extended-release, microsphere formulation, 1 mg) is the drug given: it is not labeled for spinal injection, and the claim has spine procedures';

ruleTester.run(rule, {
  valid: [
    { name: 'Zilretta for the knee', claim: { dx: ['M1711'], lines: ['20610-RT', 'J3304 x32'] } },
    { name: 'triamcinolone NOS on a spine claim', claim: { dx, lines: ['64493-50', 'J3301 x4'] } },
  ],
  invalid: [
    {
      name: 'Zilretta with a facet injection',
      claim: { dx, lines: ['64493-50', 'J3304 x32'] },
      errors: [{ messageId: 'offLabel', line: 2, severity: 'warning', message: msg }],
    },
    {
      name: 'Zilretta with an RFA on another date of the claim',
      claim: { dx, lines: ['J3304 x32 dos:2026-10-02', '64635-RT'] },
      errors: [{ messageId: 'offLabel', line: 1, message: msg }],
    },
  ],
});
