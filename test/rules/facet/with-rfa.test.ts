import rule from '../../../src/rules/facet/with-rfa.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M47812'];
const msg = (injection: string, rfa: string, region = 'lumbar/sacral') =>
  `Unexpected facet injection ${injection} with RFA ${rfa} in the same ${region} session, expected the destruction only (or XS/59 on the injection when the joints differ)`;

ruleTester.run(rule, {
  valid: [
    { name: 'facet injections only', claim: { dx, lines: ['64493-50', '64494-50'] } },
    { name: 'RFA only', claim: { dx, lines: ['64635-50', '64636-50'] } },
    { name: 'injection in the other region', claim: { dx, lines: ['64635-RT', '64490-RT ptr2'] } },
    { name: 'injection with XS (different joints)', claim: { dx, lines: ['64635-RT', '64493-RT-XS'] } },
    { name: 'injection with 59', claim: { dx, lines: ['64635-RT', '64493-LT-59'] } },
    { name: 'RFA on another date of service', claim: { dx, lines: ['64635-RT dos:2026-10-15', '64493-RT'] } },
  ],
  invalid: [
    {
      name: 'same side, same region: the injection line is removed',
      claim: { dx, lines: ['64635-RT @900.00', '64493-RT @400.00'] },
      errors: [{ messageId: 'injectionWithRfa', line: 2, severity: 'error', message: msg('64493-RT', '64635-RT') }],
      output: ['64635-RT @900.00'],
      outputTotal: '900.00',
    },
    {
      name: 'bilateral RFA covers both injection lines',
      claim: { dx, lines: ['64635-50', '64636-50', '64493-RT', '64494-LT'] },
      errors: [
        { messageId: 'injectionWithRfa', line: 3, message: msg('64493-RT', '64635-50, 64636-50') },
        { messageId: 'injectionWithRfa', line: 4, message: msg('64494-LT', '64635-50, 64636-50') },
      ],
      output: ['64635-50', '64636-50'],
      outputTotal: '200.00',
    },
    {
      name: 'cervical/thoracic injection with cervical/thoracic RFA',
      claim: { dx: ['M47812'], lines: ['64490-50', '64633-50'] },
      errors: [{ messageId: 'injectionWithRfa', line: 1, message: msg('64490-50', '64633-50', 'cervical/thoracic') }],
      output: ['64633-50'],
    },
    {
      name: 'junction RFA (64633 + 64636) is lumbar: a lumbar injection is in its session',
      claim: { dx, lines: ['64633-50', '64636-50', '64493-50'] },
      errors: [{ messageId: 'injectionWithRfa', line: 3, message: msg('64493-50', '64633-50, 64636-50') }],
      output: ['64633-50', '64636-50'],
    },
    {
      name: 'injection without side: reported, fix blocked',
      claim: { dx, lines: ['64635-RT', '64493'] },
      errors: [{ messageId: 'injectionWithRfa', line: 2, message: msg('64493', '64635-RT') }],
    },
    {
      name: 'RFA without side: reported, fix blocked',
      claim: { dx, lines: ['64635', '64493-RT'] },
      errors: [{ messageId: 'injectionWithRfa', line: 2, message: msg('64493-RT', '64635') }],
    },
    {
      name: 'injection on the side the RFA does not reach: reported, not removed',
      claim: { dx, lines: ['64635-RT', '64493-LT'] },
      errors: [{ messageId: 'injectionWithRfa', line: 2, message: msg('64493-LT', '64635-RT') }],
    },
  ],
});
