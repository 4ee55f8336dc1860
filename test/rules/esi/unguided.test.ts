import rule from '../../../src/rules/esi/unguided.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'guided interlaminar ESI', claim: { dx: ['M5416', 'M5412'], lines: ['62323 ptr1', '62321 ptr2 dos:2026-10-02'] } },
    { name: 'transforaminal ESI', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
  ],
  invalid: [
    {
      name: '62322 and 62320 (medicare: warning; guide: off)',
      claim: { dx: ['M5416', 'M5412'], lines: ['62322 ptr1', '62320 ptr2 dos:2026-10-02'] },
      errors: [
        {
          messageId: 'unguided',
          line: 1,
          severity: 'warning',
          message:
            'Recode 62322 to its image-guided code (62321/62323) if imaging guided the injection, or bill it as not covered (Medicare: GA with an ABN on file, else GZ): 62322 (interlaminar ESI without imaging guidance) is not covered, as the ESI LCDs require fluoroscopic or CT guidance',
        },
        { messageId: 'unguided', line: 2, severity: 'warning', data: { code: '62320' } },
      ],
    },
  ],
});
