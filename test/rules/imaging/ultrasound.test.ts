import rule from '../../../src/rules/imaging/ultrasound.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [{ name: 'fluoroscopic facet injection', claim: { dx: ['M47816'], lines: ['64493-50'] } }],
  invalid: [
    {
      name: 'ultrasound-guided facet and TFESI codes (medicare: warning; guide: off)',
      claim: { dx: ['M47816', 'M5416'], lines: ['0216T-RT ptr1', '0217T-RT ptr1', '0230T-LT ptr2', '64493-LT ptr1'] },
      errors: [
        {
          messageId: 'ultrasound',
          line: 1,
          severity: 'warning',
          data: { code: '0216T-RT' },
          message: 'Bill 0216T-RT (ultrasound-guided) as not covered (Medicare: GA with an ABN on file, else GZ): the LCDs require fluoroscopic or CT guidance',
        },
        { messageId: 'ultrasound', line: 2, data: { code: '0217T-RT' } },
        { messageId: 'ultrasound', line: 3, data: { code: '0230T-LT' } },
      ],
    },
    {
      name: 'a policy can turn it on under guide',
      profiles: ['guide'],
      policy: { severities: { 'imaging/ultrasound': 'error' } },
      claim: { dx: ['M47816'], lines: ['0213T'] },
      errors: [{ messageId: 'ultrasound', line: 1, severity: 'error' }],
    },
  ],
});
