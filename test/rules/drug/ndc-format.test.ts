import { describe, expect, it } from 'vitest';
import rule, { elevenDigitNdc } from '../../../src/rules/drug/ndc-format.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416'];
const msg = (ndc: string, code: string) => `Correct NDC ${ndc} on ${code} to 11 digits, 5-4-2 without hyphens: LIN03 carries the NDC in that form`;

const cases = [
  { layout: '4-4-2', ndc: '0409-4888-02', fixed: '00409488802' },
  { layout: '5-3-2', ndc: '00009-307-03', fixed: '00009030703' },
  { layout: '5-4-1', ndc: '00703-0031-1', fixed: '00703003101' },
  { layout: '5-4-2 with hyphens', ndc: '00009-3073-03', fixed: '00009307303' },
];

ruleTester.run(rule, {
  valid: [
    { name: '11 digits', claim: { dx, lines: ['J1100 x10 ndc:00409488802'] } },
    { name: 'no NDC (drug/ndc-missing)', claim: { dx, lines: ['J1100 x10'] } },
  ],
  invalid: [
    ...cases.map(({ layout, ndc }) => ({
      name: `${layout} is rewritten as 5-4-2`,
      claim: { dx, lines: ['64483-RT', `J1100 x10 ndc:${ndc}`] },
      errors: [{ messageId: 'badNdc', line: 2, severity: 'error' as const, message: msg(ndc, 'J1100') }],
      output: ['64483-RT', 'J1100 x10'],
    })),
    {
      name: '10 digits without hyphens: the short segment cannot be told, no fix',
      claim: { dx, lines: ['J3301 x4 ndc:0409488802'] },
      errors: [{ messageId: 'badNdc', line: 1, message: msg('0409488802', 'J3301') }],
    },
    {
      name: '12 digits: no fix',
      claim: { dx, lines: ['J3301 x4 ndc:004094888021'] },
      errors: [{ messageId: 'badNdc', line: 1, message: msg('004094888021', 'J3301') }],
    },
  ],
});

describe('drug/ndc-format fix', () => {
  for (const { layout, ndc, fixed } of cases) {
    it(`writes ${layout} ${ndc} as ${fixed} on the line`, () => {
      const result = ruleTester.runCase(rule, { claim: { dx, lines: [`J1100 x10 ndc:${ndc}`] } }, 'medicare', true);
      expect(result.claim.lines[0]?.drug?.ndc).toBe(fixed);
      expect(result.applied.map((a) => a.ruleId)).toEqual(['drug/ndc-format']);
      expect(result.findings.filter((f) => f.ruleId === 'drug/ndc-format')).toEqual([]);
    });
  }

  it('shows the NDC in the before/after of the applied fix', () => {
    const result = ruleTester.runCase(rule, { claim: { dx, lines: ['64483-RT', 'J1100 x10 ndc:0409-4888-02'] } }, 'medicare', true);
    expect(result.applied.map((a) => [a.before, a.after])).toEqual([['J1100 ×10 NDC 0409-4888-02', 'J1100 ×10 NDC 00409488802']]);
  });

  it('leaves ambiguous layouts alone', () => {
    expect(['0409488802', '1234-56789-0', '12345-67-890', 'ABCDE-1234-56'].map(elevenDigitNdc)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
