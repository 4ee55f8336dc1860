/**
 * RuleTester: table tests for one rule, in the style of ESLint's RuleTester.
 *
 *   ruleTester.run(rule, {
 *     valid: [{ name: 'one level', claim: { dx: ['M5416'], lines: ['64483-RT'] } }],
 *     invalid: [{ name: 'two units', claim: { dx: ['M5416'], lines: ['64483-RT x2 @500.00'] },
 *                 errors: [{ messageId: 'repeated', line: 1 }],
 *                 output: ['64483-RT x1 @250.00', '64484-RT x1 @250.00'] }],
 *   });
 *
 * Each case runs under both profiles (or `profiles`), with only the rule under test, through the real engine
 * (normalization, reference tables, fixes), with every claim state deep-frozen (a rule that mutates throws). A
 * post-phase rule (`meta.consumes`) runs with the catalogue's rules whose findings it consumes, as in a real run;
 * only its own findings and fixes are compared.
 * - `errors`: the rule's findings on the input (engine with fix off), in line order: messageId, line number,
 *   optionally data (checked by rendering the message) or the exact message, and severity; always the suggestions. Under a profile where
 *   the rule is off, the case expects no finding and no change.
 * - `output`: the claim's lines after the engine applied the rule's fixes (builder grammar; code, modifiers and
 *   units always compared, `@charge` and `ptr…` when written). Omitted: the rule must change nothing.
 *   `outputDx` / `outputTotal` check the diagnoses and CLM02 after fixes.
 * - idempotence: the engine run again on the output applies no further fix.
 */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { emptyHistory, type HistoryView } from '../../src/encounter/history-view.js';
import { interpolate, runRules } from '../../src/rules/engine.js';
import { rules as catalogue } from '../../src/rules/index.js';
import type { AnyRule, AppliedFix, Finding } from '../../src/rules/types.js';
import { profiles, type ProfileName } from '../../src/policy/profiles.js';
import { resolvePolicy, type PolicyOverrides } from '../../src/policy/load.js';
import type { ResolvedPolicy } from '../../src/policy/types.js';
import type { ReferenceData } from '../../src/reference/types.js';
import { defaultReference } from '../../src/reference/index.js';
import { claimOf, parseDollars, parseLineSpec, renderLine, type ClaimSpec } from './claim-builder.js';

export interface TestCase {
  name?: string;
  claim: Claim | ClaimSpec;
  /** Overrides over the profile (limits, severities, bilateralStyle, autoDistinct, removeContrast, ruleOptions …). */
  policy?: PolicyOverrides;
  /** Profiles to run under (default both). */
  profiles?: ProfileName[];
  /** The run date (default the tester's, 2026-11-27). */
  asOf?: string;
  history?: HistoryView;
  /** Run the case alone (`it.only`). */
  only?: boolean;
}

export interface ExpectedError {
  messageId: string;
  /** The line number the finding points at: omitted, not checked; `null`, a claim-level finding. */
  line?: number | null;
  data?: Record<string, string | number>;
  message?: string;
  severity?: 'error' | 'warning' | 'info';
  /**
   * The finding's suggestions as `before → after` (the text the exception report shows; never applied). A finding
   * with suggestions must list them: omitted means none.
   */
  suggestions?: string[];
}

export interface InvalidCase extends TestCase {
  errors: ExpectedError[];
  /** Lines after the fixes, in the builder's grammar; omitted: the rule must not change the claim. */
  output?: string[];
  /** Diagnosis codes after the fixes. */
  outputDx?: string[];
  /** CLM02 after the fixes, in dollars. */
  outputTotal?: string;
}

export interface RuleTesterOptions {
  reference?: ReferenceData;
  asOf?: string;
}

export class RuleTester {
  readonly reference: ReferenceData;
  readonly asOf: string;

