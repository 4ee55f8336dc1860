import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/coverage/liability-modifier.js';
import { coverageLimitRules } from '../../../src/rules/coverage/limit-rules.js';
import { rules } from '../../../src/rules/index.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M5416', 'M47812'];
const msg = (line: string, ruleIds: string) =>
  `Unexpected ${line} without GA, GZ or GX while ${ruleIds} flags it beyond coverage, expected a liability modifier (GA with an ABN on file, GZ without)`;

ruleTester.run(rule, {
  valid: [
    { name: 'no coverage limit reached', claim: { dx, lines: ['64493-50', '64494-50'] } },
    { name: 'GA on the flagged line (ABN on file)', claim: { dx, lines: ['64493-50', '64494-50', '64495-50-GA'] } },
    { name: 'GZ on the flagged line', claim: { dx, lines: ['64635-RT', '64636-RT-GZ x2'] } },
    { name: 'GX on the flagged line', claim: { dx, lines: ['64483-RT ptr2', '99152-GX'] } },
    {
      name: 'a ⚑ rule the policy turns off flags nothing',
      profiles: ['medicare'],
      policy: { severities: { 'facet/levels': 'off' } },
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
    },
    {
      name: 'a ⚑ rule reads the policy limit',
      profiles: ['medicare'],
      policy: { limits: { facetLevelsPerSession: 3 } },
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
    },
  ],
  invalid: [
    {
      name: 'third facet level without a liability modifier (guide: off)',
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
      errors: [{ messageId: 'missingLiability', line: 3, severity: 'error', message: msg('64495-50', 'facet/levels') }],
    },
    {
      name: 'the policy’s liability modifier is added to the flagged line',
      policy: { liabilityModifier: 'GA' },
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
      errors: [{ messageId: 'missingLiability', line: 3, message: msg('64495-50', 'facet/levels') }],
      output: ['64493-50', '64494-50', '64495-50-GA'],
    },
    {
      name: 'sedation with an injection: GZ added to the sedation line',
      policy: { liabilityModifier: 'GZ' },
      claim: { dx, lines: ['64483-RT ptr2', '99152'] },
      errors: [{ messageId: 'missingLiability', line: 2, message: msg('99152', 'sedation/with-injection') }],
      output: ['64483-RT', '99152-GZ'],
    },
    {
      name: 'RFA joints beyond the limit on one side',
      claim: { dx, lines: ['64635-RT', '64636-RT x2'] },
      errors: [{ messageId: 'missingLiability', line: 2, message: msg('64636-RT', 'rfa/levels') }],
    },
    {
      name: 'unguided interlaminar ESI (esi/unguided, first half of the catalogue)',
      claim: { dx, lines: ['62322 ptr2'] },
      errors: [{ messageId: 'missingLiability', line: 1, message: msg('62322', 'esi/unguided') }],
    },
    {
      name: 'four modifiers already: reported, no room for the liability modifier',
      policy: { liabilityModifier: 'GA' },
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50-KX-XS-59'] },
      errors: [{ messageId: 'missingLiability', line: 3, message: msg('64495-50-KX-XS-59', 'facet/levels') }],
    },
  ],
});

describe('the ⚑ rules coverage/liability-modifier reads', () => {
  it('holds every coverage-limit rule of the catalogue, and only those', () => {
    const listed = coverageLimitRules.map((r) => r.meta.id);
    const flagged = rules.filter((r) => r.meta.coverageLimit === true).map((r) => r.meta.id);
    expect(flagged.filter((id) => !listed.includes(id))).toEqual([]);
    expect(coverageLimitRules.filter((r) => r.meta.coverageLimit !== true).map((r) => r.meta.id)).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('includes the history ⚑ rules of rules.md', () => {
    expect(coverageLimitRules.map((r) => r.meta.id)).toEqual(
      expect.arrayContaining(['frequency/esi', 'frequency/facet', 'frequency/rfa', 'rfa/repeat-interval']),
    );
  });
});
