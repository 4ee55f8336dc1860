import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { emptyHistory } from '../../src/history/view.js';
import { guide, medicare } from '../../src/policy/profiles.js';
import { resolvePolicy } from '../../src/policy/load.js';
import { READ_PROBLEM_RULE_ID, RuleContractError, checkClaim, deepFreeze, interpolate, prepareRules, runRules, type RunOptions } from '../../src/rules/engine.js';
import { defineRule, type AnyRule, type RulePhase } from '../../src/rules/types.js';
import { claimOf } from '../support/claim-builder.js';
import { emptyReference } from '../support/fake-reference.js';

function options(rules: AnyRule[], overrides: Partial<RunOptions> = {}): RunOptions {
  return { rules, policy: medicare, reference: emptyReference, history: emptyHistory, asOf: '2026-11-27', fix: true, freeze: true, ...overrides };
}

function testRule(
  id: string,
  check: AnyRule['check'],
  meta: Partial<AnyRule['meta']> = {},
): AnyRule {
  return defineRule({
    meta: {
      id,
      type: 'problem',
      scope: 'session',
      phase: 'structure',
      docs: { description: id, source: `source of ${id}` },
      severity: { medicare: 'error', guide: 'error' },
      messages: { found: 'Found {{what}} on {{code}}' },
      ...meta,
    },
    check,
  });
}

const lineCodes = (claim: Claim) => claim.lines.map((l) => `${l.procedure}${l.modifiers.length ? '-' + l.modifiers.join('-') : ''} x${l.units} @${l.chargeCents}`);

/** Removes every line with the given code. */
const removeCode = (id: string, code: string, phase: RulePhase = 'removals') =>
  testRule(
    id,
    (encounter, context) => {
      for (const line of encounter.lines) {
        if (line.procedure === code) context.report({ messageId: 'found', data: { what: 'a line', code }, line, fix: { changes: [{ op: 'remove-line', line: line.key }] } });
      }
    },
    { phase, fixable: 'safe' },
  );