  constructor(options: RuleTesterOptions = {}) {
    this.reference = options.reference ?? defaultReference;
    this.asOf = options.asOf ?? '2026-11-27';
  }

  run(rule: AnyRule, cases: { valid: TestCase[]; invalid: InvalidCase[] }): void {
    describe(rule.meta.id, () => {
      if (cases.valid.length) describe('valid', () => {
        cases.valid.forEach((testCase, index) => {
          for (const profile of testCase.profiles ?? ['medicare', 'guide']) {
            const test = testCase.only ? it.only : it;
            test(`${testCase.name ?? `valid #${index + 1}`} [${profile}]`, () => this.checkValid(rule, testCase, profile));
          }
        });
      });
      if (cases.invalid.length) describe('invalid', () => {
        cases.invalid.forEach((testCase, index) => {
          for (const profile of testCase.profiles ?? ['medicare', 'guide']) {
            const test = testCase.only ? it.only : it;
            test(`${testCase.name ?? `invalid #${index + 1}`} [${profile}]`, () => this.checkInvalid(rule, testCase, profile));
          }
        });
      });
    });
  }

  /** The policy a case runs under. */
  policyFor(testCase: TestCase, profile: ProfileName): ResolvedPolicy {
    return testCase.policy ? resolvePolicy(profiles[profile], testCase.policy) : profiles[profile];
  }

  runCase(rule: AnyRule, testCase: TestCase, profile: ProfileName, fix: boolean) {
    const claim = isClaim(testCase.claim) ? testCase.claim : claimOf(testCase.claim);
    return runRules(claim, {
      rules: rulesFor(rule),
      policy: this.policyFor(testCase, profile),
      reference: this.reference,
      history: testCase.history ?? emptyHistory,
      asOf: testCase.asOf ?? this.asOf,
      fix,
      freeze: true,
    });
  }

  private checkValid(rule: AnyRule, testCase: TestCase, profile: ProfileName): void {
    const result = this.runCase(rule, testCase, profile, false);
    expect(describeFindings(ownFindings(result.findings, rule))).toEqual([]);
    const fixed = this.runCase(rule, testCase, profile, true);
    expect(ownApplied(fixed.applied, rule).map((a) => `${a.ruleId}: ${a.before} → ${a.after}`)).toEqual([]);
  }

  private checkInvalid(rule: AnyRule, testCase: InvalidCase, profile: ProfileName): void {
    const policy = this.policyFor(testCase, profile);
    const off = (policy.severities[rule.meta.id] ?? rule.meta.severity[policy.ruleDefaults]) === 'off';
    const result = this.runCase(rule, testCase, profile, false);
    const findings = ownFindings(result.findings, rule);
    if (off) {
      expect(describeFindings(findings), `${rule.meta.id} is off under ${profile}`).toEqual([]);
      return;
    }
    expect(testCase.errors.length, 'an invalid case lists at least one error').toBeGreaterThan(0);
    expect(describeFindings(findings)).toEqual(testCase.errors.map((error, i) => describeExpected(rule, error, findings[i])));

    const fixed = this.runCase(rule, testCase, profile, true);
    const input = isClaim(testCase.claim) ? testCase.claim : claimOf(testCase.claim);
    if (testCase.output === undefined) {
      expect(ownApplied(fixed.applied, rule).map((a) => `${a.before} → ${a.after}`), 'the rule must not change the claim').toEqual([]);
      expect(fixed.changed).toBe(false);
    } else {
      const expected = testCase.output.map(parseLineSpec);
      const actual = fixed.claim.lines.map((line, i) => {
        const want = expected[i];
        return renderLine(line, { charge: want?.chargeCents !== undefined, pointers: want?.pointers !== undefined });
      });
      const wanted = testCase.output.map((text) => {
        const spec = parseLineSpec(text);
        let out = spec.procedure + (spec.modifiers.length ? `-${spec.modifiers.join('-')}` : '') + ` x${spec.units}`;
        if (spec.chargeCents !== undefined) out += ` @${(spec.chargeCents / 100).toFixed(2)}`;
        if (spec.pointers !== undefined) out += ` ptr${spec.pointers.length ? spec.pointers.join(',') : '-'}`;
        return out;
      });
      expect(actual).toEqual(wanted);
      expect(ownApplied(fixed.applied, rule).length).toBeGreaterThan(0);
      // Derived values: line numbers renumbered, CLM02 = sum of the lines after any line change.
      expect(fixed.claim.lines.map((line) => line.lineNumber)).toEqual(fixed.claim.lines.map((_, i) => i + 1));
    }
    if (testCase.outputDx !== undefined) expect(fixed.claim.diagnoses.map((d) => d.code)).toEqual(testCase.outputDx);
    if (testCase.outputTotal !== undefined) expect(fixed.claim.totalChargeCents).toBe(parseDollars(testCase.outputTotal));
    else if (fixed.changed && fixed.claim.lines.length !== input.lines.length) {
      expect(fixed.claim.totalChargeCents).toBe(fixed.claim.lines.reduce((sum, line) => sum + line.chargeCents, 0));
    }
    // Idempotence: the engine on its own output proposes no further fix.
    if (fixed.changed) {
      const again = runRules(fixed.claim, {
        rules: rulesFor(rule),
        policy,
        reference: this.reference,
        history: testCase.history ?? emptyHistory,
        asOf: testCase.asOf ?? this.asOf,
        fix: true,
        freeze: true,
      });
      expect(ownApplied(again.applied, rule).map((a) => `${a.before} → ${a.after}`), 'idempotence').toEqual([]);
    }
  }
}

/** The rule under test, and for a post-phase rule the catalogue's rules whose findings it consumes. */
function rulesFor(rule: AnyRule): AnyRule[] {
  const consumes = rule.meta.consumes;
  if (consumes === undefined) return [rule];
  return [rule, ...catalogue.filter((other) => other.meta[consumes] === true)];
}

function ownApplied(applied: AppliedFix[], rule: AnyRule): AppliedFix[] {
  return applied.filter((a) => a.ruleId === rule.meta.id);
}

function ownFindings(findings: Finding[], rule: AnyRule): Finding[] {
  return findings
    .filter((f) => f.ruleId === rule.meta.id)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.location.lineNumber ?? 0) - (b.f.location.lineNumber ?? 0) || a.i - b.i)
    .map(({ f }) => f);
}

