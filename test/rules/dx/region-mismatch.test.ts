import rule from '../../../src/rules/dx/region-mismatch.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'lumbar TFESI, lumbar radiculopathy', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'cervical facet, cervical spondylosis', claim: { dx: ['M47812'], lines: ['64490-50'] } },
    { name: 'a junction session (64490 + 64494) is lumbar', claim: { dx: ['M47816'], lines: ['64490-50', '64494-50'] } },
    { name: 'one supporting diagnosis of the right region is enough', claim: { dx: ['M5412', 'M5416'], lines: ['64483-RT ptr1,2'] } },
    { name: 'ambiguous sites are dx/unspecified-site\'s', claim: { dx: ['M5415'], lines: ['64483-RT'] } },
    { name: 'diagnoses without a region (postlaminectomy)', claim: { dx: ['M961'], lines: ['64479-RT'] } },
    { name: 'the region of a non-supporting diagnosis is not checked', claim: { dx: ['M47812'], lines: ['64483-RT'] } },
  ],
  invalid: [
    {
      name: 'lumbar TFESI pointed to cervical radiculopathy; the one lumbar radicular diagnosis on the claim',
      claim: { dx: ['M5412', 'M5117'], lines: ['64483-RT ptr1', '64484-RT ptr1'] },
      errors: [
        { messageId: 'mismatch', line: 1, message: 'Point 64483-RT (lumbar/sacral) to a diagnosis of the region treated: it is supported only by M54.12 (cervical/thoracic)', suggestions: ['64483-RT ptr 1 → 64483-RT ptr 2'] },
        { messageId: 'mismatch', line: 2, data: { diagnoses: 'M54.12', dxRegion: 'cervical/thoracic', code: '64484-RT', region: 'lumbar/sacral' }, suggestions: ['64484-RT ptr 1 → 64484-RT ptr 2'] },
      ],
    },
    {
      name: 'junction 64633 + 64636 pointed to cervical spondylosis: lumbar expected',
      claim: { dx: ['M47812', 'M47817'], lines: ['64633-RT ptr1', '64636-RT ptr2'] },
      errors: [{ messageId: 'mismatch', line: 1, data: { diagnoses: 'M47.812', dxRegion: 'cervical/thoracic', code: '64633-RT', region: 'lumbar/sacral' }, suggestions: ['64633-RT ptr 1 → 64633-RT ptr 2'] }],
    },
    {
      name: 'cervical facet with lumbar axial pain, no cervical diagnosis: no fix',
      claim: { dx: ['M47816'], lines: ['64490-RT'] },
      errors: [{ messageId: 'mismatch', line: 1, data: { diagnoses: 'M47.816', dxRegion: 'lumbar/sacral', code: '64490-RT', region: 'cervical/thoracic' } }],
    },
    {
      name: 'two right-region candidates: no fix',
      claim: { dx: ['M5412', 'M5416', 'M5117'], lines: ['64483-RT ptr1'] },
      errors: [{ messageId: 'mismatch', line: 1 }],
    },
  ],
});
