/**
 * RuleModule.families is a precondition for speed only: the engine skips check() on an encounter without a line
 * of those families. These properties prove it changes nothing: a rule never reports on such an encounter, and the
 * engine's result is the same with every precondition removed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Encounter } from '../../src/encounter/model.js';
import { normalizeClaim } from '../../src/encounter/normalize.js';
import { sessionsOf } from '../../src/encounter/sessions.js';
import { emptyHistory } from '../../src/history/view.js';
import { guide, medicare } from '../../src/policy/profiles.js';
import { defaultReference } from '../../src/reference/index.js';
import { runRules } from '../../src/rules/engine.js';
import { rules } from '../../src/rules/index.js';
import { ClaimMemo } from '../../src/rules/memo.js';
import type { RuleContext } from '../../src/rules/types.js';
import { claimOf } from '../support/claim-builder.js';

const CODES = [
  '62320', '62321', '62322', '62323', '64479', '64480', '64483', '64484', '64490', '64491', '64492', '64493', '64494', '64495',
  '64633', '64634', '64635', '64636', '77003', '77012', '76942', 'Q9966', 'J0665', 'J1010', 'J1030', 'J3301', '99213', '20610',
  '0216T', '99152', '64999', '20552',
];
const MODIFIERS = ['', '-50', '-RT', '-LT', '-RT-KX', '-KX', '-XS', '-59', '-25', '-24', '-79', '-GA'];
const DX = ['M5416', 'M5412', 'M5116', 'M47816', 'M47812', 'M4726', 'M541', 'M54.16', 'M5415', 'M961', 'Z9989', 'M48062', 'M545', 'M5450'];

const lineArb = fc
  .record({
    code: fc.constantFrom(...CODES),
    modifiers: fc.constantFrom(...MODIFIERS),
    units: fc.integer({ min: 1, max: 4 }),
    pointers: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
    day: fc.constantFrom('', '', ' dos:2026-10-02', ' dos:2026-03-01'),
  })
  .map(({ code, modifiers, units, pointers, day }) => `${code}${modifiers} x${units} @100.00 ${pointers.length ? `ptr${pointers.join(',')}` : 'ptr-'}${day}`);

const claimArb = fc.record({
  dx: fc.array(fc.constantFrom(...DX), { maxLength: 4 }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
  pos: fc.constantFrom('11', '22', '24'),
});

const withFamilies = rules.filter((rule) => rule.families !== undefined);

describe('RuleModule.families (engine preconditions)', () => {
  it('is declared by the rules that can skip most sessions', () => {
    expect(withFamilies.length).toBeGreaterThan(25);
  });

  for (const policy of [medicare, guide]) {
    it(`a rule reports nothing on an encounter without a line of its families [${policy.name}]`, () => {
      fc.assert(
        fc.property(claimArb, (spec) => {
          const claim = normalizeClaim(claimOf(spec), defaultReference);
          const first = claim.lines[0];
          const whole: Encounter = { claim, serviceDate: first?.serviceDate ?? '', lines: claim.lines };
          for (const rule of withFamilies) {
            const encounters = rule.meta.scope === 'claim' ? [whole] : sessionsOf(claim);
            for (const encounter of encounters) {
              if (encounter.lines.some((line) => rule.families!.includes(line.facts.family))) continue;
              const reported: string[] = [];
              const context: RuleContext = {
                options: { ...(rule.defaultOptions ?? {}), ...(policy.ruleOptions[rule.meta.id] ?? {}) },
                policy,
                reference: defaultReference,
                history: emptyHistory,
                asOf: '2026-11-27',
                report: (descriptor) => reported.push(`${rule.meta.id}: ${descriptor.messageId}`),
                memo: new ClaimMemo(),
              };
              rule.check(encounter, context);
              expect(reported).toEqual([]);
            }
          }
        }),
        { numRuns: 300, seed: 20261127 },
      );
    });

    it(`the engine gives the same result with every precondition removed [${policy.name}]`, () => {
      const plain = rules.map((rule) => ({ meta: rule.meta, check: rule.check, ...(rule.defaultOptions ? { defaultOptions: rule.defaultOptions } : {}) }));
      fc.assert(
        fc.property(claimArb, fc.boolean(), (spec, fix) => {
          const claim = claimOf(spec);
          const options = { policy, reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', fix };
          expect(runRules(claim, { ...options, rules })).toEqual(runRules(claim, { ...options, rules: plain }));
        }),
        { numRuns: 200, seed: 20261128 },
      );
    });
  }
});
