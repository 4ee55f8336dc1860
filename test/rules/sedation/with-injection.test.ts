import rule from '../../../src/rules/sedation/with-injection.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416', 'M47816'];
const msg = (code: string, injection: string) =>
  `Bill ${code} as not covered (Medicare: GA with an ABN on file, else GZ) or remove it: ${injection} is in the same session, and the LCDs do not cover sedation or anesthesia for an ESI or facet injection`;

ruleTester.run(rule, {
  valid: [
    { name: 'injection without sedation', claim: { dx, lines: ['64483-RT', '64484-RT'] } },
    { name: 'sedation with RFA only (CGS excepts RFA)', claim: { dx, lines: ['64635-50 ptr2', '99152', '99153'] } },
    { name: 'sedation on another date', claim: { dx, lines: ['64483-RT', '99152 dos:2026-10-09'] } },
    { name: 'sedation by another rendering provider is another session', claim: { dx, lines: ['62323', '01938 mj x30 npi:1999999984'] } },
  ],
  invalid: [
    {
      name: 'moderate sedation with a TFESI (guide: off)',
      claim: { dx, lines: ['64483-RT', '99152', '99153'] },
      errors: [
        { messageId: 'sedationWithInjection', line: 2, severity: 'warning', message: msg('99152', '64483-RT') },
        { messageId: 'sedationWithInjection', line: 3, message: msg('99153', '64483-RT') },
      ],
    },
    {
      name: 'anesthesia with an interlaminar ESI',
      claim: { dx, lines: ['01938 mj x30', '62323'] },
      errors: [{ messageId: 'sedationWithInjection', line: 1, message: msg('01938', '62323') }],
    },
    {
      name: 'an ultrasound-guided facet injection is an injection too',
      claim: { dx, lines: ['0213T-RT ptr2', '99152'] },
      errors: [{ messageId: 'sedationWithInjection', line: 2, message: msg('99152', '0213T-RT') }],
    },
    {
      name: 'facet injection with RFA in the session: the injection counts',
      claim: { dx, lines: ['64635-RT ptr2', '64490-RT ptr2', '99156'] },
      errors: [{ messageId: 'sedationWithInjection', line: 3, message: msg('99156', '64490-RT') }],
    },
  ],
});
