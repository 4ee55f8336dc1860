import rule from '../../../src/rules/esi/multiple-regions.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'one region, one approach', claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'] } },
    { name: 'two regions on different dates', claim: { dx: ['M5416', 'M5412'], lines: ['62323 ptr1', '62321 ptr2 dos:2026-10-08'] } },
    { name: 'ESI and facet in different regions', claim: { dx: ['M5416', 'M47812'], lines: ['62323 ptr1', '64490-50 ptr2'] } },
  ],
  invalid: [
    {
      name: 'cervical and lumbar ESI in one session: the second region is flagged (guide: off)',
      claim: { dx: ['M5416', 'M5412'], lines: ['64483-RT ptr1', '64484-RT ptr1', '62321 ptr2'] },
      errors: [
        {
          messageId: 'regions',
          line: 3,
          severity: 'warning',
          message:
            'Bill 62321 (cervical/thoracic) as not covered (Medicare: GA with an ABN on file, else GZ), or keep the ESI of one region only: the session already has an ESI in the lumbar/sacral region, and the LCDs cover one region per session',
        },
      ],
    },
    {
      name: 'interlaminar and transforaminal in the lumbar region',
      claim: { dx: ['M5416'], lines: ['62323', '64483-LT', '64484-LT'] },
      errors: [
        {
          messageId: 'approaches',
          line: 2,
          message:
            'Bill 64483-LT (transforaminal) as not covered (Medicare: GA with an ABN on file, else GZ), or keep one approach: 62323 (interlaminar) is in the same region, and the LCDs cover one ESI approach per region per session',
        },
        { messageId: 'approaches', line: 3, data: { code: '64484-LT', approach: 'transforaminal', otherCode: '62323', otherApproach: 'interlaminar' } },
      ],
    },
  ],
});
