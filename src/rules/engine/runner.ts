/**
 * The runner, as ESLint's linter: runs the rules over one claim in the catalogue's phase order, stamps severity from
 * the policy, lets the fixer apply the non-overlapping fixes of `fixable` rules, re-runs until nothing changes (at
 * most `maxPasses` passes), and reports what the final check of the final claim finds.
 *
 * Post-phase rules (`meta.consumes`) run after the other rules of a pass that left the claim unchanged, and read the
 * findings of the rules they consume in `context.findings` (coverage/liability-modifier reads the ⚑ rules').
 *
 * A finding holds its claim when it is an error (or a warning, with `holdOn: 'warning'`) or carries a suggestion.
 * Contract errors (a rule bug, not a claim problem) throw RuleContractError: a fix from a rule without
 * `meta.fixable`, a suggestion from a rule without `meta.hasSuggestions`, an unknown messageId, a change addressing
 * a line that does not exist.
 *
 * All state is per call: the rules prepared for a policy (prepareRules, made once per run by a caller that checks
 * many claims), and per claim a ClaimRun (report buffer, fixes applied, memo) with its rule context.
 */
import type { Claim, Encounter, IsoDate, ReadProblem } from '../../encounter/model.js';
import { normalizeClaim } from '../../encounter/normalize.js';
import { sessionsOf } from '../../encounter/sessions.js';
import type { HistoryView } from '../../encounter/history-view.js';
import type { ResolvedPolicy } from '../../policy/types.js';
import type { ReferenceData } from '../../reference/types.js';
import { RuleContractError } from '../errors.js';
import { familyMask, linesFamilyMask, mayApply } from '../helpers.js';
import { ClaimMemo } from '../memo.js';
import type { AnyRule, AppliedFix, ClaimResult, ConsumedFinding, Finding, ReportDescriptor, RuleContext, RulePhase } from '../types.js';
import { applyFixes, DEFAULT_MAX_PASSES, finishApplied, suggestedFix, type FixEnvironment, type PendingApplied } from './fixer.js';
import { makeFinding, parseTemplates, readProblemFinding, type FindingStamp } from './messages.js';

/** The catalogue's order (docs/rules/README.md): claim structure → diagnoses → recodes → removals → coverage limits → mue → history. */
export const PHASE_ORDER: readonly RulePhase[] = ['structure', 'diagnoses', 'recodes', 'removals', 'coverage', 'units', 'history', 'other'];

export interface RunOptions {
  rules: readonly AnyRule[];
  policy: ResolvedPolicy;
  reference: ReferenceData;
  history: HistoryView;
  /** The run date (`--as-of`). */
  asOf: IsoDate;
  /** Apply safe fixes (`--no-fix` → false: report only, the claim is returned unchanged). */
  fix: boolean;
  /** `warning`: a warning left open also holds the claim. Default `error`. */
  holdOn?: 'error' | 'warning';
  maxPasses?: number;
  /** Tests: deep-freeze every claim state before the rules see it (proves rules never mutate). */
  freeze?: boolean;
  /** prepareRules(rules, policy), made once by a caller that checks many claims; made per call when absent. */
  prepared?: PreparedRules;
}

/** A rule made ready for one policy: severity, options and message templates resolved once. */
export interface ActiveRule extends FindingStamp {
  rule: AnyRule;
  /** rule.check, read once: the runner calls it as a plain function (rule objects differ in shape). */
  check: AnyRule['check'];
  claimScope: boolean;
  /** familyMask(rule.families): 0 when the rule runs on every encounter. */
  familyMask: number;
  options: Record<string, unknown>;
  fixable: boolean;
  hasSuggestions: boolean;
  /** A post-phase rule of the run consumes this rule's findings. */
  consumed: boolean;
}

/** The rules active under one policy: the others in phase order (stable within a phase), then the post-phase ones. */
export interface PreparedRules {
  readonly rules: readonly AnyRule[];
  readonly policy: ResolvedPolicy;
  readonly main: readonly ActiveRule[];
  readonly post: readonly ActiveRule[];
}

