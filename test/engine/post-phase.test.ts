/**
 * Post-phase rules (`meta.consumes`): the runner hands them the findings of the rules they consume, reported on the
 * claim state they check, after the other rules of a pass that changed nothing. coverage/liability-modifier is one:
 * it decides from the ⚑ rules' findings instead of running those rules itself.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryView } from '../../src/encounter/history-view.js';
import { emptyHistory } from '../../src/encounter/history-view.js';
import { guide, medicare } from '../../src/policy/profiles.js';
import type { ResolvedPolicy } from '../../src/policy/types.js';
import { defaultReference } from '../../src/reference/index.js';
import { runRules, type RunOptions } from '../../src/rules/engine.js';
import facetLevels from '../../src/rules/facet/levels.js';
import frequencyEsi from '../../src/rules/frequency/esi.js';
import { rules } from '../../src/rules/index.js';
import { defineRule, type AnyRule, type ConsumedFinding, type RuleMeta } from '../../src/rules/types.js';
import { historyOf, priorSessions } from '../history/history-of.js';
import { claimOf, type ClaimSpec } from '../support/claim-builder.js';
import { emptyReference } from '../support/fake-reference.js';

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

function testRule(id: string, check: AnyRule['check'], meta: Partial<RuleMeta> = {}): AnyRule {
  return defineRule({
    meta: {
      id,
      type: 'problem',
      scope: 'session',
      phase: 'structure',
      docs: { description: id, source: `source of ${id}` },
      severity: { medicare: 'warning', guide: 'warning' },
      messages: { found: 'Found {{code}}' },
      ...meta,
    },
    check,
  });
}

function options(ruleList: AnyRule[], overrides: Partial<RunOptions> = {}): RunOptions {
  return { rules: ruleList, policy: medicare, reference: emptyReference, history: emptyHistory, asOf: '2026-11-27', fix: true, freeze: true, ...overrides };
}

/** Reports every line with `code`; a ⚑ rule when `flagged`. */
const reportCode = (id: string, code: string, flagged: boolean, phase: RuleMeta['phase'] = 'coverage') =>
  testRule(
    id,
    (encounter, context) => {
      for (const line of encounter.lines) if (line.procedure === code) context.report({ messageId: 'found', data: { code }, line });
    },
    { phase, ...(flagged ? { coverageLimit: true } : {}) },
  );

/** A post-phase rule that records what it is given, and reports each consumed finding's line once. */
function recorder(seen: string[][], fixModifier?: string): AnyRule {
  return testRule(
    't/post',
    (encounter, context) => {
      const consumed: readonly ConsumedFinding[] = context.findings ?? [];
      seen.push(consumed.map(({ finding, meta }) => `${meta.id} ${finding.location.lineNumber}`));
      for (const { finding } of consumed) {
        const line = encounter.lines.find((candidate) => candidate.key === finding.location.lineKey);
        if (line === undefined || (fixModifier !== undefined && line.modifiers.includes(fixModifier))) continue;
        context.report({
          messageId: 'found',
          data: { code: line.procedure },
          line,
          ...(fixModifier ? { fix: { changes: [{ op: 'set-modifiers' as const, line: line.key, value: [...line.modifiers, fixModifier] }] } } : {}),
        });
      }
    },
    { consumes: 'coverageLimit', phase: 'coverage', ...(fixModifier ? { fixable: 'safe' as const } : {}) },
  );
}

describe('post-phase rules', () => {
  it('receive the findings of the rules they consume, with their meta, in rule order, after the other rules', () => {
    const seen: string[][] = [];
    const mainSeen: unknown[] = [];
    const watcher = testRule('t/watcher', (_encounter, context) => void mainSeen.push(context.findings), { phase: 'history' });
    const result = runRules(
      claimOf({ lines: ['64483', '77003', '64484'] }),
      options([recorder(seen), reportCode('t/history-flag', '64484', true, 'history'), reportCode('t/plain', '77003', false), reportCode('t/flag', '64483', true), watcher]),
    );
    expect(seen).toEqual([['t/flag 1', 't/history-flag 3']]);
    expect(mainSeen).toEqual([undefined]);
    expect(result.findings.map((f) => `${f.ruleId} ${f.location.lineNumber}`)).toEqual(['t/plain 2', 't/flag 1', 't/history-flag 3', 't/post 1', 't/post 3']);
  });

  it('run only on a pass that left the claim unchanged; a fix of theirs makes one more pass', () => {
    const seen: string[][] = [];
    const remove = testRule(
      't/remove',
      (encounter, context) => {
        for (const line of encounter.lines) {
          if (line.procedure === '77003') context.report({ messageId: 'found', data: { code: '77003' }, line, fix: { changes: [{ op: 'remove-line', line: line.key }] } });
        }
      },
      { phase: 'removals', fixable: 'safe' },
    );
    const result = runRules(claimOf({ lines: ['64483', '77003'] }), options([recorder(seen, 'GA'), remove, reportCode('t/flag', '64483', true)]));
    // Pass 1 removes 77003 (no post-phase); pass 2 adds GA (post-phase); pass 3 settles.
    expect(seen).toEqual([['t/flag 1'], ['t/flag 1']]);
    expect(result.applied.map((a) => `${a.ruleId}: ${a.before} → ${a.after}`)).toEqual(['t/remove: 77003 → (removed)', 't/post: 64483 → 64483-GA']);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['t/flag']);
  });

  it('are off with their profile: nothing is kept for them', () => {
    const seen: string[][] = [];
    const post = { ...recorder(seen), meta: { ...recorder(seen).meta, severity: { medicare: 'off', guide: 'off' } } } as AnyRule;
    runRules(claimOf({ lines: ['64483'] }), options([post, reportCode('t/flag', '64483', true)]));
    expect(seen).toEqual([]);
  });
});

