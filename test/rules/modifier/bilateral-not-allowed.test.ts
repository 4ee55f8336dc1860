import rule from '../../../src/rules/modifier/bilateral-not-allowed.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
const msg = (modifiers: string, code: string) =>
  `Remove modifier ${modifiers} from ${code}: bilateral indicator 9 (the concept does not apply), so it takes none of 50, RT, LT`;

ruleTester.run(rule, {
  valid: [
    { name: 'interlaminar ESI without laterality', claim: { dx, lines: ['62323'] } },
    { name: 'interlaminar ESI with KX', claim: { dx, lines: ['62321-KX'] } },
    { name: 'transforaminal ESI with 50 (indicator 1)', claim: { dx, lines: ['64483-50'] } },
  ],
  invalid: [
    {
      name: '50 removed, other modifiers kept in order',
      claim: { dx, lines: ['62323-50-KX @700.00'] },
      errors: [{ messageId: 'notAllowed', line: 1, severity: 'error', message: msg('50', '62323') }],
      output: ['62323-KX @700.00'],
    },
    {
      name: 'RT on a cervical interlaminar ESI',
      claim: { dx: ['M5412'], lines: ['62321-RT'] },
      errors: [{ messageId: 'notAllowed', line: 1, message: msg('RT', '62321') }],
      output: ['62321'],
    },
    {
      name: 'RT and LT on two unguided lines (units left to esi/interlaminar-units)',
      claim: { dx, lines: ['62322-RT-LT x2'] },
      errors: [{ messageId: 'notAllowed', line: 1, message: msg('RT, LT', '62322') }],
      output: ['62322 x2'],
    },
    {
      name: 'two lines, one per side',
      claim: { dx, lines: ['62323-RT', '62323-LT'] },
      errors: [
        { messageId: 'notAllowed', line: 1, message: msg('RT', '62323') },
        { messageId: 'notAllowed', line: 2, message: msg('LT', '62323') },
      ],
      output: ['62323', '62323'],
    },
  ],
});
