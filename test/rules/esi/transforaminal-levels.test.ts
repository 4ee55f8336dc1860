import rule from '../../../src/rules/esi/transforaminal-levels.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'two levels bilateral', claim: { dx: ['M5416'], lines: ['64483-50', '64484-50'] } },
    { name: 'two levels on each side on separate lines', claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT', '64483-LT', '64484-LT'] } },
    { name: 'two regions, two levels each', claim: { dx: ['M5416', 'M5412'], lines: ['64483-RT ptr1', '64484-RT ptr1', '64479-RT ptr2', '64480-RT ptr2'] } },
    { name: 'a policy without the limit', claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT x3'] }, policy: { limits: { transforaminalLevelsPerSide: null } } },
  ],
  invalid: [
    {
      name: 'three levels on the right (guide: off)',
      claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT x2', '64483-LT'] },
      errors: [
        {
          messageId: 'levels',
          line: 2,
          severity: 'warning',
          message:
            'Bill the levels beyond 2 as not covered (Medicare: GA with an ABN on file, else GZ) or remove them: 3 transforaminal levels on the right side (lumbar/sacral: 64483-RT, 64484-RT ×2, 64483-LT), and the LCDs cover 2 levels per session',
        },
      ],
    },
    {
      name: '50 + RT: left 2, right 3',
      claim: { dx: ['M5416'], lines: ['64483-50', '64484-50', '64484-RT'] },
      errors: [{ messageId: 'levels', line: 3, data: { levels: 3, side: 'the right side', region: 'lumbar/sacral', codes: '64483-50, 64484-50, 64484-RT', limit: 2 } }],
    },
    {
      name: 'unknown sides count toward both sides',
      claim: { dx: ['M5412'], lines: ['64479', '64480 x2'] },
      errors: [{ messageId: 'levels', line: 2, data: { levels: 3, side: 'each side', region: 'cervical/thoracic', codes: '64479, 64480 ×2', limit: 2 } }],
    },
    {
      name: 'a stricter payer limit of 1',
      profiles: ['medicare'],
      policy: { limits: { transforaminalLevelsPerSide: 1 } },
      claim: { dx: ['M5416'], lines: ['64483-LT', '64484-LT'] },
      errors: [{ messageId: 'levels', line: 2, data: { levels: 2, side: 'the left side', region: 'lumbar/sacral', codes: '64483-LT, 64484-LT', limit: 1 } }],
    },
  ],
});
