import rule from '../../../src/rules/dx/unspecified-site.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'a definite site', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'an ambiguous and a definite supporting diagnosis', claim: { dx: ['M5410', 'M5416'], lines: ['64483-RT ptr1,2'] } },
    { name: 'no site at all (postlaminectomy) is not ambiguous', claim: { dx: ['M961'], lines: ['62323'] } },
    { name: 'an ambiguous non-supporting diagnosis', claim: { dx: ['M5415', 'M47816'], lines: ['64493-RT ptr1,2'] } },
  ],
  invalid: [
    {
      name: 'thoracolumbar radiculopathy only',
      claim: { dx: ['M5415'], lines: ['64483-RT', '64484-RT'] },
      errors: [
        {
          messageId: 'ambiguous',
          line: 1,
          severity: 'warning',
          data: { code: '64483-RT', diagnoses: 'M54.15' },
          message: 'Code the diagnosis of 64483-RT to the region treated if the record documents it: 64483-RT is supported only by M54.15, whose site (multiple, thoracolumbar or unspecified) does not confirm the region treated',
        },
        { messageId: 'ambiguous', line: 2, data: { code: '64484-RT', diagnoses: 'M54.15' } },
      ],
    },
    {
      name: 'unspecified-site spondylosis for a facet injection',
      claim: { dx: ['M47819', 'M5410'], lines: ['64493-50 ptr1', '62323 ptr2'] },
      errors: [
        { messageId: 'ambiguous', line: 1, data: { code: '64493-50', diagnoses: 'M47.819' } },
        { messageId: 'ambiguous', line: 2, data: { code: '62323', diagnoses: 'M54.10' } },
      ],
    },
  ],
});
