import rule from '../../../src/rules/dx/invalid-format.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'ICD-10-CM codes of 3 to 7 characters', claim: { dx: ['M5416', 'M47816', 'G892', 'M545', 'M51A0', 'S32009A'], lines: ['64483-RT'] } },
    { name: 'ICD-9 codes are left alone', claim: { dx: ['BK:724.2', 'BF:7243'], lines: ['64483-RT'] } },
  ],
  invalid: [
    {
      name: 'a decimal point is stripped',
      claim: { dx: ['M54.16', 'M47.816'], lines: ['64483-RT ptr1,2'] },
      errors: [
        { messageId: 'decimal', line: null, data: { code: 'M54.16', expected: 'M5416' }, message: 'Send diagnosis M54.16 as M5416: ICD-10-CM codes are transmitted without the decimal point' },
        { messageId: 'decimal', line: null, data: { code: 'M47.816', expected: 'M47816' } },
      ],
      output: ['64483-RT ptr1,2'],
      outputDx: ['M5416', 'M47816'],
    },
    {
      name: 'not of ICD-10-CM shape: reported, not fixed',
      claim: { dx: ['7242', 'm5416', 'M54.1.6', ''], lines: ['64483-RT'] },
      errors: [
        { messageId: 'shape', data: { code: '7242', index: 1 }, message: 'Correct diagnosis "7242" (diagnosis 1): an ICD-10-CM code is 3 to 7 characters, such as M5416' },
        { messageId: 'shape', data: { code: 'm5416', index: 2 } },
        { messageId: 'shape', data: { code: 'M54.1.6', index: 3 } },
        { messageId: 'shape', data: { code: '', index: 4 } },
      ],
    },
  ],
});