export function prepareRules(rules: readonly AnyRule[], policy: ResolvedPolicy): PreparedRules {
  const active: ActiveRule[] = [];
  for (const rule of rules) {
    const { meta } = rule;
    const severity = policy.severities[meta.id] ?? meta.severity[policy.ruleDefaults];
    if (severity === 'off') continue;
    active.push({
      rule,
      id: meta.id,
      source: meta.docs.source,
      url: meta.docs.url,
      severity,
      templates: parseTemplates(rule),
      check: rule.check,
      claimScope: meta.scope === 'claim',
      familyMask: familyMask(rule.families),
      options: { ...((rule.defaultOptions ?? {}) as Record<string, unknown>), ...(policy.ruleOptions[meta.id] ?? {}) },
      fixable: meta.fixable === 'safe',
      hasSuggestions: meta.hasSuggestions === true,
      consumed: false,
    });
  }
  const rank = (a: ActiveRule) => PHASE_ORDER.indexOf(a.rule.meta.phase);
  active.sort((a, b) => rank(a) - rank(b)); // Array#sort is stable: catalogue order within a phase
  const post = active.filter((a) => a.rule.meta.consumes !== undefined);
  const main = active.filter((a) => a.rule.meta.consumes === undefined);
  for (const consumer of post) {
    const flag = consumer.rule.meta.consumes!;
    for (const producer of main) if (producer.rule.meta[flag] === true) producer.consumed = true;
  }
  return { rules, policy, main, post };
}

/** Runs the rules on one claim: see the module comment. Pure: the input claim is never mutated. */
export function runRules(input: Claim, options: RunOptions): ClaimResult {
  return checkClaim(input, options).result;
}

/** What checkClaim returns: the engine's result, and the final claim as normalized (facts filled). */
export interface CheckedClaim {
  result: ClaimResult;
  /**
   * The final claim with its line facts, as normalizeClaim(result.claim) would give it: result.claim itself when
   * fixes changed the claim, else the engine's normalized copy of the input (the history records this one).
   */
  normalized: Claim;
}

/** runRules, also handing back the normalized final claim (so the caller need not normalize it again). */
export function checkClaim(input: Claim, options: RunOptions): CheckedClaim {
  const prepared = options.prepared ?? prepareRules(options.rules, options.policy);
  if (prepared.policy !== options.policy || prepared.rules !== options.rules) {
    throw new TypeError('checkClaim: `prepared` was made for other rules or another policy than the options name');
  }
  const maxPasses = options.maxPasses ?? DEFAULT_MAX_PASSES;
  const start = normalizeClaim(input, options.reference);
  if (options.freeze) deepFreeze(start);
  const run = new ClaimRun(input, start, options);

  let findings: Finding[];
  if (!options.fix) {
    findings = runPass(run, prepared, false);
  } else {
    let settled = false;
    findings = NO_FINDINGS;
    for (let pass = 0; pass < maxPasses; pass++) {
      const passFindings = runPass(run, prepared, true);
      if (!run.changed) {
        findings = passFindings;
        settled = true;
        break;
      }
    }
    // Pass limit reached while fixes were still being applied: one final check, fixes not applied.
    if (!settled) findings = runPass(run, prepared, false);
  }
  const claim = run.claim;
  const applied = run.applied;

  let open = findings;
  if (claim.readProblems.length !== 0) {
    const readFindings = claim.readProblems.map((problem: ReadProblem) => readProblemFinding(claim, problem));
    open = [...readFindings, ...findings];
  }
  const holdOnWarning = options.holdOn === 'warning';
  let held = false;
  for (let i = 0; i < open.length; i++) {
    const finding = open[i]!;
    if (finding.severity === 'error' || (holdOnWarning && finding.severity === 'warning') || finding.suggestions !== undefined) {
      held = true;
      break;
    }
  }
  const changed = claim !== start && applied !== null;
  return {
    result: {
      claim: changed ? claim : input,
      changed,
      findings: open,
      applied: applied === null ? NO_APPLIED : applied.map((record) => finishApplied(record, claim)),
      fate: held ? 'held' : 'ready',
    },
    normalized: claim,
  };
}

/** The findings and fixes of a claim without any: one frozen empty list each (ClaimResult's lists are read only). */
const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];
const NO_APPLIED = Object.freeze([]) as unknown as AppliedFix[];
const NO_CONSUMED: readonly ConsumedFinding[] = Object.freeze([]);

