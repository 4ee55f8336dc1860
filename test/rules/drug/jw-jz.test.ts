import rule from '../../../src/rules/drug/jw-jz.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
/** A synthetic NDC a practice's policy declares single-dose, and one it declares multiple-dose. */
const SDV = '99999000111';
const MDV = '99999000222';
const policy = { ruleOptions: { 'drug/jw-jz': { singleDoseNdcs: [SDV], multipleDoseNdcs: [MDV] } } };

ruleTester.run(rule, {
  valid: [
    { name: 'a single-dose drug with JZ', claim: { dx, lines: ['64483-RT', 'J3304-JZ x40'] } },
    { name: 'administered amount plus a JW line for the discarded amount', claim: { dx, lines: ['64483-RT', 'J3304 x32', 'J3304-JW x8'] } },
    { name: 'a multiple-dose drug without JW/JZ', claim: { dx, lines: ['64483-RT', 'J0702 x1'] } },
    { name: 'a code whose container depends on an NDC nobody named', claim: { dx, lines: ['64483-RT', `J1010 x80 ndc:12345678901`] } },
    { name: 'before JZ was required (2023-07-01)', asOf: '2023-12-01', claim: { dx, lines: ['64483-RT', 'J3304 x40'], dos: '2023-06-30' } },
    { name: 'an NDC the policy names multiple-dose, without JW/JZ', policy, claim: { dx, lines: ['64483-RT', `J1010 x40 ndc:${MDV}`] } },
  ],
  invalid: [
    {
      name: 'Medicare Advantage: a warning; commercial: off (no finding)',
      profiles: ['medicare-advantage', 'commercial'],
      claim: { dx, lines: ['64483-RT', 'J3304 x40'] },
      errors: [{ messageId: 'missing', line: 2, severity: 'warning', suggestions: ['J3304 ×40 → J3304-JZ ×40'] }],
    },
    {
      name: 'a single-dose drug without JW or JZ: held, JZ suggested',
      claim: { dx, lines: ['64483-RT', 'J3304 x40'] },
      errors: [
        {
          messageId: 'missing',
          line: 2,
          message:
            'Add JZ to J3304 if none of it was discarded, or bill the discarded amount on a J3304-JW line: J3304 comes in a single-dose container, and Medicare Part B requires JW or JZ on it',
          suggestions: ['J3304 ×40 → J3304-JZ ×40'],
        },
      ],
    },
    {
      name: 'an NDC the policy names single-dose (hyphenated on the claim)',
      policy,
      claim: { dx, lines: ['64483-RT', 'J1010 x40 ndc:99999-0001-11'] },
      errors: [{ messageId: 'missing', line: 2, data: { code: 'J1010', drug: `NDC ${SDV} (J1010)` }, suggestions: ['J1010 ×40 → J1010-JZ ×40'] }],
    },
    {
      name: 'JW and JZ on one line',
      claim: { dx, lines: ['64483-RT', 'J3304-JW-JZ x40'] },
      errors: [{ messageId: 'both', line: 2, message: 'Keep JW or JZ on J3304-JW-JZ, not both: JW bills a discarded amount, JZ says nothing was discarded' }],
    },
    {
      name: 'JZ on the administered line while a JW line bills waste',
      claim: { dx, lines: ['64483-RT', 'J3304-JZ x32', 'J3304-JW x8'] },
      errors: [
        {
          messageId: 'zWithW',
          line: 2,
          message: 'Remove JZ from J3304-JZ or the J3304-JW line 3: JZ says nothing of J3304 was discarded, and the JW line bills a discarded amount',
        },
      ],
    },
    {
      name: 'JZ on a multiple-dose drug: removed (it only informs)',
      claim: { dx, lines: ['64483-RT @500.00', 'J0702-JZ x1 @20.00'] },
      errors: [
        {
          messageId: 'multiDose',
          line: 2,
          message: 'Remove JZ from J0702-JZ: J0702 comes in a multiple-dose container, and JW/JZ apply to single-dose containers only',
        },
      ],
      output: ['64483-RT @500.00', 'J0702 x1 @20.00'],
    },
    {
      name: 'JW on a multiple-dose NDC: the discarded amount is not payable, held without a fix',
      policy,
      claim: { dx, lines: ['64483-RT', `J1010 x40 ndc:${MDV}`, `J1010-JW x40 ndc:${MDV}`] },
      errors: [{ messageId: 'multiDose', line: 3, data: { modifier: 'JW', code: 'J1010-JW', drug: `NDC ${MDV} (J1010)` } }],
    },
  ],
});
