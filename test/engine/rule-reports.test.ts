/**
 * RuleContext.ruleReports (speed only, never meaning): the engine keeps what each session-scope ⚑ rule reports per
 * encounter; coverage/liability-modifier reads it instead of running the ⚑ rules again, and the engine replays a
 * ⚑ rule that liability-modifier ran first (the history ⚑ rules run after it). These tests prove each rule runs
 * once per encounter, and that the results are those of the engine without sharing.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryView } from '../../src/encounter/history-view.js';
import { emptyHistory } from '../../src/encounter/history-view.js';
import { guide, medicare } from '../../src/policy/profiles.js';
import type { ResolvedPolicy } from '../../src/policy/types.js';
import { defaultReference } from '../../src/reference/index.js';
import liabilityModifier from '../../src/rules/coverage/liability-modifier.js';
import { coverageLimitRules } from '../../src/rules/coverage/limit-rules.js';
import { runRules } from '../../src/rules/engine.js';
import facetLevels from '../../src/rules/facet/levels.js';
import frequencyEsi from '../../src/rules/frequency/esi.js';
import { rules } from '../../src/rules/index.js';
import type { ReportDescriptor, RuleContext, RuleModule } from '../../src/rules/types.js';
import { normalizeClaim } from '../../src/encounter/normalize.js';
import { sessionsOf } from '../../src/encounter/sessions.js';
import { historyOf, priorSessions } from '../history/history-of.js';
import { claimOf, type ClaimSpec } from '../support/claim-builder.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRule = RuleModule<any, any>;

/** A fresh policy object: the engine and liability-modifier prepare their rules once per policy object. */
function freshPolicy(policy: ResolvedPolicy): ResolvedPolicy {
  return { ...policy };
}

const restores: (() => void)[] = [];
afterEach(() => {
  while (restores.length) restores.pop()!();
});

/** Counts the runs of a rule's check per encounter date (the module object is patched, then restored). */
function countRuns(rule: AnyRule): string[] {
  const runs: string[] = [];
  const original = rule.check;
  rule.check = (encounter, context) => {
    runs.push(encounter.serviceDate);
    original(encounter, context);
  };
  restores.push(() => {
    rule.check = original;
  });
  return runs;
}

