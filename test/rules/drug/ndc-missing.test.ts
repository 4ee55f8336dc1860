import rule from '../../../src/rules/drug/ndc-missing.js';
import { claimOf } from '../../support/claim-builder.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
const msg = (code: string) => `Add the 11-digit NDC of the drug given to ${code} (LIN*N4): many payers require it on a J-code line`;

const otherQualifier = claimOf({ dx, lines: ['64483-RT', 'J1100 x10'] });
const withOtherQualifier = {
  ...otherQualifier,
  lines: otherQualifier.lines.map((line) => (line.procedure === 'J1100' ? { ...line, drug: { ndc: '00409488802', ndcQualifier: 'EN' } } : line)),
};

ruleTester.run(rule, {
  valid: [
    { name: 'J-code with an NDC', claim: { dx, lines: ['64483-RT', 'J1100 x10 ndc:00409488802 qty:1 unit:ML'] } },
    { name: 'a badly formatted NDC is drug/ndc-format’s', claim: { dx, lines: ['J1100 x10 ndc:0409-4888-02'] } },
    { name: 'not a J-code', claim: { dx, lines: ['64483-RT', '99213-25', 'Q9966 x5'] } },
  ],
  invalid: [
    {
      name: 'J-code without LIN',
      claim: { dx, lines: ['64483-RT', 'J1100 x10'] },
      errors: [{ messageId: 'missingNdc', line: 2, severity: 'warning', message: msg('J1100') }],
    },
    {
      name: 'a product id that is not N4',
      claim: withOtherQualifier,
      errors: [{ messageId: 'missingNdc', line: 2, message: msg('J1100') }],
    },
    {
      name: 'a J-code the drug table does not know',
      claim: { dx, lines: ['J9999 x1', 'J3301 x4 mg:40'] },
      errors: [
        { messageId: 'missingNdc', line: 1, message: msg('J9999') },
        { messageId: 'missingNdc', line: 2, message: msg('J3301') },
      ],
    },
  ],
});