/** The state of checking one claim: its current state, the fixes applied, the report buffer of the rule running. */
class ClaimRun {
  /** The claim state being checked: after runPass, the claim after the pass's fixes. */
  claim: Claim;
  /** Whether the last pass changed the claim. */
  changed = false;
  /** The fixes applied to the claim, in order (made at the first). */
  applied: PendingApplied[] | null = null;
  /** The findings of the pass being run (made at its first finding). */
  findings: Finding[] | null = null;
  /** The pass's findings of rules a post-phase rule consumes (made at the first). */
  consumed: ConsumedFinding[] | null = null;
  /** The current rule's reports and the encounters they were made on: the first `reportCount` of each. */
  descriptors: ReportDescriptor[] | null = null;
  encounters: Encounter[] | null = null;
  reportCount = 0;
  currentRule = '';
  currentEncounter: Encounter | null = null;
  readonly context: RunContext;
  readonly environment: FixEnvironment;
  readonly freeze: boolean;

  constructor(input: Claim, start: Claim, options: RunOptions) {
    this.claim = start;
    this.environment = { reference: options.reference, input };
    this.freeze = options.freeze === true;
    this.context = new RunContext(this, options);
  }

  report(descriptor: ReportDescriptor): void {
    const encounter = this.currentEncounter;
    if (encounter === null) throw new RuleContractError(this.currentRule, 'report() called outside check()');
    const n = this.reportCount;
    if (this.descriptors === null || this.encounters === null) {
      this.descriptors = [descriptor];
      this.encounters = [encounter];
    } else {
      this.descriptors[n] = descriptor;
      this.encounters[n] = encounter;
    }
    this.reportCount = n + 1;
  }

  addFinding(finding: Finding): void {
    if (this.findings === null) this.findings = [finding];
    else this.findings.push(finding);
  }
}

/** The context the rules of one claim are given; `options` follows the rule being run. */
class RunContext implements RuleContext<Record<string, unknown>, string> {
  options: Record<string, unknown> = {};
  findings: readonly ConsumedFinding[] | undefined = undefined;
  readonly policy: ResolvedPolicy;
  readonly reference: ReferenceData;
  readonly history: HistoryView;
  readonly asOf: IsoDate;
  readonly memo = new ClaimMemo();
  readonly #run: ClaimRun;

  constructor(run: ClaimRun, options: RunOptions) {
    this.policy = options.policy;
    this.reference = options.reference;
    this.history = options.history;
    this.asOf = options.asOf;
    this.#run = run;
  }

  report(descriptor: ReportDescriptor): void {
    this.#run.report(descriptor);
  }
}

/** A claim state's sessions and whole-claim encounter, made when a rule first asks, with their family masks. */
class ClaimView {
  readonly claim: Claim;
  readonly #freeze: boolean;
  #sessions: Encounter[] | null = null;
  /** The families of the only session (most claims), or of each session. */
  sessionMask = 0;
  sessionMasks: number[] | null = null;
  #whole: Encounter | null = null;
  wholeMask = 0;

  constructor(claim: Claim, freeze: boolean) {
    this.claim = claim;
    this.#freeze = freeze;
  }

