import rule from '../../../src/rules/dx/excludes1-radiculopathy.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'M54.16 alone', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'different regions are unrelated conditions', claim: { dx: ['M5412', 'M5116'], lines: ['64483-RT ptr2', '64479-RT ptr1'] } },
    { name: 'a thoracolumbar radiculopathy is not compared', claim: { dx: ['M5415', 'M5116'], lines: ['64483-RT ptr2'] } },
    { name: 'M54.10 alone', claim: { dx: ['M5410'], lines: ['64483-RT'] } },
    { name: 'spondylosis with radiculopathy and without at different sites', claim: { dx: ['M4726', 'M47812'], lines: ['64483-RT ptr1', '64490-RT ptr2'] } },
    { name: 'spondylosis without radiculopathy, and a lumbar disc with radiculopathy', claim: { dx: ['M47816', 'M5116'], lines: ['64483-RT ptr2', '64493-RT ptr1'] } },
    { name: 'ICD-9 codes are left alone', claim: { dx: ['BK:7244', 'M5116'], lines: ['64483-RT ptr2'] } },
  ],
  invalid: [
    {
      name: 'M54.16 with M51.16: remove M54.16 and point its lines to M51.16',
      claim: { dx: ['M5416', 'M5116', 'M47816'], lines: ['64483-RT ptr1', '64484-RT ptr1,2', '64493-RT ptr3'] },
      errors: [{ messageId: 'excludes1', line: null, data: { code: 'M54.16', combination: 'M51.16' } }],
      output: ['64483-RT ptr1', '64484-RT ptr1', '64493-RT ptr2'],
      outputDx: ['M5116', 'M47816'],
    },
    {
      name: 'cervical M54.12 with M50.121, lumbar M54.17 with M47.27: both fixed, one per pass',
      claim: { dx: ['M5412', 'M50121', 'M5417', 'M4727'], lines: ['64479-RT ptr1', '64483-LT ptr3,4'] },
      errors: [
        { messageId: 'excludes1', data: { code: 'M54.12', combination: 'M50.121' } },
        { messageId: 'excludes1', data: { code: 'M54.17', combination: 'M47.27' } },
      ],
      output: ['64479-RT ptr1', '64483-LT ptr2'],
      outputDx: ['M50121', 'M4727'],
    },
    {
      name: 'M54.10 (site unspecified) with M51.16: the Excludes1 applies too',
      claim: { dx: ['M5410', 'M5116'], lines: ['64483-RT ptr1,2'] },
      errors: [
        {
          messageId: 'excludes1',
          line: null,
          message: 'Remove M54.10 and point its lines to the combination code (M51.16): radiculopathy due to a disc disorder or spondylosis is coded with the combination code alone (Excludes1)',
        },
      ],
      output: ['64483-RT ptr1'],
      outputDx: ['M5116'],
    },
    {
      name: 'M54.10 with a cervical and a lumbar combination code: no single target, no fix',
      claim: { dx: ['M5410', 'M50122', 'M4726'], lines: ['64483-RT ptr1'] },
      errors: [{ messageId: 'excludes1', data: { code: 'M54.10', combination: 'M50.122, M47.26' } }],
    },
    {
      name: 'M47.26 and M47.816: the lumbar site coded with and without radiculopathy, held',
      claim: { dx: ['M47816', 'M4726'], lines: ['64493-RT ptr1', '64483-LT ptr2'] },
      errors: [
        {
          messageId: 'withAndWithout',
          line: null,
          message: 'Keep one of M47.26 (spondylosis with radiculopathy) and M47.816 (without radiculopathy): the claim codes the same site both ways',
        },
      ],
    },
    {
      name: 'M54.12 with M47.22 and M47.812: the Excludes1 fixed, the with/without pair stays',
      claim: { dx: ['M5412', 'M4722', 'M47812'], lines: ['64479-RT ptr1', '64490-RT ptr3'] },
      errors: [
        { messageId: 'excludes1', data: { code: 'M54.12', combination: 'M47.22' } },
        { messageId: 'withAndWithout', data: { with: 'M47.22', without: 'M47.812' } },
      ],
      output: ['64479-RT ptr1', '64490-RT ptr2'],
      outputDx: ['M4722', 'M47812'],
    },
    {
      name: 'two combination codes of the region: which one is not told, no fix',
      claim: { dx: ['M5416', 'M5116', 'M4726'], lines: ['64483-RT ptr1'] },
      errors: [{ messageId: 'excludes1', data: { code: 'M54.16', combination: 'M51.16, M47.26' } }],
    },
  ],
});
