import rule from '../../../src/rules/claim/total-mismatch.js';
import { ruleTester } from '../../support/rule-tester.js';

// No output: the rule holds the claim and never changes its total (a total above its lines may mean lost lines).
ruleTester.run(rule, {
  valid: [
    { name: 'total equals the lines', claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '64484-RT @300.00'], total: '800.00' } },
    { name: 'no lines, zero total', claim: { lines: [], total: 0 } },
  ],
  invalid: [
    {
      name: 'total above the lines (a line may be missing): held, total kept',
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '64484-RT @300.00'], total: '900.00' },
      errors: [{ messageId: 'mismatch', line: null, data: { actual: '900.00', expected: '800.00' }, message: 'Check the claim against its source for missing lines: total charge 900.00 differs from the sum of the line charges 800.00 (held, the total is not changed)' }],
    },
    {
      name: 'total below the lines: held, total kept',
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '64484-RT @300.00'], total: '700.00' },
      errors: [{ messageId: 'mismatch', line: null, data: { actual: '700.00', expected: '800.00' } }],
    },
    {
      name: 'cents off',
      claim: { dx: ['M5416'], lines: ['62323 @612.34'], total: '612.43' },
      errors: [{ messageId: 'mismatch', data: { actual: '612.43', expected: '612.34' } }],
    },
  ],
});
