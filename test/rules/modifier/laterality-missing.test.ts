import rule from '../../../src/rules/modifier/laterality-missing.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M5416'];
const msg = (code: string) => `Add the side treated to ${code}, as the record shows (50 both, RT right, LT left): the line has none of 50, RT or LT`;

ruleTester.run(rule, {
  valid: [
    { name: 'sides given', claim: { dx, lines: ['64493-50', '64494-RT', '64495-LT'] } },
    { name: 'a 2-unit primary is modifier/bilateral-ambiguous', claim: { dx, lines: ['64483 x2 ptr2'] } },
    { name: 'interlaminar ESI (indicator 9)', claim: { dx, lines: ['62323 ptr2'] } },
    { name: 'a joint injection is outside the catalogue list', claim: { dx, lines: ['20610'] } },
    { name: 'imaging and drugs', claim: { dx, lines: ['64483-RT ptr2', 'J1100 x10'] } },
  ],
  invalid: [
    {
      name: 'facet primary and add-on without side',
      claim: { dx, lines: ['64493', '64494'] },
      errors: [
        { messageId: 'missing', line: 1, severity: 'warning', message: msg('64493') },
        { messageId: 'missing', line: 2, message: msg('64494') },
      ],
    },
    {
      name: 'a 3-unit primary and a 2-unit add-on',
      claim: { dx, lines: ['64483 x3 ptr2', '64636 x2'] },
      errors: [
        { messageId: 'missing', line: 1, message: msg('64483') },
        { messageId: 'missing', line: 2, message: msg('64636') },
      ],
    },
    {
      name: 'KX does not say a side',
      claim: { dx, lines: ['64490-KX'] },
      errors: [{ messageId: 'missing', line: 1, message: msg('64490') }],
    },
  ],
});
