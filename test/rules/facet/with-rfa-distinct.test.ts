import rule from '../../../src/rules/facet/with-rfa-distinct.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M47812'];
const msg = (injection: string, rfa: string, region = 'lumbar/sacral') =>
  `Check that the record documents different joints for facet injection ${injection} and RFA ${rfa}: both in one ${region} session, the injection is payable only if the joints differ`;

ruleTester.run(rule, {
  valid: [
    { name: 'injection without XS/59 is facet/with-rfa', claim: { dx, lines: ['64635-RT', '64493-RT'] } },
    { name: 'XS injection in the other region', claim: { dx, lines: ['64635-RT', '64490-RT-XS ptr2'] } },
    { name: 'XS injection without RFA', claim: { dx, lines: ['64493-RT-XS'] } },
  ],
  invalid: [
    {
      name: 'XS on the injection',
      claim: { dx, lines: ['64635-RT', '64493-LT-XS'] },
      errors: [{ messageId: 'distinctJoints', line: 2, severity: 'info', message: msg('64493-LT-XS', '64635-RT') }],
    },
    {
      name: '59 on two injection lines',
      claim: { dx, lines: ['64635-50', '64493-RT-59', '64494-RT-59'] },
      errors: [
        { messageId: 'distinctJoints', line: 2, message: msg('64493-RT-59', '64635-50') },
        { messageId: 'distinctJoints', line: 3, message: msg('64494-RT-59', '64635-50') },
      ],
    },
  ],
});
