import rule from '../../../src/rules/addon/units.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'one unit each', claim: { dx: ['M47816'], lines: ['64493-50', '64494-50', '64495-50'] } },
    { name: '"each additional level" add-ons take units', claim: { dx: ['M5416', 'M47816'], lines: ['64483-RT ptr1', '64484-RT x2 ptr1', '64635-LT ptr2', '64636-LT x3 ptr2'] } },
    { name: 'no side, 2 units: may be both sides (left to modifier/laterality-missing)', claim: { dx: ['M47816'], lines: ['64493', '64494 x2'] } },
    { name: 'second level once per side', claim: { dx: ['M47812'], lines: ['64490-RT', '64491-RT', '64490-LT', '64491-LT'] } },
  ],
  invalid: [
    {
      name: '64491 ×2: 64491 + 64492 suggested, 64492 unpriced, held',
      claim: { dx: ['M47812'], lines: ['64490-RT @400.00', '64491-RT x2 @600.00'] },
      errors: [
        {
          messageId: 'secondLevel',
          line: 2,
          message: 'Bill 64491-RT with 2 units as 64491-RT + 64492-RT: 64491-RT is the second level only, the next level has its own code',
          suggestions: ['64491-RT ×2 600.00 → 64491-RT 600.00, 64492-RT 0.00'],
        },
      ],
    },
    {
      name: '64494-50 ×3: 64494-50 + 64495-50 suggested',
      claim: { dx: ['M47816'], lines: ['64493-50', '64494-50 x3 @600.00'] },
      errors: [
        {
          messageId: 'secondLevel',
          line: 2,
          data: { code: '64494-50', units: 3, expected: '64494-50 + 64495-50' },
          suggestions: ['64494-50 ×3 600.00 → 64494-50 600.00, 64495-50 0.00'],
        },
      ],
    },
    {
      name: '64495 ×2 → 1 unit (once per day), at the per-unit charge',
      claim: { dx: ['M47816'], lines: ['64493-RT', '64494-RT', '64495-RT x2 @400.00'] },
      errors: [{ messageId: 'oncePerDay', line: 3, message: 'Bill 64495-RT with 1 unit, not 2: it is reported once per day for all further levels' }],
      output: ['64493-RT', '64494-RT', '64495-RT @200.00'],
    },
    {
      name: '64494 ×2 with 64495 already billed: one unit',
      claim: { dx: ['M47816'], lines: ['64493-LT', '64494-LT x2', '64495-LT'] },
      errors: [{ messageId: 'secondLevel', line: 2, data: { code: '64494-LT', units: 2, expected: '64494-LT ×1' } }],
      output: ['64493-LT', '64494-LT', '64495-LT'],
    },
    {
      name: 'no side, 3 units: reported, the side-dependent fix is blocked',
      claim: { dx: ['M47816'], lines: ['64493', '64494 x3'] },
      errors: [{ messageId: 'secondLevel', line: 2, data: { code: '64494', units: 3, expected: '64494 + 64495' } }],
    },
  ],
});
