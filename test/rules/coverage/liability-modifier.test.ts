import { describe, expect, it } from 'vitest';
import { medicare } from '../../../src/policy/profiles.js';
import { defaultReference } from '../../../src/reference/index.js';
import rule from '../../../src/rules/coverage/liability-modifier.js';
import { runRules } from '../../../src/rules/engine.js';
import { rules } from '../../../src/rules/index.js';
import { emptyHistory } from '../../../src/encounter/history-view.js';
import { historyOf, priorSessions } from '../../history/history-of.js';
import { claimOf, type ClaimSpec } from '../../support/claim-builder.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M47816', 'M5416', 'M47812'];
/** Five transforaminal ESI sessions in one claim: frequency/esi flags the fifth even without a history index. */
const fiveSessions: ClaimSpec = {
  dx: ['M5416'],
  lines: ['64483-RT dos:2026-01-05', '64483-RT dos:2026-03-02', '64483-RT dos:2026-05-04', '64483-RT dos:2026-07-06', '64483-RT dos:2026-09-07'],
};
const esiHistory = historyOf(priorSessions('a.837', '64483-RT', ['2025-10-02', '2026-01-05', '2026-04-01', '2026-07-01']));
const msg = (line: string, reasons: string) => `Add GA (ABN on file) or GZ (no ABN) to ${line}: beyond coverage (${reasons})`;

ruleTester.run(rule, {
  valid: [
    { name: 'no coverage limit reached', claim: { dx, lines: ['64493-50', '64494-50'] } },
    { name: 'GA on the flagged line (ABN on file)', claim: { dx, lines: ['64493-50', '64494-50', '64495-50-GA'] } },
    { name: 'GZ on the flagged line', claim: { dx, lines: ['64635-RT', '64636-RT-GZ x2'] } },
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
    {
      name: 'without a history index the history ⚑ rules’ findings do not count',
      profiles: ['medicare'],
      claim: fiveSessions,
    },
  ],
  invalid: [
    {
      name: 'GX does not state liability for an LCD limit: still held',
      profiles: ['medicare'],
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50-GX'] },
      errors: [{ messageId: 'missingLiability', line: 3, message: msg('64495-50-GX', 'facet/levels: 3 levels, needs at most 2 levels') }],
    },
    {
      name: 'third facet level without a liability modifier (guide: off)',
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
      errors: [{ messageId: 'missingLiability', line: 3, severity: 'error', message: msg('64495-50', 'facet/levels: 3 levels, needs at most 2 levels') }],
    },
    {
      name: 'the policy’s liability modifier is added to the flagged line',
      policy: { liabilityModifier: 'GA' },
      claim: { dx, lines: ['64493-50', '64494-50', '64495-50'] },
      errors: [{ messageId: 'missingLiability', line: 3, message: msg('64495-50', 'facet/levels: 3 levels, needs at most 2 levels') }],
      output: ['64493-50', '64494-50', '64495-50-GA'],
    },
    {
      name: 'sedation with an injection: GZ added to the sedation line',
      policy: { liabilityModifier: 'GZ' },
      claim: { dx, lines: ['64483-RT ptr2', '99152'] },
      errors: [{ messageId: 'missingLiability', line: 2, message: msg('99152', 'sedation/with-injection: 99152, needs no sedation line') }],
      output: ['64483-RT', '99152-GZ'],
    },
    {
      name: 'RFA joints beyond the limit on one side',
      claim: { dx, lines: ['64635-RT', '64636-RT x2'] },
      errors: [{ messageId: 'missingLiability', line: 2, message: msg('64636-RT', 'rfa/levels: 3 joints, needs at most 2 joints per side') }],
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
      errors: [{ messageId: 'missingLiability', line: 3, message: msg('64495-50-KX-XS-59', 'facet/levels: 3 levels, needs at most 2 levels') }],
    },
    {
      name: 'a history ⚑ rule with a history index (frequency/esi)',
      history: esiHistory,
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      errors: [{ messageId: 'missingLiability', line: 1, message: msg('64483-RT', 'frequency/esi: 5, needs ≤ 4') }],
    },
    {
      name: 'a line two ⚑ rules flag: one finding naming both, in catalogue order',
      history: esiHistory,
      claim: { dx: ['M5416'], lines: ['64483-RT', '64483-LT', '64484-RT x2'] },
      errors: [
        { messageId: 'missingLiability', line: 1, message: msg('64483-RT', 'frequency/esi: 5, needs ≤ 4') },
        { messageId: 'missingLiability', line: 2, message: msg('64483-LT', 'frequency/esi: 5, needs ≤ 4') },
        { messageId: 'missingLiability', line: 3, message: msg('64484-RT', 'esi/transforaminal-levels: 3, needs 2; frequency/esi: 5, needs ≤ 4') },
      ],
    },
  ],
});

describe('the ⚑ rules coverage/liability-modifier reads', () => {
  it('is a post-phase rule consuming the findings of the rules with meta.coverageLimit', () => {
    expect(rule.meta.consumes).toBe('coverageLimit');
    expect(rules.filter((r) => r.meta.coverageLimit === true).map((r) => r.meta.id)).toEqual([
      'esi/unguided',
      'imaging/ultrasound',
      'esi/multiple-regions',
      'esi/transforaminal-levels',
      'facet/levels',
      'rfa/levels',
      'sedation/with-injection',
      'frequency/esi',
      'frequency/facet',
      'frequency/rfa',
      'rfa/repeat-interval',
    ]);
  });

  it('the history ⚑ rule does flag the claim of the no-history valid case (so that case proves the exclusion)', () => {
    const result = runRules(claimOf(fiveSessions), { rules, policy: medicare, reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', fix: false });
    expect(result.findings.filter((f) => f.ruleId === 'frequency/esi').map((f) => f.location.lineNumber)).toEqual([5]);
    expect(result.findings.filter((f) => f.ruleId === rule.meta.id)).toEqual([]);
  });
});
