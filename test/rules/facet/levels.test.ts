import rule from '../../../src/rules/facet/levels.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M47812'];
const msg = (levels: number, side: string, region: string, code: string, limit = 2) =>
  `Bill ${code} as not covered (Medicare: GA with an ABN on file, else GZ) or remove it: ${levels} facet levels ${side} in the ${region} region (at most ${limit} per session covered)`;
const LS = 'lumbar/sacral';
const CT = 'cervical/thoracic';

ruleTester.run(rule, {
  valid: [
    { name: 'two bilateral lumbar levels', claim: { dx, lines: ['64493-50', '64494-50'] } },
    { name: 'two levels in each region', claim: { dx, lines: ['64490-RT ptr2', '64491-RT ptr2', '64493-LT', '64494-LT'] } },
    { name: 'junction T12-L1 + L1-2 is two lumbar levels', claim: { dx, lines: ['64490-50', '64494-50'] } },
    { name: 'two levels right, two left on separate lines', claim: { dx, lines: ['64493-RT', '64493-LT', '64494-RT', '64494-LT'] } },
    { name: 'RFA lines are not facet levels', claim: { dx, lines: ['64635-50', '64636-50 x2'] } },
    {
      name: 'a policy allowing 3 levels',
      profiles: ['medicare'],
      policy: { limits: { facetLevelsPerSession: 3 } },
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
    },
    {
      name: 'guide with the rule switched on: 3 levels are within its limit',
      profiles: ['guide'],
      policy: { severities: { 'facet/levels': 'warning' } },
      claim: { dx, lines: ['64493-RT', '64494-RT', '64495-RT'] },
    },
  ],
  invalid: [
    {
      name: 'third level bilateral (guide: off)',
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
      errors: [{ messageId: 'tooManyLevels', line: 3, severity: 'warning', message: msg(3, 'on both sides', LS, '64495') }],
    },
    {
      name: 'third level on the right only',
      claim: { dx, lines: ['64493-50', '64494-50', '64495-RT'] },
      errors: [{ messageId: 'tooManyLevels', line: 3, message: msg(3, 'on the right', LS, '64495') }],
    },
    {
      name: 'no side counts toward both sides',
      claim: { dx, lines: ['64490 ptr2', '64491 ptr2', '64492 ptr2'] },
      errors: [{ messageId: 'tooManyLevels', line: 3, message: msg(3, 'on both sides', CT, '64492') }],
    },
    {
      name: '64495 stands for the third level even without 64494',
      claim: { dx, lines: ['64493-LT', '64495-LT'] },
      errors: [{ messageId: 'tooManyLevels', line: 2, message: msg(3, 'on the left', LS, '64495') }],
    },
    {
      name: 'junction session with a third level counts lumbar',
      claim: { dx, lines: ['64490-50', '64494-50', '64495-50'] },
      errors: [{ messageId: 'tooManyLevels', line: 3, message: msg(3, 'on both sides', LS, '64495') }],
    },
    {
      name: 'a stricter policy limit flags the second level',
      profiles: ['medicare'],
      policy: { limits: { facetLevelsPerSession: 1 } },
      claim: { dx, lines: ['64493-RT', '64494-RT'] },
      errors: [{ messageId: 'tooManyLevels', line: 2, message: msg(2, 'on the right', LS, '64494', 1) }],
    },
  ],
});

