import rule from '../../../src/rules/primary/repeated.js';
import { ruleTester } from '../../support/rule-tester.js';

// Every fix of this rule is a suggestion: the claim is held and left as it is (no `output`).
ruleTester.run(rule, {
  valid: [
    { name: 'one primary per side', claim: { dx: ['M5416'], lines: ['64483-RT', '64483-LT', '64484-RT'] } },
    { name: 'bilateral primary, 1 unit', claim: { dx: ['M47816'], lines: ['64493-50', '64494-50'] } },
    { name: 'no side: modifier/bilateral-ambiguous\'s', claim: { dx: ['M5416'], lines: ['64483 x2'] } },
    { name: 'the same primary on two dates', claim: { dx: ['M5416'], lines: ['64483-RT', '64483-RT dos:2026-10-20'] } },
    { name: 'interlaminar ESI has no add-on: esi/interlaminar-units\'s', claim: { dx: ['M5416'], lines: ['62323 x2'] } },
  ],
  invalid: [
    {
      name: '64483-RT ×2: split suggested, the add-on unpriced, not applied',
      claim: { dx: ['M5416'], lines: ['64483-RT x2 @1000.00'] },
      errors: [
        {
          messageId: 'units',
          line: 1,
          message: 'Bill 64483-RT once and the extra levels as 64483-RT + 64484-RT, or correct the units if fewer levels were done: the primary is one level, the claim shows 2 units',
          suggestions: ['64483-RT ×2 1000.00 → 64483-RT 1000.00, 64484-RT 0.00'],
        },
      ],
    },
    {
      name: '64493-50 ×3: 64493-50 + 64494-50 + 64495-50 suggested',
      claim: { dx: ['M47816'], lines: ['64493-50-KX x3 @900.00', 'J1010 x40 @10.00'] },
      errors: [
        {
          messageId: 'units',
          line: 1,
          data: { code: '64493-50-KX', units: 3, expected: '64493-50-KX + 64494-50-KX + 64495-50-KX' },
          suggestions: ['64493-50-KX ×3 900.00 → 64493-50-KX 900.00, 64494-50-KX 0.00, 64495-50-KX 0.00'],
        },
      ],
    },
    {
      name: '64635-RT ×3: 64635-RT + 64636-RT ×2 suggested',
      claim: { dx: ['M47816'], lines: ['64635-RT x3 @1500.00'] },
      errors: [
        {
          messageId: 'units',
          line: 1,
          data: { code: '64635-RT', units: 3, expected: '64635-RT + 64636-RT ×2' },
          suggestions: ['64635-RT ×3 1500.00 → 64635-RT 1500.00, 64636-RT ×2 0.00'],
        },
      ],
    },
    {
      name: '64493 ×5 on the left: the once-per-day 64495 covers every further level',
      claim: { dx: ['M47816'], lines: ['64493-LT x5 @1000.00'] },
      errors: [
        {
          messageId: 'units',
          line: 1,
          data: { code: '64493-LT', units: 5, expected: '64493-LT + 64494-LT + 64495-LT' },
          suggestions: ['64493-LT ×5 1000.00 → 64493-LT 1000.00, 64494-LT 0.00, 64495-LT 0.00'],
        },
      ],
    },
    {
      name: 'two identical 64483-RT lines: remove the double entry, or the add-on unpriced; held',
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '64483-LT @500.00', '64483-RT @500.00'] },
      errors: [
        {
          messageId: 'lines',
          line: 3,
          message: 'Remove the repeated 64483-RT on line 3 (a double entry), or bill the extra level as 64484-RT: the primary is one level per side, line 1 already bills it',
          suggestions: ['64483-RT → (removed)', '64483-RT 500.00 → 64484-RT 0.00'],
        },
      ],
    },
    {
      name: '50 then RT: the right side repeats',
      claim: { dx: ['M47812'], lines: ['64490-50', '64490-RT @200.00'] },
      errors: [
        {
          messageId: 'lines',
          line: 2,
          data: { code: '64490-RT', line: 2, first: 1, expected: '64491-RT' },
          suggestions: ['64490-RT → (removed)', '64490-RT 200.00 → 64491-RT 0.00'],
        },
      ],
    },
    {
      name: 'a third line for the side: the third-level code suggested',
      claim: { dx: ['M47816'], lines: ['64493-RT @100.00', '64493-RT @100.00', '64493-RT @100.00'] },
      errors: [
        { messageId: 'lines', line: 2, data: { code: '64493-RT', line: 2, first: 1, expected: '64494-RT' }, suggestions: ['64493-RT → (removed)', '64493-RT 100.00 → 64494-RT 0.00'] },
        { messageId: 'lines', line: 3, data: { code: '64493-RT', line: 3, first: 1, expected: '64495-RT' }, suggestions: ['64493-RT → (removed)', '64493-RT 100.00 → 64495-RT 0.00'] },
      ],
    },
    {
      name: 'no side and 3 units: extra levels for sure, but no side to move them to: no suggestion',
      claim: { dx: ['M5416'], lines: ['64483 x3'] },
      errors: [{ messageId: 'unitsNoSide', line: 1, message: 'Bill 64483 once per side with 50, RT or LT, and the extra levels as its add-on codes: the primary is one level per side, the claim shows 3 units and no 50, RT or LT' }],
    },
    {
      name: 'the add-on already billed for the side: no split (a level would be counted twice)',
      claim: { dx: ['M5416'], lines: ['64483-RT x2', '64484-RT'] },
      errors: [{ messageId: 'units', line: 1, data: { code: '64483-RT', units: 2, expected: '64483-RT + 64484-RT' } }],
    },
  ],
});