describe('coverage/liability-modifier as a post-phase rule', () => {
  const facetClaim: ClaimSpec = { dx: ['M47816'], lines: ['64493-50', '64494-50', '64495-50'] };
  const esiHistory = historyOf(priorSessions('a.837', '64483-RT', ['2025-10-02', '2026-01-05', '2026-04-01', '2026-07-01']));

  it('a ⚑ rule runs once per encounter and pass', () => {
    const facetRuns = countRuns(facetLevels);
    const esiRuns = countRuns(frequencyEsi);
    const base = { rules, policy: medicare, reference: defaultReference, asOf: '2026-11-27', fix: false };
    const facet = runRules(claimOf(facetClaim), { ...base, history: emptyHistory });
    const esi = runRules(claimOf({ dx: ['M5416'], lines: ['64483-RT'] }), { ...base, history: esiHistory });
    expect(facetRuns).toEqual(['2026-10-01']);
    expect(esiRuns).toEqual(['2026-10-01']);
    expect(facet.findings.filter((f) => f.ruleId === 'facet/levels' || f.ruleId === 'coverage/liability-modifier').map((f) => `${f.ruleId} ${f.location.lineNumber}`)).toEqual([
      'facet/levels 3',
      'coverage/liability-modifier 3',
    ]);
    expect(esi.findings.filter((f) => f.ruleId === 'frequency/esi' || f.ruleId === 'coverage/liability-modifier').map((f) => `${f.ruleId} ${f.location.lineNumber}`)).toEqual([
      'frequency/esi 1',
      'coverage/liability-modifier 1',
    ]);
  });

  // Random claims against what the rule means: one finding per line that a ⚑ rule flags (the history ⚑ rules only
  // with a history index) and that carries neither GA nor GZ (GX does not count), naming the ⚑ rules in catalogue order.
  const CODES = ['62321', '62322', '62323', '64479', '64483', '64484', '64490', '64491', '64493', '64494', '64495', '64633', '64634', '64635', '64636', '99152', '76942', '77003'];
  const MODIFIERS = ['', '-50', '-RT', '-LT', '-RT-KX', '-KX', '-GA', '-GZ', '-GX'];
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
  const flaggedIds = new Set(rules.filter((r) => r.meta.coverageLimit === true).map((r) => r.meta.id));
  const historyIds = new Set(rules.filter((r) => r.meta.coverageLimit === true && r.meta.usesHistory === true).map((r) => r.meta.id));
  for (const [policyName, policy] of [['medicare', medicare], ['guide', guide]] as [string, ResolvedPolicy][]) {
    for (const [name, history] of histories) {
      it(`flags exactly the ⚑-flagged lines without a liability modifier [${policyName}, ${name}]`, () => {
        let flagged = 0;
        fc.assert(
          fc.property(claimArb, (spec) => {
            const result = runRules(claimOf(spec), { rules, policy, reference: defaultReference, history, asOf: '2026-11-27', fix: false });
            const byLine = new Map<string, string[]>();
            for (const finding of result.findings) {
              if (!flaggedIds.has(finding.ruleId) || (historyIds.has(finding.ruleId) && !history.available)) continue;
              const key = finding.location.lineKey!;
              const line = result.claim.lines.find((l) => l.key === key)!;
              if (line.modifiers.some((m) => ['GA', 'GZ'].includes(m))) continue;
              const ids = byLine.get(key) ?? [];
              if (!ids.includes(finding.ruleId)) ids.push(finding.ruleId);
              byLine.set(key, ids);
            }
            const expected = policy === guide ? [] : [...byLine].map(([key, ids]) => `${key}: ${ids.join(', ')}`).sort();
            const actual = result.findings
              .filter((f) => f.ruleId === 'coverage/liability-modifier')
              .map((f) => `${f.location.lineKey}: ${/beyond coverage \((.*)\)$/.exec(f.message)![1]!.split('; ').map((reason) => reason.split(':')[0]).join(', ')}`)
              .sort();
            expect(actual).toEqual(expected);
            if (actual.length > 0) flagged++;
          }),
          { numRuns: 150, seed: 20261127 },
        );
        if (policy !== guide) expect(flagged).toBeGreaterThan(10);
      });
    }
  }
});