interface Described {
  messageId: string;
  line?: number | null;
  message?: string;
  severity?: string;
  suggestions: string[];
}

function describeFindings(findings: Finding[]): Described[] {
  return findings.map((f) => ({
    messageId: f.messageId,
    line: f.location.lineNumber ?? null,
    message: f.message,
    severity: f.severity,
    suggestions: (f.suggestions ?? []).map((suggestion) => `${suggestion.before} → ${suggestion.after}`),
  }));
}

/** The expected finding in the same shape, filling unasserted fields from the actual one so only asserted ones can differ. */
function describeExpected(rule: AnyRule, error: ExpectedError, actual: Finding | undefined): Described {
  const messages = rule.meta.messages as Record<string, string>;
  if (!(error.messageId in messages)) throw new Error(`RuleTester: ${rule.meta.id} has no messageId '${error.messageId}'`);
  let message = actual?.message;
  if (error.message !== undefined) message = error.message;
  else if (error.data !== undefined) message = interpolate(messages[error.messageId]!, error.data);
  return {
    messageId: error.messageId,
    line: error.line === undefined ? (actual?.location.lineNumber ?? null) : error.line,
    message,
    severity: error.severity ?? actual?.severity,
    suggestions: error.suggestions ?? [],
  };
}

function isClaim(value: Claim | ClaimSpec): value is Claim {
  return (value as Claim).claimId !== undefined;
}

export const ruleTester = new RuleTester();
