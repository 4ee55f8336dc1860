import rule from '../../../src/rules/facet/with-rfa.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M47812'];
const msg = (injection: string, rfa: string, region = 'lumbar/sacral') =>
  `Remove facet injection ${injection} if it was at the joints of RFA ${rfa} (included in the destruction), or add XS if the joints differ: both in one ${region} session`;

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
      name: 'same side, same region: removal or XS suggested, held, not removed',
      claim: { dx, lines: ['64635-RT @900.00', '64493-RT-KX @400.00'] },
      errors: [
        {
          messageId: 'injectionWithRfa',
          line: 2,
          severity: 'error',
          message: msg('64493-RT-KX', '64635-RT'),
          suggestions: ['64493-RT-KX → (removed)', '64493-RT-KX → 64493-RT-KX-XS'],
        },
      ],
    },
    {
      name: 'bilateral RFA covers both injection lines',
      claim: { dx, lines: ['64635-50', '64636-50', '64493-RT', '64494-LT'] },
      errors: [
        { messageId: 'injectionWithRfa', line: 3, message: msg('64493-RT', '64635-50, 64636-50'), suggestions: ['64493-RT → (removed)', '64493-RT → 64493-RT-XS'] },
        { messageId: 'injectionWithRfa', line: 4, message: msg('64494-LT', '64635-50, 64636-50'), suggestions: ['64494-LT → (removed)', '64494-LT → 64494-LT-XS'] },
      ],
    },
    {
      name: 'cervical/thoracic injection with cervical/thoracic RFA',
      claim: { dx: ['M47812'], lines: ['64490-50', '64633-50'] },
      errors: [{ messageId: 'injectionWithRfa', line: 1, message: msg('64490-50', '64633-50', 'cervical/thoracic'), suggestions: ['64490-50 → (removed)', '64490-50 → 64490-50-XS'] }],
    },
    {
      name: 'junction RFA (64633 + 64636) is lumbar: a lumbar injection is in its session',
      claim: { dx, lines: ['64633-50', '64636-50', '64493-50'] },
      errors: [{ messageId: 'injectionWithRfa', line: 3, message: msg('64493-50', '64633-50, 64636-50'), suggestions: ['64493-50 → (removed)', '64493-50 → 64493-50-XS'] }],
    },
    {
      name: 'injection without side: only XS suggested',
      claim: { dx, lines: ['64635-RT', '64493'] },
      errors: [{ messageId: 'injectionWithRfa', line: 2, message: msg('64493', '64635-RT'), suggestions: ['64493 → 64493-XS'] }],
    },
    {
      name: 'RFA without side: only XS suggested',
      claim: { dx, lines: ['64635', '64493-RT'] },
      errors: [{ messageId: 'injectionWithRfa', line: 2, message: msg('64493-RT', '64635'), suggestions: ['64493-RT → 64493-RT-XS'] }],
    },
    {
      name: 'injection on the side the RFA does not reach: reported, not removed',
      claim: { dx, lines: ['64635-RT', '64493-LT'] },
      errors: [{ messageId: 'injectionWithRfa', line: 2, message: msg('64493-LT', '64635-RT'), suggestions: ['64493-LT → 64493-LT-XS'] }],
    },
  ],
});
