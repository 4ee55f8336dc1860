import rule from '../../../src/rules/claim/frequency-code.js';
import { ruleTester } from '../../support/rule-tester.js';

const lines = ['64483-RT'];
ruleTester.run(rule, {
  valid: [
    { name: 'original', claim: { dx: ['M5416'], lines, freq: '1' } },
    { name: 'replacement with REF*F8', claim: { dx: ['M5416'], lines, freq: '7', payerClaimNumber: 'PCN123' } },
    { name: 'void with REF*F8', claim: { dx: ['M5416'], lines, freq: '8', payerClaimNumber: 'PCN123' } },
  ],
  invalid: [
    { name: 'frequency 2', claim: { dx: ['M5416'], lines, freq: '2' }, errors: [{ messageId: 'invalid', line: null, data: { code: '2' }, message: 'Correct claim frequency code 2 to 1 (original), 7 (replacement) or 8 (void): CLM05-3 takes no other code' }] },
    { name: 'empty frequency', claim: { dx: ['M5416'], lines, freq: '' }, errors: [{ messageId: 'invalid', data: { code: '(empty)' } }] },
    {
      name: 'replacement without REF*F8',
      claim: { dx: ['M5416'], lines, freq: '7' },
      errors: [{ messageId: 'missingPayerClaimNumber', line: null, message: 'Add the payer claim number (REF*F8) of the claim this one replaces: claim frequency 7 (replacement) must name it' }],
    },
    {
      name: 'void with a blank REF*F8',
      claim: { dx: ['M5416'], lines, freq: '8', payerClaimNumber: '  ' },
      errors: [{ messageId: 'missingPayerClaimNumber', data: { code: '8', kind: 'void', verb: 'voids' } }],
    },
  ],
});