/** coverage/liability-modifier's context over an empty history, with the test's report() and ruleReports. */
function liabilityContext(report: RuleContext['report'], ruleReports: RuleContext['ruleReports']): RuleContext {
  return { options: {}, policy: medicare, reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', report, ruleReports };
}

const facetClaim: ClaimSpec = { dx: ['M47816'], lines: ['64493-50', '64494-50', '64495-50'] };
const esiHistory = historyOf(priorSessions('a.837', '64483-RT', ['2025-10-02', '2026-01-05', '2026-04-01', '2026-07-01']));
const esiClaim: ClaimSpec = { dx: ['M5416'], lines: ['64483-RT'] };

describe('RuleContext.ruleReports', () => {
  it('a ⚑ rule that runs before liability-modifier runs once per encounter and pass', () => {
    const runs = countRuns(facetLevels);
    const result = runRules(claimOf(facetClaim), { rules, policy: freshPolicy(medicare), reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', fix: false });
    expect(runs).toEqual(['2026-10-01']);
    expect(result.findings.filter((f) => f.ruleId === 'facet/levels' || f.ruleId === 'coverage/liability-modifier').map((f) => `${f.ruleId} ${f.location.lineNumber}`)).toEqual([
      'facet/levels 3',
      'coverage/liability-modifier 3',
    ]);
  });

  it('a history ⚑ rule that runs after liability-modifier runs once per encounter and pass (its reports replayed)', () => {
    const runs = countRuns(frequencyEsi);
    const result = runRules(claimOf(esiClaim), { rules, policy: freshPolicy(medicare), reference: defaultReference, history: esiHistory, asOf: '2026-11-27', fix: false });
    expect(runs).toEqual(['2026-10-01']);
    expect(result.findings.filter((f) => f.ruleId === 'frequency/esi' || f.ruleId === 'coverage/liability-modifier').map((f) => `${f.ruleId} ${f.location.lineNumber} ${f.messageId}`)).toEqual([
      'coverage/liability-modifier 1 missingLiability',
      'frequency/esi 1 tooMany',
    ]);
  });

  it('liability-modifier flags what ruleReports says a ⚑ rule reported on the encounter, without running the rule', () => {
    const claim = normalizeClaim(claimOf({ dx: ['M47816'], lines: ['64493-50'] }), defaultReference);
    const [encounter] = sessionsOf(claim);
    const reported: ReportDescriptor[] = [];
    const asked: string[] = [];
    const context = liabilityContext((descriptor) => reported.push(descriptor), {
      find: (rule, at) => {
        asked.push(rule.meta.id);
        expect(at).toBe(encounter);
        return rule === facetLevels ? [{ messageId: 'tooMany', line: claim.lines[0]! }] : undefined;
      },
      remember: () => {},
    });
    const runs = countRuns(facetLevels);
    liabilityModifier.check(encounter!, context);
    expect(runs).toEqual([]);
    expect(asked).toContain('facet/levels');
    expect(reported.map((d) => [d.messageId, d.line?.key, d.data?.rules])).toEqual([['missingLiability', '1', 'facet/levels']]);
  });

  it('liability-modifier remembers the runs it makes, with what each reported', () => {
    const claim = normalizeClaim(claimOf(facetClaim), defaultReference);
    const [encounter] = sessionsOf(claim);
    const remembered: [string, number][] = [];
    const context = liabilityContext(() => {}, {
      find: () => undefined,
      remember: (rule, at, reports) => {
        expect(at).toBe(encounter);
        remembered.push([rule.meta.id, reports.length]);
      },
    });
    liabilityModifier.check(encounter!, context);
    // The ⚑ rules for facet sessions without a history: facet/levels flags the third level.
    expect(remembered).toContainEqual(['facet/levels', 1]);
    expect(remembered.every(([id]) => coverageLimitRules.some((rule) => rule.meta.id === id))).toBe(true);
  });

  // Copies of the rules without `coverageLimit`: the engine shares nothing for them, and liability-modifier's
  // (the copy's) look-ups never find the engine's runs, which are kept under the copies.
  const unshared: AnyRule[] = rules.map((rule) => ({ ...rule, meta: { ...rule.meta, coverageLimit: undefined } }));

  const CODES = ['62321', '62322', '62323', '64479', '64483', '64484', '64490', '64491', '64493', '64494', '64495', '64633', '64634', '64635', '64636', '99152', '76942', '77003'];
  const MODIFIERS = ['', '-50', '-RT', '-LT', '-RT-KX', '-KX', '-GA', '-GZ'];
  const lineArb = fc
    .record({ code: fc.constantFrom(...CODES), modifiers: fc.constantFrom(...MODIFIERS), units: fc.integer({ min: 1, max: 3 }), day: fc.constantFrom('', '', ' dos:2026-09-01') })
    .map(({ code, modifiers, units, day }) => `${code}${modifiers} x${units} ptr1${day}`);
  const claimArb = fc.record({ dx: fc.constantFrom<string[]>(['M5416'], ['M47816'], ['M5416', 'M47816']), lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }) });
  const histories: [string, HistoryView][] = [
    ['no history', emptyHistory],
    [
      'prior ESI, facet and RFA sessions',
      historyOf({
        ...priorSessions('e.837', '64483-RT', ['2025-11-02', '2026-01-05', '2026-04-01', '2026-07-01']),
        ...priorSessions('f.837', '64493-50', ['2025-12-02', '2026-02-05', '2026-05-01', '2026-08-01']),
        ...priorSessions('r.837', '64635-RT', ['2026-06-02', '2026-08-20']),
      }),
    ],
  ];
  for (const [policyName, policy] of [['medicare', medicare], ['medicare with GA', { ...medicare, liabilityModifier: 'GA' } as ResolvedPolicy], ['guide', guide]] as const) {
    for (const [name, history] of histories) {
      it(`the engine gives the same result as without shared reports [${policyName}, ${name}]`, () => {
        let flagged = 0;
        fc.assert(
          fc.property(claimArb, fc.boolean(), (spec, fix) => {
            const claim = claimOf(spec);
            const options = { policy, reference: defaultReference, history, asOf: '2026-11-27', fix };
            const shared = runRules(claim, { ...options, rules });
            expect(shared).toEqual(runRules(claim, { ...options, rules: unshared }));
            if ([...shared.findings, ...shared.applied].some((f) => f.ruleId === 'coverage/liability-modifier')) flagged++;
          }),
          { numRuns: 150, seed: 20261127 },
        );
        // The claims drawn reach the ⚑ limits (liability-modifier is off under guide).
        if (policy !== guide) expect(flagged).toBeGreaterThan(10);
      });
    }
  }
});
