import rule from '../../../src/rules/addon/without-primary.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'TFESI add-ons with their primaries', claim: { dx: ['M5416', 'M5412'], lines: ['64483-RT ptr1', '64484-RT ptr1', '64479-LT ptr2', '64480-LT ptr2'] } },
    { name: 'facet chain', claim: { dx: ['M47816'], lines: ['64493-50', '64494-50', '64495-50'] } },
    { name: 'cervical facet chain', claim: { dx: ['M47812'], lines: ['64490-RT', '64491-RT', '64492-RT'] } },
    { name: 'junction facet 64490 + 64494', claim: { dx: ['M47816'], lines: ['64490-50', '64494-50'] } },
    { name: 'junction RFA 64633 + 64636', claim: { dx: ['M47816'], lines: ['64633-RT', '64636-RT'] } },
    { name: 'RFA add-on', claim: { dx: ['M47812'], lines: ['64633-LT', '64634-LT x2'] } },
    { name: 'sedation add-on with its initial 15 minutes', claim: { dx: ['M47816'], lines: ['64635-RT', '99152', '99153 x2'] } },
    { name: 'sedation by another physician, add-on with its initial code', claim: { dx: ['M47816'], lines: ['64635-RT', '99156', '99157'] } },
  ],
  invalid: [
    {
      name: '99153 without 99152',
      claim: { dx: ['M47816'], lines: ['64635-RT', '99153 x2'] },
      errors: [{ messageId: 'missing', line: 2, message: 'Add the primary 99151 or 99152 or G0500 if it was done in this session, or remove add-on 99153 if it was billed in error: an add-on is reported only with its primary in the same session' }],
    },
    {
      name: '99157 with the other physician\'s code mixed up (99152)',
      claim: { dx: ['M47816'], lines: ['64635-RT', '99152', '99157'] },
      errors: [{ messageId: 'missing', line: 3, data: { code: '99157', primaries: '99155 or 99156' } }],
    },
    {
      name: '64484 without 64483',
      claim: { dx: ['M5416'], lines: ['64484-RT'] },
      errors: [{ messageId: 'missing', line: 1, message: 'Add the primary 64483 if it was done in this session, or remove add-on 64484-RT if it was billed in error: an add-on is reported only with its primary in the same session' }],
    },
    {
      name: '64492 needs 64490 and 64491',
      claim: { dx: ['M47812'], lines: ['64490-RT', '64492-RT'] },
      errors: [{ messageId: 'missing', line: 2, data: { code: '64492-RT', primaries: '64490 + 64491' } }],
    },
    {
      name: '64494 needs 64493 or 64490; 64495 needs 64494',
      claim: { dx: ['M47816'], lines: ['64494-50', '64495-50'] },
      errors: [{ messageId: 'missing', line: 1, data: { code: '64494-50', primaries: '64493 or 64490' } }],
    },
    {
      name: '64495 without 64494',
      claim: { dx: ['M47816'], lines: ['64493-RT', '64495-RT'] },
      errors: [{ messageId: 'missing', line: 2, data: { code: '64495-RT', primaries: '64494' } }],
    },
    {
      name: 'the primary on another date is another session',
      claim: { dx: ['M47816'], lines: ['64635-RT', '64636-RT dos:2026-10-02'] },
      errors: [{ messageId: 'missing', line: 2, data: { code: '64636-RT', primaries: '64635 or 64633' } }],
    },
    {
      name: 'the primary by another rendering provider is another session',
      claim: { dx: ['M5412'], lines: ['64479-RT', '64480-RT npi:1999999992'] },
      errors: [{ messageId: 'missing', line: 2, data: { code: '64480-RT', primaries: '64479' } }],
    },
    {
      name: 'before 2023, 64494 with 64490 alone is not allowed',
      claim: { dx: ['M47816'], lines: ['64490-50', '64494-50'], dos: '2022-06-01' },
      asOf: '2022-07-01',
      errors: [{ messageId: 'missing', line: 2, data: { code: '64494-50', primaries: '64493' } }],
    },
  ],
});
