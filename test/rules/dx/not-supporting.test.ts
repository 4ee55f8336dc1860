import rule from '../../../src/rules/dx/not-supporting.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'ESI with a radicular diagnosis', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'ESI with stenosis, postlaminectomy, post-op pain, zoster', claim: { dx: ['M48062', 'M961', 'G8918', 'B0223'], lines: ['62323 ptr1', '62323 ptr2 dos:2026-10-02', '64483-RT ptr3 dos:2026-10-03', '64479-RT ptr4 dos:2026-10-04'] } },
    { name: 'facet with an axial diagnosis', claim: { dx: ['M47816'], lines: ['64493-50'] } },
    { name: 'ESI pointing to an axial and a radicular diagnosis', claim: { dx: ['M47816', 'M5416'], lines: ['64483-RT ptr1,2'] } },
    { name: 'facet pointing to stenosis (not radicular)', claim: { dx: ['M48061'], lines: ['64493-RT'] } },
    { name: 'unknown diagnoses are dx/unsupported-unknown\'s', claim: { dx: ['Z9989'], lines: ['64483-RT'] } },
    { name: 'non-spine lines are not checked', claim: { dx: ['M47816'], lines: ['20610-RT'] } },
  ],
  invalid: [
    {
      name: 'ESI pointed only to axial pain; the one radicular diagnosis on the claim suggested, held',
      claim: { dx: ['M47816', 'M5450', 'M5117'], lines: ['64483-RT @500.00 ptr1,2'] },
      errors: [{ messageId: 'esiAxial', line: 1, data: { code: '64483-RT', diagnoses: 'M47.816, M54.50' }, suggestions: ['64483-RT ptr 1,2 → 64483-RT ptr 3'] }],
    },
    {
      name: 'RFA pointed only to radiculopathy; the one axial diagnosis on the claim',
      claim: { dx: ['M5416', 'M47816'], lines: ['64635-RT ptr1', '64636-RT ptr1'] },
      errors: [
        {
          messageId: 'facetRadicular',
          line: 1,
          data: { code: '64635-RT', diagnoses: 'M54.16' },
          message: 'Point 64635-RT to a non-radicular (axial) diagnosis if the record documents one: it points to radiculopathy only (M54.16), and facet injections and RFA need an axial diagnosis',
          suggestions: ['64635-RT ptr 1 → 64635-RT ptr 2'],
        },
        { messageId: 'facetRadicular', line: 2, data: { code: '64636-RT', diagnoses: 'M54.16' }, suggestions: ['64636-RT ptr 1 → 64636-RT ptr 2'] },
      ],
    },
    {
      name: 'cervical TFESI for cervicalgia only (M54.2): not a covered ESI indication; the radiculopathy on the claim suggested',
      claim: { dx: ['M542', 'M5412'], lines: ['64479-RT ptr1'] },
      errors: [
        {
          messageId: 'esiAxial',
          line: 1,
          message: 'Point 64479-RT to a radicular diagnosis (or stenosis, postlaminectomy, post-op pain, zoster) if the record documents one: it points to axial pain only (M54.2), and an epidural injection needs one of those',
          suggestions: ['64479-RT ptr 1 → 64479-RT ptr 2'],
        },
      ],
    },
    {
      name: 'thoracic ILESI for thoracic pain (M54.6) and lumbar ILESI for low back pain (M54.50), nothing else: held',
      claim: { dx: ['M546', 'M5450'], lines: ['62321 ptr1', '62323 ptr2 dos:2026-10-02'] },
      errors: [
        { messageId: 'esiAxial', line: 1, data: { code: '62321', diagnoses: 'M54.6' } },
        { messageId: 'esiAxial', line: 2, data: { code: '62323', diagnoses: 'M54.50' } },
      ],
    },
    {
      name: 'two supporting diagnoses on the claim: no suggestion',
      claim: { dx: ['M47816', 'M5416', 'M48062'], lines: ['62323 ptr1'] },
      errors: [{ messageId: 'esiAxial', line: 1, data: { code: '62323', diagnoses: 'M47.816' } }],
    },
    {
      name: 'no supporting diagnosis on the claim',
      claim: { dx: ['M5116'], lines: ['64493-50'] },
      errors: [{ messageId: 'facetRadicular', line: 1, data: { code: '64493-50', diagnoses: 'M51.16' } }],
    },
  ],
});

// A header is no re-point target: with M48.06 (header) and M54.16, M54.16 is the only choice.
ruleTester.run(rule, {
  valid: [],
  invalid: [
    {
      name: 'a header is not a candidate',
      claim: { dx: ['M47816', 'M5416', 'M4806'], lines: ['62323 ptr1'] },
      errors: [{ messageId: 'esiAxial', line: 1, suggestions: ['62323 ptr 1 → 62323 ptr 2'] }],
    },
  ],
});
