import rule from '../../../src/rules/claim/pointer-invalid.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'one to four valid pointers', claim: { dx: ['M5416', 'M47816', 'M4806', 'G8929'], lines: ['64483-RT ptr1', '64493-RT ptr2,1,3,4'] } },
  ],
  invalid: [
    {
      name: 'no pointer: the one lumbar radicular diagnosis supports a lumbar TFESI',
      claim: { dx: ['M47816', 'M5416', 'M5412'], lines: ['64483-RT ptr-'] },
      errors: [{ messageId: 'missing', line: 1, data: { line: 1, code: '64483-RT' }, message: 'Point 64483-RT to the diagnosis it treats: the line has no diagnosis pointer' }],
      output: ['64483-RT ptr2'],
    },
    {
      name: 'pointer past the diagnoses: the one lumbar axial diagnosis supports a lumbar facet injection',
      claim: { dx: ['M5416', 'M47816'], lines: ['64493-50 ptr5'] },
      errors: [{ messageId: 'outOfRange', line: 1, data: { line: 1, code: '64493-50', pointer: 5, count: 2 }, message: 'Point 64493-50 to a diagnosis on the claim: it points to diagnosis 5, but the claim has 2' }],
      output: ['64493-50 ptr2'],
    },
    {
      name: 'a junction session is lumbar: 64490 points to the lumbar axial diagnosis',
      claim: { dx: ['M47812', 'M47816'], lines: ['64490-50 ptr-', '64494-50 ptr2'] },
      errors: [{ messageId: 'missing', line: 1 }],
      output: ['64490-50 ptr2', '64494-50 ptr2'],
    },
    {
      name: 'five pointers, two supporting diagnoses: no single choice, no fix',
      claim: { dx: ['M5416', 'M5116', 'M47816', 'G8929', 'M961'], lines: ['62323 ptr1,2,3,4,5'] },
      errors: [{ messageId: 'tooMany', line: 1, data: { line: 1, code: '62323', count: 5 }, message: 'Keep at most 4 diagnosis pointers on 62323: it has 5' }],
    },
    {
      name: 'a non-spine line with the claim\'s only diagnosis',
      claim: { dx: ['M5416'], lines: ['64483-RT', 'J1010 x40 ptr-'] },
      errors: [{ messageId: 'missing', line: 2 }],
      output: ['64483-RT ptr1', 'J1010 x40 ptr1'],
    },
    {
      name: 'no diagnosis at all: nothing to point to',
      claim: { dx: [], lines: ['64483-RT ptr-'] },
      errors: [{ messageId: 'missing', line: 1 }],
    },
    {
      name: 'pointer 0',
      claim: { dx: ['M5416', 'M5116'], lines: ['62323 ptr0'] },
      errors: [{ messageId: 'outOfRange', line: 1, data: { line: 1, code: '62323', pointer: 0, count: 2 } }],
    },
  ],
});
