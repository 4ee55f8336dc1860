import rule from '../../../src/rules/primary/repeated.js';
import { ruleTester } from '../../support/rule-tester.js';

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
      name: '64483-RT ×2 → 64483-RT + 64484-RT',
      claim: { dx: ['M5416'], lines: ['64483-RT x2 @1000.00'] },
      errors: [{ messageId: 'units', line: 1, message: '64483-RT with 2 units: the primary is one level, expected 64483-RT + 64484-RT' }],
      output: ['64483-RT @500.00', '64484-RT @500.00'],
      outputTotal: '1000.00',
    },
    {
      name: '64493-50 ×3 → 64493-50 + 64494-50 + 64495-50',
      claim: { dx: ['M47816'], lines: ['64493-50-KX x3 @900.00', 'J1010 x40 @10.00'] },
      errors: [{ messageId: 'units', line: 1, data: { code: '64493-50-KX', units: 3, expected: '64493-50-KX + 64494-50-KX + 64495-50-KX' } }],
      output: ['64493-50-KX @300.00', '64494-50-KX @300.00', '64495-50-KX @300.00', 'J1010 x40 @10.00'],
      outputTotal: '910.00',
    },
    {
      name: '64635-RT ×3 → 64635-RT + 64636-RT ×2',
      claim: { dx: ['M47816'], lines: ['64635-RT x3 @1500.00'] },
      errors: [{ messageId: 'units', line: 1, data: { code: '64635-RT', units: 3, expected: '64635-RT + 64636-RT ×2' } }],
      output: ['64635-RT @500.00', '64636-RT x2 @1000.00'],
    },
    {
      name: '64493 ×5 on the left: the once-per-day 64495 covers every further level',
      claim: { dx: ['M47816'], lines: ['64493-LT x5 @1000.00'] },
      errors: [{ messageId: 'units', line: 1, data: { code: '64493-LT', units: 5, expected: '64493-LT + 64494-LT + 64495-LT' } }],
      output: ['64493-LT @200.00', '64494-LT @200.00', '64495-LT @200.00'],
    },
    {
      name: 'the same primary on two lines for the right side → the second becomes the add-on',
      claim: { dx: ['M5416'], lines: ['64483-RT @500.00', '64483-LT @500.00', '64483-RT @500.00'] },
      errors: [{ messageId: 'lines', line: 3, message: '64483-RT repeated on line 3 for the same side as line 1: the primary is one level, expected 64484-RT' }],
      output: ['64483-RT @500.00', '64483-LT @500.00', '64484-RT @500.00'],
    },
    {
      name: '50 then RT: the right side repeats',
      claim: { dx: ['M47812'], lines: ['64490-50', '64490-RT'] },
      errors: [{ messageId: 'lines', line: 2, data: { code: '64490-RT', line: 2, first: 1, expected: '64491-RT' } }],
      output: ['64490-50', '64491-RT'],
    },
    {
      name: 'a third line for the side takes the third-level code',
      claim: { dx: ['M47816'], lines: ['64493-RT', '64493-RT', '64493-RT'] },
      errors: [
        { messageId: 'lines', line: 2, data: { code: '64493-RT', line: 2, first: 1, expected: '64494-RT' } },
        { messageId: 'lines', line: 3, data: { code: '64493-RT', line: 3, first: 1, expected: '64495-RT' } },
      ],
      output: ['64493-RT', '64494-RT', '64495-RT'],
    },
    {
      name: 'no side and 3 units: extra levels for sure, but no side to move them to: no fix',
      claim: { dx: ['M5416'], lines: ['64483 x3'] },
      errors: [{ messageId: 'unitsNoSide', line: 1, message: '64483 with 3 units and no 50, RT or LT: the primary is one level per side, the extra levels belong to its add-on codes' }],
    },
    {
      name: 'the add-on already billed for the side: no fix (a level would be counted twice)',
      claim: { dx: ['M5416'], lines: ['64483-RT x2', '64484-RT'] },
      errors: [{ messageId: 'units', line: 1, data: { code: '64483-RT', units: 2, expected: '64483-RT + 64484-RT' } }],
    },
  ],
});
