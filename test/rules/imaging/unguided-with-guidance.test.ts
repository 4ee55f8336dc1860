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
      name: '62322 + 77003: 62323 suggested, not applied (a higher-paying code)',
      claim: { dx: ['M5416'], lines: ['62322 @600.00', '77003 @100.00'] },
      errors: [
        {
          messageId: 'recode',
          line: 1,
          message: 'Recode 62322 to 62323 and remove 77003 if imaging guided the injection, or remove 77003 if it did not: 62322 is the code without imaging guidance',
          suggestions: ['62322, 77003 → 62323'],
        },
      ],
    },
    {
      name: '62320 + 77012: 62321 suggested',
      claim: { dx: ['M5412'], lines: ['77012', '62320'] },
      errors: [{ messageId: 'recode', line: 2, data: { code: '62320', imaging: '77012', guided: '62321' }, suggestions: ['77012, 62320 → 62321'] }],
    },
    {
      name: 'both regions unguided with fluoroscopy: one suggestion recodes both',
      claim: { dx: ['M5412', 'M5416'], lines: ['62320 ptr1', '62322 ptr2', '77003'] },
      errors: [
        { messageId: 'recode', line: 1, data: { code: '62320', imaging: '77003', guided: '62321' }, suggestions: ['62320, 62322, 77003 → 62321, 62323'] },
        { messageId: 'recode', line: 2, data: { code: '62322', imaging: '77003', guided: '62323' } },
      ],
    },
    {
      name: 'a policy overrides the reference\'s guided code (rule option guidedCodes)',
      claim: { dx: ['M5416'], lines: ['62322', '77003'] },
      policy: { ruleOptions: { 'imaging/unguided-with-guidance': { guidedCodes: { '62322': '62321' } } } },
      errors: [{ messageId: 'recode', line: 1, data: { code: '62322', imaging: '77003', guided: '62321' }, suggestions: ['62322, 77003 → 62321'] }],
    },
  ],
});