  sessions(): Encounter[] {
    let sessions = this.#sessions;
    if (sessions === null) {
      sessions = sessionsOf(this.claim);
      if (this.#freeze) deepFreeze(sessions);
      this.#sessions = sessions;
      if (sessions.length === 1) this.sessionMask = linesFamilyMask(sessions[0]!.lines);
      else this.sessionMasks = sessions.map((session) => linesFamilyMask(session.lines));
    }
    return sessions;
  }

  /** The whole claim as one encounter: a claim of one session is given that session (same claim, date and lines). */
  whole(): Encounter {
    let whole = this.#whole;
    if (whole === null) {
      const sessions = this.sessions();
      if (sessions.length === 1) {
        whole = sessions[0]!;
        this.wholeMask = this.sessionMask;
      } else {
        const claim = this.claim;
        const first = claim.lines[0];
        whole = { claim, serviceDate: first?.serviceDate ?? '', renderingNpi: first?.renderingNpi ?? claim.renderingNpi, lines: claim.lines };
        if (this.#freeze) deepFreeze(whole);
        this.wholeMask = linesFamilyMask(whole.lines);
      }
      this.#whole = whole;
    }
    return whole;
  }
}

/**
 * One pass over run.claim: every main rule in order, then (when they changed nothing) the post-phase rules; with
 * `fixing`, each rule's safe fixes are applied before the next rule runs. Returns the pass's findings; leaves the
 * claim after it in run.claim and whether it changed in run.changed.
 */
function runPass(run: ClaimRun, prepared: PreparedRules, fixing: boolean): Finding[] {
  const start = run.claim;
  let view = new ClaimView(start, run.freeze);
  run.findings = null;
  run.consumed = null;
  const main = prepared.main;
  for (let r = 0; r < main.length; r++) {
    const next = runRule(main[r]!, view, run, fixing);
    if (next !== view.claim) view = new ClaimView(next, run.freeze);
  }
  const post = prepared.post;
  if (post.length !== 0 && view.claim === start) {
    // The consumed findings were all reported on this claim state: the post-phase rules decide from them.
    run.context.findings = run.consumed ?? NO_CONSUMED;
    for (let r = 0; r < post.length; r++) {
      const next = runRule(post[r]!, view, run, fixing);
      if (next !== view.claim) view = new ClaimView(next, run.freeze);
    }
    run.context.findings = undefined;
  }
  run.consumed = null;
  run.claim = view.claim;
  run.changed = view.claim !== start;
  return run.findings ?? NO_FINDINGS;
}

/** Runs one rule on the encounters of `view` and takes its reports; returns the claim after its applied fixes. */
function runRule(active: ActiveRule, view: ClaimView, run: ClaimRun, fixing: boolean): Claim {
  const context = run.context;
  const check = active.check;
  run.reportCount = 0;
  run.currentRule = active.id;
  context.options = active.options;
  if (active.claimScope) {
    const whole = view.whole();
    if (mayApply(active.familyMask, view.wholeMask)) {
      run.currentEncounter = whole;
      check(whole, context);
    }
  } else {
    const sessions = view.sessions();
    if (sessions.length === 1) {
      if (mayApply(active.familyMask, view.sessionMask)) {
        run.currentEncounter = sessions[0]!;
        check(sessions[0]!, context);
      }
    } else {
      for (let i = 0; i < sessions.length; i++) {
        if (!mayApply(active.familyMask, view.sessionMasks![i]!)) continue;
        run.currentEncounter = sessions[i]!;
        check(sessions[i]!, context);
      }
    }
  }
  run.currentEncounter = null;
  if (run.reportCount === 0) return view.claim;
  return takeReports(active, view.claim, run, fixing);
}

/**
 * One rule's reports on `claim`: their findings, and (with `fixing`, for a fixable rule) the fixer's pass over their
 * fixes. Returns the claim after the applied fixes.
 */
function takeReports(active: ActiveRule, claim: Claim, run: ClaimRun, fixing: boolean): Claim {
  const count = run.reportCount;
  const descriptors = run.descriptors!;
  const encounters = run.encounters!;
  const findings: Finding[] = new Array<Finding>(count);
  for (let i = 0; i < count; i++) {
    const descriptor = descriptors[i]!;
    if (descriptor.fix !== undefined && !active.fixable) throw new RuleContractError(active.id, 'reported a fix but meta.fixable is not set');
    const finding = makeFinding(claim, encounters[i]!, active, descriptor);
    const suggestions = descriptor.suggestions;
    if (suggestions !== undefined && suggestions.length !== 0) {
      if (!active.hasSuggestions) throw new RuleContractError(active.id, 'reported a suggestion but meta.hasSuggestions is not set');
      finding.suggestions = suggestions.map((suggestion) => suggestedFix(claim, suggestion, finding, run.environment));
    }
    findings[i] = finding;
  }
  run.reportCount = 0;

  const before = run.findings === null ? 0 : run.findings.length;
  let next = claim;
  if (fixing && active.fixable) {
    run.findings ??= [];
    run.applied ??= [];
    next = applyFixes(claim, findings, run.environment, run.findings, run.applied);
    if (run.applied.length === 0) run.applied = null;
    if (next !== claim) {
      if (run.freeze) deepFreeze(next);
      // Answers about the claim state before the fixes no longer hold.
      run.context.memo.clear();
    }
  } else {
    for (let i = 0; i < count; i++) run.addFinding(findings[i]!);
  }
  if (active.consumed && run.findings !== null) {
    const meta = active.rule.meta;
    for (let i = before; i < run.findings.length; i++) (run.consumed ??= []).push({ finding: run.findings[i]!, meta });
  }
  return next;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
