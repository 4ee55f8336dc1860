import rule from '../../../src/rules/imaging/bundled.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'no imaging line', claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'] } },
    { name: 'imaging with an unguided ESI is imaging/unguided-with-guidance\'s', claim: { dx: ['M5416'], lines: ['62322', '77003'] } },
    { name: 'fluoroscopy for a joint injection in the same session', claim: { dx: ['M5416', 'M1711'], lines: ['64483-RT', '20610-RT ptr2', '77002 ptr2'] } },
    { name: 'imaging with XS (documented distinct)', claim: { dx: ['M5416'], lines: ['64483-RT', '77003-XS'] } },
    { name: 'imaging with 59', claim: { dx: ['M47816'], lines: ['64493-50', '77012-59'] } },
    { name: 'imaging on another date of service', claim: { dx: ['M5416'], lines: ['64483-RT', '77003 dos:2026-10-02'] } },
  ],
  invalid: [
    {
      name: 'fluoroscopy with a TFESI',
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '64484-RT @300.00', '77003 @80.00'] },
      errors: [{ messageId: 'bundled', line: 3, message: 'Unexpected 77003 with 64483, 64484: imaging guidance is included in the image-guided procedure' }],
      output: ['64483-RT @500.00', '64484-RT @300.00'],
      outputTotal: '800.00',
    },
    {
      name: 'CT, ultrasound and epidurography with facet and guided ILESI',
      claim: { dx: ['M47816', 'M5416'], lines: ['77012-26', '64493-50 ptr1', '76942', '62323 ptr2', '72275'] },
      errors: [
        { messageId: 'bundled', line: 1, data: { code: '77012-26', procedures: '64493, 62323' } },
        { messageId: 'bundled', line: 3, data: { code: '76942', procedures: '64493, 62323' } },
        { messageId: 'bundled', line: 5, data: { code: '72275', procedures: '64493, 62323' } },
      ],
      output: ['64493-50', '62323'],
    },
    {
      name: 'RFA with fluoroscopy; drugs and E/M do not count as procedures',
      claim: { dx: ['M47816'], lines: ['64635-RT', '99213-25', 'J1010 x40', '77003'] },
      errors: [{ messageId: 'bundled', line: 4 }],
      output: ['64635-RT', '99213-25', 'J1010 x40'],
    },
  ],
});
