import rule from '../../../src/rules/modifier/bilateral-ambiguous.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416', 'M47816'];
const msg = (code: string, addon: string) =>
  `Bill ${code} × 2 as ${code}-50 × 1 if both sides were done, or as ${code} + ${addon} if two levels were: without 50, RT or LT the units do not say which`;

ruleTester.run(rule, {
  valid: [
    { name: 'one unit without side (modifier/laterality-missing)', claim: { dx, lines: ['64483'] } },
    { name: '2 units with RT: two levels on one side (primary/repeated)', claim: { dx, lines: ['64483-RT x2'] } },
    { name: '2 units with 50', claim: { dx, lines: ['64493-50 x2 ptr2'] } },
    { name: 'an add-on with 2 units', claim: { dx, lines: ['64483-RT', '64484 x2'] } },
    { name: '3 units is not this ambiguity', claim: { dx, lines: ['64483 x3'] } },
    { name: 'indicator 9 code', claim: { dx, lines: ['62323 x2'] } },
  ],
  invalid: [
    {
      name: 'TFESI primary × 2 without side',
      claim: { dx, lines: ['64483 x2'] },
      errors: [{ messageId: 'ambiguous', line: 1, severity: 'warning', message: msg('64483', '64484') }],
    },
    {
      name: 'facet and RFA primaries × 2',
      claim: { dx, lines: ['64493 x2 ptr2', '64633 x2 ptr2'] },
      errors: [
        { messageId: 'ambiguous', line: 1, message: msg('64493', '64494') },
        { messageId: 'ambiguous', line: 2, message: msg('64633', '64634') },
      ],
    },
  ],
});
