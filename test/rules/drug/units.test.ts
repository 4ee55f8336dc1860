import rule from '../../../src/rules/drug/units.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
const msg = (units: number, code: string, dose: string, expected: number, billingUnit: string) =>
  `Bill ${expected} units of ${code} for ${dose}, not ${units}: ${dose} ÷ ${billingUnit} per unit, rounded up`;

ruleTester.run(rule, {
  valid: [
    { name: 'triamcinolone 40 mg = 4 units', claim: { dx, lines: ['J3301 x4 qty:40 unit:ME'] } },
    { name: 'triamcinolone 15 mg = 2 units (round up)', claim: { dx, lines: ['J3301 x2 mg:15'] } },
    { name: 'dexamethasone 10 mg = 10 units', claim: { dx, lines: ['J1100 x10 mg:10'] } },
    { name: 'betamethasone 2 mL = 2 units', claim: { dx, lines: ['J0702 x2 qty:2 unit:ML'] } },
    { name: 'no dose known', claim: { dx, lines: ['J3301 x3'] } },
    { name: 'a quantity in units says no dose', claim: { dx, lines: ['J3301 x3 qty:1 unit:UN'] } },
    { name: 'mL of a per-mg drug: the concentration is unknown', claim: { dx, lines: ['J3301 x3 qty:1 unit:ML'] } },
    { name: 'a deleted code is drug/deleted-code’s', claim: { dx, dos: '2024-05-01', lines: ['J1030 x1 mg:80'] } },
  ],
  invalid: [
    {
      name: 'triamcinolone 40 mg billed as 1 unit: raising to 4 units is only suggested (held)',
      claim: { dx, lines: ['64483-RT @600.00', 'J3301 x1 @10.00 qty:40 unit:ME'] },
      errors: [{ messageId: 'wrongUnits', line: 2, severity: 'warning', message: msg(1, 'J3301', '40 mg', 4, '10 mg'), suggestions: ['J3301 → J3301 ×4'] }],
    },
    {
      name: 'the CSV dose column (15 mg of triamcinolone) rounds up to 2',
      claim: { dx, lines: ['J3301 x4 @40.00 mg:15'] },
      errors: [{ messageId: 'wrongUnits', line: 1, message: msg(4, 'J3301', '15 mg', 2, '10 mg') }],
      output: ['J3301 x2 @20.00'],
    },
    {
      name: 'betamethasone 1 mL billed as 2 units (1 unit per mL)',
      claim: { dx, lines: ['J0702 x2 @24.00 qty:1 unit:ML'] },
      errors: [{ messageId: 'wrongUnits', line: 1, message: msg(2, 'J0702', '1 mL', 1, '1 mL') }],
      output: ['J0702 x1 @12.00'],
    },
    {
      name: 'betamethasone 12 mg = 2 mL = 2 units',
      claim: { dx, lines: ['J0702 x4 @40.00 mg:12'] },
      errors: [{ messageId: 'wrongUnits', line: 1, message: msg(4, 'J0702', '12 mg', 2, '6 mg') }],
      output: ['J0702 x2 @20.00'],
    },
    {
      name: 'ketorolac 60 mg = 4 units of 15 mg: suggested',
      claim: { dx, lines: ['J1885 x1 @5.00 qty:60 unit:ME'] },
      errors: [{ messageId: 'wrongUnits', line: 1, message: msg(1, 'J1885', '60 mg', 4, '15 mg'), suggestions: ['J1885 → J1885 ×4'] }],
    },
    {
      name: 'methylprednisolone J1010 is per mg: 40 units only suggested',
      claim: { dx, lines: ['J1010 x1 @15.00 mg:40'] },
      errors: [{ messageId: 'wrongUnits', line: 1, message: msg(1, 'J1010', '40 mg', 40, '1 mg'), suggestions: ['J1010 → J1010 ×40'] }],
    },
    {
      name: 'J1110 ×2 for 30 mg on a spine claim: the code is in question (drug/miscoded), no unit fix, held',
      claim: { dx, lines: ['64483-RT @600.00', 'J1110 x2 @20.00 mg:30'] },
      errors: [
        {
          messageId: 'codeInQuestion',
          line: 2,
          message: 'Check which drug was given before the units of J1110: drug/miscoded questions the code; if J1110 is right, bill 30 units for 30 mg, not 2',
          suggestions: ['J1110 ×2 → J1110 ×30'],
        },
      ],
    },
  ],
});
