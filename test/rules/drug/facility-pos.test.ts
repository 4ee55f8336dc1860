import rule from '../../../src/rules/drug/facility-pos.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
const msg = (code: string, pos: string) =>
  `Remove drug line ${code} from the professional claim: in place of service ${pos} the facility bills the drug`;

ruleTester.run(rule, {
  valid: [
    { name: 'office (POS 11): the physician bills the drug', claim: { dx, lines: ['64483-RT', 'J1100 x10'] } },
    { name: 'ASC claim without drug lines', claim: { dx, pos: '24', lines: ['64483-RT', '64484-RT'] } },
    { name: 'a line billed in the office on an ASC claim', claim: { dx, pos: '24', lines: ['64483-RT', 'J3301 x4 pos:11'] } },
  ],
  invalid: [
    {
      name: 'ASC claim (POS 24): the drug line is removed',
      claim: { dx, pos: '24', lines: ['64483-RT @600.00', 'J1100 x10 @8.00'] },
      errors: [{ messageId: 'facilityDrug', line: 2, severity: 'error', message: msg('J1100', '24') }],
      output: ['64483-RT @600.00'],
      outputTotal: '600.00',
    },
    {
      name: 'hospital outpatient on the line (SV105 22)',
      claim: { dx, lines: ['64493-50', 'J3301 x4 pos:22'] },
      errors: [{ messageId: 'facilityDrug', line: 2, message: msg('J3301', '22') }],
      output: ['64493-50'],
    },
    {
      name: 'a local anesthetic is a drug too (POS 19)',
      claim: { dx, pos: '19', lines: ['J0665 x20', '62323', 'J1010 x40'] },
      errors: [
        { messageId: 'facilityDrug', line: 1, message: msg('J0665', '19') },
        { messageId: 'facilityDrug', line: 3, message: msg('J1010', '19') },
      ],
      output: ['62323'],
    },
  ],
});
