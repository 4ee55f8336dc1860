import rule from '../../../src/rules/claim/unknown-procedure.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'CPT, Category III, HCPCS', claim: { dx: ['M5416'], lines: ['64483-RT', '0213T', 'J1010 x40', 'Q9966', '01937', '99213-25'] } },
  ],
  invalid: [
    {
      name: 'too short, too long, lowercase, punctuation',
      claim: { dx: ['M5416'], lines: ['6448', '644830', 'j1010', '64.83', '64483-RT'] },
      errors: [
        { messageId: 'shape', line: 1, data: { code: '6448' }, message: 'Correct procedure code "6448": it does not have the 5-character CPT/HCPCS shape (99213, 0213T, J1010)' },
        { messageId: 'shape', line: 2, data: { code: '644830' } },
        { messageId: 'shape', line: 3, data: { code: 'j1010' } },
        { messageId: 'shape', line: 4, data: { code: '64.83' } },
      ],
    },
    { name: 'HCPCS letter outside A–V', claim: { lines: ['W1234'] }, errors: [{ messageId: 'shape', line: 1 }] },
  ],
});
