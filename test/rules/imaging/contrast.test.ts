import rule from '../../../src/rules/imaging/contrast.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'no contrast', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'contrast with an unguided ESI', claim: { dx: ['M5416'], lines: ['62322', 'Q9966 x3'] } },
    { name: 'contrast with a joint injection', claim: { dx: ['M1711'], lines: ['20610-RT', 'Q9967'] } },
  ],
  invalid: [
    {
      name: 'contrast with a TFESI: reported, kept by default',
      claim: { dx: ['M5416'], lines: ['64483-RT', 'Q9966 x3 @30.00'] },
      errors: [
        {
          messageId: 'contrast',
          line: 2,
          severity: 'warning',
          data: { code: 'Q9966', procedures: '64483' },
          message: 'Remove contrast Q9966 unless the payer pays contrast separately: contrast is an inclusive component of the image-guided procedure (64483)',
        },
      ],
    },
    {
      name: 'removed when the policy says removeContrast',
      policy: { removeContrast: true },
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', 'Q9966 x3 @30.00', 'Q9967 @10.00'] },
      errors: [
        { messageId: 'contrast', line: 2, data: { code: 'Q9966', procedures: '64483' } },
        { messageId: 'contrast', line: 3, data: { code: 'Q9967', procedures: '64483' } },
      ],
      output: ['64483-RT @500.00'],
      outputTotal: '500.00',
    },
  ],
});
