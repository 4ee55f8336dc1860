import rule from '../../../src/rules/dx/unsupported-unknown.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'a known diagnosis', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'one known among unknown ones', claim: { dx: ['Z9989', 'M542'], lines: ['64490-RT ptr1,2'] } },
    { name: 'non-spine lines', claim: { dx: ['Z9989'], lines: ['99213', '20610-RT'] } },
    { name: 'no valid pointer: claim/pointer-invalid\'s', claim: { dx: ['Z9989'], lines: ['64483-RT ptr-'] } },
  ],
  invalid: [
    {
      name: 'every pointed diagnosis is outside the table',
      claim: { dx: ['Z9989', 'R520', 'M5416'], lines: ['64483-RT ptr1,2', '64483-LT ptr3'] },
      errors: [
        {
          messageId: 'unknown',
          line: 1,
          severity: 'warning',
          data: { code: '64483-RT', diagnoses: 'Z9989, R520' },
          message: 'Check that the LCD billing article covers 64483-RT for Z9989, R520: the line points only to diagnoses outside the spine reference table, so coverage support cannot be checked here',
        },
      ],
    },
    {
      name: 'an ICD-9 diagnosis cannot be told either',
      claim: { dx: ['BK:7242'], lines: ['64493-50'] },
      errors: [{ messageId: 'unknown', line: 1, data: { code: '64493-50', diagnoses: '7242' } }],
    },
  ],
});
