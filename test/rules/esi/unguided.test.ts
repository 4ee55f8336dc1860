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
        { messageId: 'unguided', line: 1, severity: 'warning', data: { code: '62322' } },
        { messageId: 'unguided', line: 2, severity: 'warning', data: { code: '62320' } },
      ],
    },
  ],
});
