import rule from '../../../src/rules/rfa/levels.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M47812'];
const msg = (joints: number, side: string, region: string, code: string, limit = 2) =>
  `Bill ${code} as not covered (Medicare: GA with an ABN on file, else GZ) or remove it: ${joints} facet joints ablated ${side} in the ${region} region (at most ${limit} per side per session covered)`;

ruleTester.run(rule, {
  valid: [
    { name: 'two joints on each side', claim: { dx, lines: ['64635-50', '64636-50'] } },
    { name: 'two joints right, one left', claim: { dx, lines: ['64635-RT', '64636-RT', '64635-LT'] } },
    { name: 'junction 64633 + 64636: two lumbar joints', claim: { dx, lines: ['64633-RT', '64636-RT'] } },
    { name: 'two joints in each region', claim: { dx, lines: ['64633-LT ptr2', '64634-LT ptr2', '64635-LT', '64636-LT'] } },
  ],
  invalid: [
    {
      name: 'add-on with 2 units on one side (guide: no limit)',
      claim: { dx, lines: ['64635-RT', '64636-RT x2'] },
      errors: [{ messageId: 'tooManyJoints', line: 2, severity: 'warning', message: msg(3, 'on the right', 'lumbar/sacral', '64636') }],
    },
    {
      name: 'bilateral add-on with 2 units',
      claim: { dx, lines: ['64633-50 ptr2', '64634-50 x2 ptr2'] },
      errors: [{ messageId: 'tooManyJoints', line: 2, message: msg(3, 'on both sides', 'cervical/thoracic', '64634') }],
    },
    {
      name: 'an add-on line without side counts toward both',
      claim: { dx, lines: ['64635-RT', '64636-RT', '64636'] },
      errors: [{ messageId: 'tooManyJoints', line: 3, message: msg(3, 'on the right', 'lumbar/sacral', '64636') }],
    },
    {
      name: 'a policy limit of 1 joint per side',
      profiles: ['medicare'],
      policy: { limits: { rfaJointsPerSide: 1 } },
      claim: { dx, lines: ['64635-LT', '64636-LT'] },
      errors: [{ messageId: 'tooManyJoints', line: 2, message: msg(2, 'on the left', 'lumbar/sacral', '64636', 1) }],
    },
  ],
});