describe('runRules', () => {
  it('returns the input claim, ready, when no rule reports', () => {
    const claim = deepFreeze(claimOf({ dx: ['M5416'], lines: ['64483-RT'] }));
    const result = runRules(claim, options([testRule('t/quiet', () => {})]));
    expect(result).toEqual({ claim, changed: false, findings: [], applied: [], fate: 'ready' });
    expect(result.claim).toBe(claim);
  });

  it('stamps severity, source, message and location; an error holds the claim', () => {
    const rule = testRule('t/every-line', (encounter, context) => {
      for (const line of encounter.lines) context.report({ messageId: 'found', data: { what: 'x', code: line.procedure }, line, actual: line.procedure });
    });
    const result = runRules(claimOf({ dx: ['M5416'], lines: ['64483-RT', '77003'] }), options([rule]));
    expect(result.fate).toBe('held');
    expect(result.findings).toEqual([
      {
        ruleId: 't/every-line',
        source: 'source of t/every-line',
        severity: 'error',
        messageId: 'found',
        message: 'Found x on 64483',
        location: { file: 'test.837', claimId: 'CLM1', lineNumber: 1, lineKey: '1', source: { file: 'test.837', segment: 20, tag: 'SV1' } },
        serviceDate: '2026-10-01',
        procedure: '64483',
        actual: '64483',
      },
      expect.objectContaining({ message: 'Found x on 77003', location: expect.objectContaining({ lineNumber: 2, lineKey: '2' }) }),
    ]);
  });

  it('takes severity from the profile, then policy.severities; off skips the rule', () => {
    let calls = 0;
    const rule = testRule(
      't/counted',
      (encounter, context) => {
        calls++;
        context.report({ messageId: 'found', data: { what: 'w', code: 'c' } });
      },
      { severity: { medicare: 'warning', guide: 'off' } },
    );
    const claim = claimOf({ lines: ['64483'] });
    const underMedicare = runRules(claim, options([rule]));
    expect(underMedicare.findings.map((f) => f.severity)).toEqual(['warning']);
    expect(underMedicare.fate).toBe('ready');
    expect(runRules(claim, options([rule], { holdOn: 'warning' })).fate).toBe('held');
    calls = 0;
    expect(runRules(claim, options([rule], { policy: guide })).findings).toEqual([]);
    expect(calls).toBe(0);
    const overridden = resolvePolicy(guide, { severities: { 't/counted': 'info' } });
    expect(runRules(claim, options([rule], { policy: overridden })).findings.map((f) => f.severity)).toEqual(['info']);
    const offed = resolvePolicy(medicare, { severities: { 't/counted': 'off' } });
    expect(runRules(claim, options([rule], { policy: offed })).findings).toEqual([]);
  });

  it('runs rules in phase order, session rules once per session, claim rules once', () => {
    const calls: string[] = [];
    const rules = (['history', 'units', 'coverage', 'removals', 'recodes', 'diagnoses', 'structure'] as RulePhase[]).map((phase) =>
      testRule(`t/${phase}`, (encounter) => calls.push(`${phase}:${encounter.serviceDate}`), { phase }),
    );
    rules.push(testRule('t/claim', (encounter) => calls.push(`claim:${encounter.lines.length}`), { phase: 'structure', scope: 'claim' }));
    runRules(claimOf({ lines: ['64483', '64483 dos:2026-10-02'] }), options(rules));
    expect(calls).toEqual([
      'structure:2026-10-01',
      'structure:2026-10-02',
      'claim:2',
      'diagnoses:2026-10-01',
      'diagnoses:2026-10-02',
      'recodes:2026-10-01',
      'recodes:2026-10-02',
      'removals:2026-10-01',
      'removals:2026-10-02',
      'coverage:2026-10-01',
      'coverage:2026-10-02',
      'units:2026-10-01',
      'units:2026-10-02',
      'history:2026-10-01',
      'history:2026-10-02',
    ]);
  });

  it('applies a safe fix, renumbers lines, recomputes the total and records before/after', () => {
    const input = deepFreeze(claimOf({ dx: ['M5416'], lines: ['64483-RT @500.00', '77003 @80.00', '64484-RT @300.00'] }));
    const result = runRules(input, options([removeCode('t/remove-77003', '77003')]));
    expect(result.changed).toBe(true);
    expect(result.fate).toBe('ready');
    expect(result.findings).toEqual([]);
    expect(lineCodes(result.claim)).toEqual(['64483-RT x1 @50000', '64484-RT x1 @30000']);
    expect(result.claim.lines.map((l) => [l.key, l.lineNumber])).toEqual([['1', 1], ['3', 2]]);
    expect(result.claim.totalChargeCents).toBe(80000);
    expect(input.lines).toHaveLength(3); // the input is untouched
    expect(result.applied).toEqual([
      {
        ruleId: 't/remove-77003',
        source: 'source of t/remove-77003',
        severity: 'error',
        message: 'Found a line on 77003',
        location: { file: 'test.837', claimId: 'CLM1', lineNumber: 2, lineKey: '2', source: { file: 'test.837', segment: 23, tag: 'SV1' } },
        serviceDate: '2026-10-01',
        procedure: '77003',
        before: '77003',
        after: '(removed)',
        changes: [{ op: 'remove-line', line: '2' }],
      },
    ]);
  });

  it('with fix off reports the fix as proposed and returns the input unchanged', () => {
    const input = claimOf({ lines: ['64483-RT', '77003'] });
    const result = runRules(input, options([removeCode('t/remove-77003', '77003')], { fix: false }));
    expect(result.claim).toBe(input);
    expect(result.changed).toBe(false);
    expect(result.applied).toEqual([]);
    expect(result.findings.map((f) => f.fix)).toEqual([{ changes: [{ op: 'remove-line', line: '2' }] }]);
    expect(result.fate).toBe('held');
  });

  it('reports only what the final check finds: a finding whose cause a fix removed is not open', () => {
    // recode 62322 → 62323 and remove 77003 (imaging/unguided-with-guidance); a coverage rule flags 62322.
    const recode = testRule(
      't/recode',
      (encounter, context) => {
        const unguided = encounter.lines.find((l) => l.procedure === '62322');
        const imaging = encounter.lines.find((l) => l.procedure === '77003');
        if (unguided && imaging) {
          context.report({
            messageId: 'found',
            data: { what: 'imaging', code: '62322' },
            line: unguided,
            fix: { changes: [{ op: 'set-code', line: unguided.key, value: '62323' }, { op: 'remove-line', line: imaging.key }] },
          });
        }
      },
      { phase: 'recodes', fixable: 'safe' },
    );
    const coverage = testRule(
      't/unguided',
      (encounter, context) => {
        for (const line of encounter.lines) if (line.procedure === '62322') context.report({ messageId: 'found', data: { what: 'unguided', code: '62322' }, line });
      },
      { phase: 'coverage', severity: { medicare: 'warning', guide: 'off' } },
    );
    // Rule order in the list does not matter: phases decide.
    const result = runRules(claimOf({ dx: ['M5416'], lines: ['62322 @600.00', '77003 @100.00'] }), options([coverage, recode]));
    expect(lineCodes(result.claim)).toEqual(['62323 x1 @60000']);
    expect(result.findings).toEqual([]);
    expect(result.applied.map((a) => [a.ruleId, a.before, a.after, a.location.lineNumber])).toEqual([['t/recode', '62322, 77003', '62323', 1]]);
    expect(result.fate).toBe('ready');
  });

  it('keeps the per-unit charge when units change, and conserves money when a line is split', () => {
    const split = testRule(
      't/split',
      (encounter, context) => {
        for (const line of encounter.lines) {
          if (line.procedure === '64483' && line.units > 1) {
            context.report({
              messageId: 'found',
              data: { what: 'units', code: line.procedure },
              line,
              fix: {
                changes: [
                  { op: 'set-units', line: line.key, value: 1 },
                  { op: 'add-line', from: line.key, after: line.key, value: { procedure: '64484', units: line.units - 1 } },
                ],
              },
            });
          }
          if (line.procedure === '62323' && line.units > 1) {
            context.report({ messageId: 'found', data: { what: 'units', code: line.procedure }, line, fix: { changes: [{ op: 'set-units', line: line.key, value: 1 }] } });
          }
        }
      },
      { fixable: 'safe' },
    );
    const result = runRules(claimOf({ dx: ['M5416'], lines: ['64483-RT x3 @1000.00', '62323 x2 @700.00', '99213 @50.00'] }), options([split]));
    expect(lineCodes(result.claim)).toEqual(['64483-RT x1 @33333', '64484-RT x2 @66667', '62323 x1 @35000', '99213 x1 @5000']);
    expect(result.claim.lines.map((l) => `${l.key}:${l.lineNumber}`)).toEqual(['1:1', '1+1:2', '2:3', '3:4']);
    expect(result.claim.totalChargeCents).toBe(100000 + 35000 + 5000);
    expect(result.applied.map((a) => [a.before, a.after, a.location.lineNumber])).toEqual([
      ['64483-RT ×3', '64483-RT, 64484-RT ×2', 1],
      ['62323 ×2', '62323', 3],
    ]);
  });

  it('merges with an explicit set-charge (the sum), and remove-diagnosis re-maps pointers', () => {
    const merge = testRule(
      't/merge',
      (encounter, context) => {
        const right = encounter.lines.find((l) => l.modifiers.includes('RT'));
        const left = encounter.lines.find((l) => l.modifiers.includes('LT'));
        if (right && left) {
          context.report({
            messageId: 'found',
            data: { what: 'RT+LT', code: right.procedure },
            line: right,
            fix: {
              changes: [
                { op: 'set-modifiers', line: right.key, value: ['50'] },
                { op: 'set-charge', line: right.key, value: right.chargeCents + left.chargeCents },
                { op: 'remove-line', line: left.key },
              ],
            },
          });
        }
      },
      { fixable: 'safe', phase: 'recodes' },
    );
    const dropDx = testRule(
      't/drop-dx',
      (encounter, context) => {
        const index = encounter.claim.diagnoses.findIndex((d) => d.code === 'M5416');
        if (index >= 0) context.report({ messageId: 'found', data: { what: 'dx', code: 'M5416' }, fix: { changes: [{ op: 'remove-diagnosis', index: index + 1 }] } });
      },
      { fixable: 'safe', phase: 'diagnoses', scope: 'claim' },
    );
    const result = runRules(
      claimOf({ dx: ['M5116', 'M5416', 'M4726'], lines: ['64483-RT @400.00 ptr2,3', '64483-LT @400.00 ptr2,3', '62323 ptr1,2'] }),
      options([merge, dropDx]),
    );
    expect(result.claim.diagnoses.map((d) => d.code)).toEqual(['M5116', 'M4726']);
    expect(result.claim.lines.map((l) => `${l.procedure}-${l.modifiers.join('')} ${l.chargeCents} ${l.pointers.join(',')}`)).toEqual([
      '64483-50 80000 2',
      '62323- 10000 1',
    ]);
    expect(result.claim.totalChargeCents).toBe(90000);
    expect(result.applied.map((a) => [a.ruleId, a.before, a.after])).toEqual([
      ['t/drop-dx', 'dx M5116, M5416, M4726', 'dx M5116, M4726'],
      ['t/merge', '64483-RT 400.00, 64483-LT 400.00', '64483-50 800.00'],
    ]);
  });

  it('keeps add-lines after the same line in order; set-diagnosis rewrites a code; a total mismatch is not fixed silently', () => {
    const rule = testRule(
      't/many',
      (encounter, context) => {
        const line = encounter.lines.find((l) => l.procedure === '64493' && l.units > 1);
        if (line) {
          context.report({
            messageId: 'found',
            data: { what: 'levels', code: '64493' },
            line,
            fix: {
              changes: [
                { op: 'set-units', line: line.key, value: 1 },
                { op: 'add-line', from: line.key, after: line.key, value: { procedure: '64494' , units: 1 } },
                { op: 'add-line', from: line.key, after: line.key, value: { procedure: '64495', units: 1 } },
                { op: 'set-modifiers', line: '2', value: ['LT'] },
              ],
            },
          });
        }
        const dx = encounter.claim.diagnoses.findIndex((d) => d.code.includes('.'));
        if (dx >= 0) context.report({ messageId: 'found', data: { what: 'dot', code: 'dx' }, fix: { changes: [{ op: 'set-diagnosis', index: dx + 1, value: encounter.claim.diagnoses[dx]!.code.replace('.', '') }] } });
      },
      { fixable: 'safe', scope: 'claim' },
    );
    // CLM02 says 999.00: only charge changes recompute it; the modifier/diagnosis-only fixes keep it.
    const modifierOnly = runRules(claimOf({ dx: ['M47.816'], lines: ['64493-50', '20610-RT'], total: '999.00' }), options([rule]));
    expect(modifierOnly.claim.diagnoses.map((d) => d.code)).toEqual(['M47816']);
    expect(modifierOnly.claim.totalChargeCents).toBe(99900);
    const split = runRules(claimOf({ dx: ['M47816'], lines: ['64493-50 x3 @900.00', '20610-RT @100.00'], total: '999.00' }), options([rule]));
    expect(lineCodes(split.claim)).toEqual(['64493-50 x1 @30000', '64494-50 x1 @30000', '64495-50 x1 @30000', '20610-LT x1 @10000']);
    expect(split.claim.lines.map((l) => l.key)).toEqual(['1', '1+1', '1+2', '2']);
    expect(split.claim.totalChargeCents).toBe(100000);
  });

  it('applies non-overlapping fixes; an overlapping one stays a finding until a later pass', () => {
    const passes: number[] = [];
    const twoFixes = testRule(
      't/two',
      (encounter, context) => {
        passes.push(encounter.lines.length);
        const line = encounter.lines[0]!;
        if (line.units > 1) context.report({ messageId: 'found', data: { what: 'units', code: 'a' }, line, fix: { changes: [{ op: 'set-units', line: line.key, value: 1 }] } });
        if (!line.modifiers.includes('KX')) {
          context.report({ messageId: 'found', data: { what: 'kx', code: 'b' }, line, fix: { changes: [{ op: 'set-modifiers', line: line.key, value: [...line.modifiers, 'KX'] }] } });
        }
      },
      { fixable: 'safe' },
    );
    const result = runRules(claimOf({ lines: ['64493-50 x2 @600.00'] }), options([twoFixes]));
    expect(lineCodes(result.claim)).toEqual(['64493-50-KX x1 @30000']);
    expect(result.applied.map((a) => a.message)).toEqual(['Found units on a', 'Found kx on b']);
    expect(passes).toEqual([1, 1, 1]); // pass 1 applies units, pass 2 applies KX, pass 3 finds nothing
    expect(result.findings).toEqual([]);

    // Without the fix option, both are findings (with their fixes proposed).
    const reportOnly = runRules(claimOf({ lines: ['64493-50 x2 @600.00'] }), options([twoFixes], { fix: false }));
    expect(reportOnly.findings.map((f) => f.message)).toEqual(['Found units on a', 'Found kx on b']);
  });

  it('a later rule sees the claim as corrected by an earlier one (within one pass)', () => {
    const seen: string[][] = [];
    const observer = testRule('t/observer', (encounter) => seen.push(encounter.lines.map((l) => l.procedure)), { phase: 'coverage' });
    runRules(claimOf({ lines: ['64483', '77003'] }), options([observer, removeCode('t/remove', '77003')]));
    expect(seen).toEqual([['64483'], ['64483']]);
  });

  it('stops at the pass limit and reports what is still open', () => {
    const toggle = testRule(
      't/toggle',
      (encounter, context) => {
        const line = encounter.lines[0]!;
        const value = line.modifiers.includes('RT') ? ['LT'] : ['RT'];
        context.report({ messageId: 'found', data: { what: 'side', code: value[0]! }, line, fix: { changes: [{ op: 'set-modifiers', line: line.key, value }] } });
      },
      { fixable: 'safe', severity: { medicare: 'warning', guide: 'warning' } },
    );
    const result = runRules(claimOf({ lines: ['64483-RT'] }), options([toggle], { maxPasses: 3 }));
    expect(result.applied).toHaveLength(3);
    expect(lineCodes(result.claim)).toEqual(['64483-LT x1 @10000']);
    expect(result.findings.map((f) => f.message)).toEqual(['Found side on RT']);
    expect(runRules(claimOf({ lines: ['64483-RT'] }), options([toggle])).applied).toHaveLength(10);
  });

  it('a fix that changes nothing is not applied: its finding stays open, no pass loop', () => {
    let calls = 0;
    const noop = testRule(
      't/noop',
      (encounter, context) => {
        calls++;
        const line = encounter.lines[0]!;
        context.report({ messageId: 'found', data: { what: 'no-op', code: line.procedure }, line, fix: { changes: [{ op: 'set-units', line: line.key, value: line.units }] } });
      },
      { fixable: 'safe' },
    );
    const input = claimOf({ lines: ['64483-RT'] });
    const result = runRules(input, options([noop]));
    expect(result.applied).toEqual([]);
    expect(result.changed).toBe(false);
    expect(result.claim).toBe(input);
    expect(result.findings.map((f) => f.message)).toEqual(['Found no-op on 64483']);
    expect(calls).toBe(1);
  });

  it('is idempotent: the engine on its own output applies no further fix', () => {
    const rules = [removeCode('t/remove', '77003')];
    const first = runRules(claimOf({ lines: ['64483', '77003', '77003'] }), options(rules));
    expect(first.applied).toHaveLength(2);
    const second = runRules(first.claim, options(rules));
    expect(second.applied).toEqual([]);
    expect(second.changed).toBe(false);
    expect(second.claim).toBe(first.claim);
  });

  it('rejects a fix from a rule that is not fixable', () => {
    const sneaky = testRule('t/sneaky', (encounter, context) => {
      const line = encounter.lines[0]!;
      context.report({ messageId: 'found', line, fix: { changes: [{ op: 'remove-line', line: line.key }] } });
    });
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([sneaky]))).toThrow(RuleContractError);
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([sneaky]))).toThrow('Rule t/sneaky: reported a fix but meta.fixable is not set');
  });

  it('rejects an unknown messageId and a fix addressing a missing line', () => {
    const badId = testRule('t/bad-id', (encounter, context) => context.report({ messageId: 'nope' }));
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([badId]))).toThrow("Rule t/bad-id: unknown messageId 'nope'");
    const badLine = testRule('t/bad-line', (encounter, context) => context.report({ messageId: 'found', fix: { changes: [{ op: 'remove-line', line: '9' }] } }), { fixable: 'safe' });
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([badLine]))).toThrow("a fix addresses line '9'");
  });

  it('freezes claim states in test mode: a mutating rule throws', () => {
    const mutator = testRule('t/mutator', (encounter) => {
      (encounter.lines[0] as { units: number }).units = 5;
    });
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([mutator]))).toThrow(TypeError);
    const pusher = testRule('t/pusher', (encounter) => {
      (encounter.lines as unknown[]).push(encounter.lines[0]);
    });
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([pusher]))).toThrow(TypeError);
    const claimPusher = testRule('t/claim-pusher', (encounter) => {
      (encounter.claim.diagnoses as unknown[]).pop();
    }, { scope: 'claim' });
    expect(() => runRules(claimOf({ dx: ['M5416'], lines: ['64483'] }), options([claimPusher]))).toThrow(TypeError);
  });

  it('turns read problems into held error findings (input/read-problem)', () => {
    const claim = claimOf({
      lines: ['64483'],
      readProblems: [{ code: 'X12_BAD_AMOUNT', message: 'SV1 at segment 20: charge "12.3.4" is not an amount', location: { file: 'test.837', segment: 20, tag: 'SV1' } }],
    });
    const result = runRules(claim, options([]));
    expect(result.fate).toBe('held');
    expect(result.findings).toEqual([
      {
        ruleId: READ_PROBLEM_RULE_ID,
        source: 'input file',
        severity: 'error',
        messageId: 'X12_BAD_AMOUNT',
        message: 'SV1 at segment 20: charge "12.3.4" is not an amount',
        location: { file: 'test.837', claimId: 'CLM1', source: { file: 'test.837', segment: 20, tag: 'SV1' } },
      },
    ]);
  });

  it('prepares the active rules once per (rules, policy): options merged over defaults, off rules left out', () => {
    const rule: AnyRule = { ...testRule('t/opts', () => {}), defaultOptions: { a: 1, b: 2 } };
    const off = testRule('t/off', () => {}, { severity: { medicare: 'off', guide: 'error' } });
    const rules = [rule, off];
    const policy = resolvePolicy(medicare, { ruleOptions: { 't/opts': { b: 3 } } });
    const prepared = prepareRules(rules, policy);
    expect(prepared.main.map((active) => [active.id, active.options])).toEqual([['t/opts', { a: 1, b: 3 }]]);
    expect(prepared.post).toEqual([]);
    const claim = claimOf({ lines: ['64483'] });
    expect(checkClaim(claim, options(rules, { policy, prepared })).result).toEqual(runRules(claim, options(rules, { policy })));
    expect(() => checkClaim(claim, options(rules, { prepared }))).toThrow('`prepared` was made for other rules or another policy');
  });
});

describe('interpolate', () => {
  it('fills {{placeholders}} and leaves unknown ones', () => {
    expect(interpolate('Unexpected {{ code }} with {{other}}, expected {{x}}', { code: '77003', other: 62323 })).toBe('Unexpected 77003 with 62323, expected {{x}}');
  });
});
