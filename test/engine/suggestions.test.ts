/**
 * Fix vs suggestion, as ESLint separates `fix` from `suggest`: a suggestion is never applied, holds its claim
 * whatever its severity, and carries the before/after text of its change to the exception report.
 */
import { describe, expect, it } from 'vitest';
import { emptyHistory } from '../../src/history/view.js';
import { medicare } from '../../src/policy/profiles.js';
import { rowsOfClaim } from '../../src/report/rows.js';
import { deepFreeze, RuleContractError, runRules, type RunOptions } from '../../src/rules/engine.js';
import { defineRule, type AnyRule, type RuleMeta, type Severity } from '../../src/rules/types.js';
import { claimOf } from '../support/claim-builder.js';
import { emptyReference } from '../support/fake-reference.js';
import { ruleTester } from '../support/rule-tester.js';

function options(rules: AnyRule[], overrides: Partial<RunOptions> = {}): RunOptions {
  return { rules, policy: medicare, reference: emptyReference, history: emptyHistory, asOf: '2026-11-27', fix: true, freeze: true, ...overrides };
}

/** Suggests adding GA to every 64483 line (a change only the provider can make: an ABN on file). */
function suggestGa(severity: Severity, meta: Partial<RuleMeta> = { hasSuggestions: true }, line = (key: string) => key): AnyRule {
  return defineRule({
    meta: {
      id: 't/suggest-ga',
      type: 'suggestion',
      scope: 'session',
      phase: 'coverage',
      docs: { description: 'suggests GA', source: 'source of t/suggest-ga' },
      severity: { medicare: severity, guide: severity },
      messages: { noAbn: 'Unexpected {{code}} without GA' },
      ...meta,
    },
    check(encounter, context) {
      for (const target of encounter.lines) {
        if (target.procedure !== '64483') continue;
        context.report({
          messageId: 'noAbn',
          data: { code: target.procedure },
          line: target,
          suggestions: [{ description: 'add GA', fix: { changes: [{ op: 'set-modifiers', line: line(target.key), value: [...target.modifiers, 'GA'] }] } }],
        });
      }
    },
  });
}

describe('suggestions', () => {
  it('are never applied: the claim is held and unchanged, the finding shows the suggested before/after', () => {
    const input = deepFreeze(claimOf({ dx: ['M5416'], lines: ['64483-RT', '77003'] }));
    const result = runRules(input, options([suggestGa('warning')]));
    expect(result.fate).toBe('held');
    expect(result.changed).toBe(false);
    expect(result.claim).toBe(input);
    expect(result.applied).toEqual([]);
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.location.lineNumber, f.suggestions])).toEqual([
      [
        't/suggest-ga',
        'warning',
        1,
        [{ description: 'add GA', fix: { changes: [{ op: 'set-modifiers', line: '1', value: ['RT', 'GA'] }] }, before: '64483-RT', after: '64483-RT-GA' }],
      ],
    ]);
  });

  it('hold the claim at any severity, with fixes on or off', () => {
    const claim = claimOf({ lines: ['64483'] });
    for (const severity of ['error', 'warning', 'info'] as const) {
      for (const fix of [true, false]) {
        const result = runRules(claim, options([suggestGa(severity)], { fix }));
        expect([severity, fix, result.fate, result.claim === claim]).toEqual([severity, fix, 'held', true]);
      }
    }
  });

  it('appear in the exception rows as held, with the suggestion’s before/after', () => {
    const input = claimOf({ lines: ['64483-RT'] });
    const result = runRules(input, options([suggestGa('info')]));
    const { rows, outcome } = rowsOfClaim('test.837', input, result, result.fate, [], 'error');
    expect(rows.map((row) => [row.ruleId, row.severity, row.action, row.line, row.before, row.after])).toEqual([
      ['t/suggest-ga', 'info', 'held', 1, '64483-RT', '64483-RT-GA'],
    ]);
    expect(outcome.fate).toBe('held');
    expect(outcome.reasons.map((reason) => reason.action)).toEqual(['held']);
  });

  it('are rejected from a rule without meta.hasSuggestions, and when they address a missing line', () => {
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([suggestGa('warning', {})]))).toThrow(RuleContractError);
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([suggestGa('warning', {})]))).toThrow(
      'Rule t/suggest-ga: reported a suggestion but meta.hasSuggestions is not set',
    );
    expect(() => runRules(claimOf({ lines: ['64483'] }), options([suggestGa('warning', { hasSuggestions: true }, () => '9')]))).toThrow("a fix addresses line '9'");
  });
});

// The RuleTester asserts suggestions as the report shows them; the claim must stay unchanged (no `output`).
ruleTester.run(suggestGa('warning'), {
  valid: [{ name: 'no 64483', claim: { dx: ['M5416'], lines: ['64490-RT'] } }],
  invalid: [
    {
      name: 'suggests GA, changes nothing',
      claim: { dx: ['M5416'], lines: ['64483-RT', '64483-LT x2'] },
      errors: [
        { messageId: 'noAbn', line: 1, suggestions: ['64483-RT → 64483-RT-GA'] },
        { messageId: 'noAbn', line: 2, suggestions: ['64483-LT ×2 → 64483-LT-GA ×2'] },
      ],
    },
  ],
});
