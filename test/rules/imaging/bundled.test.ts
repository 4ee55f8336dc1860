import rule from '../../../src/rules/imaging/bundled.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'no imaging line', claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'] } },
    { name: 'imaging with an unguided ESI is imaging/unguided-with-guidance\'s', claim: { dx: ['M5416'], lines: ['62322', '77003'] } },
    { name: 'fluoroscopy (77002) marked XS for a joint injection in the same session', claim: { dx: ['M5416', 'M1711'], lines: ['64483-RT', '20610-RT ptr2', '77002-XS ptr2'] } },
    { name: 'ultrasound guidance with XS when a joint injection shares the session', claim: { dx: ['M5416', 'M1711'], lines: ['64483-RT', '20610-RT-XS ptr2', '76942-XS ptr2'] } },
    { name: 'imaging on another date of service', claim: { dx: ['M5416'], lines: ['64483-RT', '77003 dos:2026-10-02'] } },
    { name: 'fluoroscopy with a joint injection only', claim: { dx: ['M1711'], lines: ['20610-RT', '77002'] } },
  ],
  invalid: [
    {
      name: '77003 with XS: no modifier unbundles spine fluoroscopy',
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '77003-XS @80.00'] },
      errors: [
        {
          messageId: 'bundledModifier',
          line: 2,
          message: 'Remove 77003-XS: imaging guidance is included in the image-guided procedure (64483), and 59 or an X modifier does not unbundle it',
        },
      ],
      output: ['64483-RT @500.00'],
      outputTotal: '500.00',
    },
    {
      name: '77012 with 59 after a facet block',
      claim: { dx: ['M47816'], lines: ['64493-50', '77012-59'] },
      errors: [{ messageId: 'bundledModifier', line: 2, data: { code: '77012-59', procedures: '64493' } }],
      output: ['64493-50'],
    },
    {
      name: '77003 with a TFESI and a knee injection marked XS: 77003 is spine guidance, the 20610-XS does not let it through',
      claim: { dx: ['M5416', 'M1711'], lines: ['64483-RT @500.00', '20610-RT-XS ptr2 @150.00', '77003 @80.00'] },
      errors: [{ messageId: 'bundled', line: 3, message: 'Remove 77003: imaging guidance is included in the image-guided procedure (64483)' }],
      output: ['64483-RT @500.00', '20610-RT-XS @150.00'],
    },
    {
      name: '77002 unmarked with a TFESI and a knee injection: held, remove or XS suggested',
      claim: { dx: ['M5416', 'M1711'], lines: ['64483-RT', '20610-RT ptr2', '77002 ptr2'] },
      errors: [
        {
          messageId: 'otherProcedure',
          line: 3,
          message: 'Remove 77002 if it guided 64483 (included there), or mark it XS if it guided 20610 (documented): which procedure it guided cannot be told from the claim',
          suggestions: ['77002 → (removed)', '77002 → 77002-XS'],
        },
      ],
    },
    {
      name: '77002 with 59 and only spine procedures',
      claim: { dx: ['M47816'], lines: ['64635-RT', '64636-RT', '77002-59'] },
      errors: [{ messageId: 'bundledModifier', line: 3, data: { code: '77002-59', procedures: '64635, 64636' } }],
      output: ['64635-RT', '64636-RT'],
    },
    {
      name: 'fluoroscopy with a TFESI',
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '64484-RT @300.00', '77003 @80.00'] },
      errors: [{ messageId: 'bundled', line: 3, message: 'Remove 77003: imaging guidance is included in the image-guided procedure (64483, 64484)' }],
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
