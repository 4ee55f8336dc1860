import rule from '../../../src/rules/imaging/unguided-with-guidance.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'unguided ESI without imaging', claim: { dx: ['M5416'], lines: ['62322'] } },
    { name: 'guided ESI', claim: { dx: ['M5416'], lines: ['62323', '77003'] } },
    { name: 'ultrasound guidance is not fluoroscopy/CT', claim: { dx: ['M5416'], lines: ['62322', '76942'] } },
    { name: 'imaging on another date', claim: { dx: ['M5416'], lines: ['62322', '77003 dos:2026-10-02'] } },
  ],
  invalid: [
    {
      name: '62322 + 77003 → 62323, imaging removed',
      claim: { dx: ['M5416'], lines: ['62322 @600.00', '77003 @100.00'] },
      errors: [{ messageId: 'recode', line: 1, message: 'Unexpected 62322 (without imaging guidance) with 77003: imaging was used, expected 62323 (imaging included)' }],
      output: ['62323 @600.00'],
      outputTotal: '600.00',
    },
    {
      name: '62320 + 77012 → 62321',
      claim: { dx: ['M5412'], lines: ['77012', '62320'] },
      errors: [{ messageId: 'recode', line: 2, data: { code: '62320', imaging: '77012', guided: '62321' } }],
      output: ['62321'],
    },
    {
      name: 'both regions unguided with fluoroscopy: one fix recodes both',
      claim: { dx: ['M5412', 'M5416'], lines: ['62320 ptr1', '62322 ptr2', '77003'] },
      errors: [
        { messageId: 'recode', line: 1, data: { code: '62320', imaging: '77003', guided: '62321' } },
        { messageId: 'recode', line: 2, data: { code: '62322', imaging: '77003', guided: '62323' } },
      ],
      output: ['62321', '62323'],
    },
    {
      name: 'a policy overrides the reference\'s guided code (rule option guidedCodes)',
      claim: { dx: ['M5416'], lines: ['62322', '77003'] },
      policy: { ruleOptions: { 'imaging/unguided-with-guidance': { guidedCodes: { '62322': '62321' } } } },
      errors: [{ messageId: 'recode', line: 1, data: { code: '62322', imaging: '77003', guided: '62321' } }],
      output: ['62321'],
    },
  ],
});
