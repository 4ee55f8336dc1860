/**
 * The rule engine (ESLint-style, ../shared/STYLE.md §1–2): runs the rules over one claim in rules.md's order,
 * stamps severity from the policy, applies the non-overlapping fixes of fixable 'safe' rules, re-runs until
 * nothing changes (bounded passes), and reports what the final check of the final claim finds.
 *
 * Contract errors (a rule bug, not a claim problem) throw `RuleContractError`: a fix from a rule without
 * `meta.fixable`, an unknown messageId, a change addressing a line that does not exist.
 */
import type { Claim, Diagnosis, Encounter, IsoDate, ReadProblem, ServiceLine } from '../encounter/model.js';
import { normalizeClaim, normalizeFixedClaim, patchedLine } from '../encounter/normalize.js';
import { sessionsOf } from '../encounter/sessions.js';
import { formatCents } from '../encounter/money.js';
import { familyMask, linesFamilyMask, mayApply } from './helpers.js';
import type { HistoryView } from '../history/view.js';
import type { ResolvedPolicy } from '../policy/types.js';
import type { ReferenceData } from '../reference/types.js';
import type {
  AppliedFix,
  Change,
  ClaimResult,
  Finding,
  Fix,
  ReportDescriptor,
  RuleContext,
  RuleModule,
  RulePhase,
  RuleReports,
  Severity,
} from './types.js';

/** rules.md "Order": claim structure → diagnoses → recodes → removals → coverage limits → mue → history. */
export const PHASE_ORDER: readonly RulePhase[] = ['structure', 'diagnoses', 'recodes', 'removals', 'coverage', 'units', 'history', 'other'];

/** ESLint's MAX_AUTOFIX_PASSES. */
export const DEFAULT_MAX_PASSES = 10;

/** The rule id under which a claim's read problems (X12_*, CSV_*) are reported: always an error, so the claim is held. */
export const READ_PROBLEM_RULE_ID = 'input/read-problem';

export class RuleContractError extends Error {
  readonly ruleId: string;
  constructor(ruleId: string, message: string) {
    super(`Rule ${ruleId}: ${message}`);
    this.name = 'RuleContractError';
    this.ruleId = ruleId;
  }
}

export interface RunOptions {
  rules: readonly RuleModule<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
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
}

/** A rule made ready for one policy: severity and options resolved once. */
interface ActiveRule {
  rule: RuleModule<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** rule.meta.id and scope, read once: rule metas differ in shape, so reading them per claim is slow. */
  id: string;
  claimScope: boolean;
  /**
   * rule.check, read once. Loading `check` from the rule objects (of many shapes) at each call is a megamorphic
   * load, slower and allocating (~45 bytes a call, measured): the engine calls this copy as a plain function.
   */
  check: RuleModule<any, any>['check']; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** familyMask(rule.families): 0 when the rule runs on every encounter. */
  familyMask: number;
  severity: Severity;
  options: Record<string, unknown>;
  applyFixes: boolean;
  /**
   * A session-scope ⚑ rule: its reports per encounter are kept (RuleContext.ruleReports), for
   * coverage/liability-modifier, which runs the ⚑ rules too, and for the engine's own run of a rule it ran first.
   */
  sharesReports: boolean;
  /** ruleBit(rule) for a rule that shares its reports (0 otherwise). */
  bit: number;
}

const preparedCache = new WeakMap<readonly RuleModule<any, any>[], WeakMap<ResolvedPolicy, ActiveRule[]>>(); // eslint-disable-line @typescript-eslint/no-explicit-any

/** The rules active under a policy, in phase order (stable within a phase), cached per (rules, policy). */
export function activeRules(rules: readonly RuleModule<any, any>[], policy: ResolvedPolicy): ActiveRule[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  // Claim after claim asks for the same pair: answered without the two WeakMap lookups.
  if (rules === lastRules && policy === lastPolicy && lastActive) return lastActive;
  const active = preparedRules(rules, policy);
  lastRules = rules;
  lastPolicy = policy;
  lastActive = active;
  return active;
}

let lastRules: readonly RuleModule<any, any>[] | null = null; // eslint-disable-line @typescript-eslint/no-explicit-any
let lastPolicy: ResolvedPolicy | null = null;
let lastActive: ActiveRule[] | null = null;

function preparedRules(rules: readonly RuleModule<any, any>[], policy: ResolvedPolicy): ActiveRule[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  let byPolicy = preparedCache.get(rules);
  if (!byPolicy) {
    byPolicy = new WeakMap();
    preparedCache.set(rules, byPolicy);
  }
  const cached = byPolicy.get(policy);
  if (cached) return cached;
  const active: ActiveRule[] = [];
  for (const rule of rules) {
    const setting = policy.severities[rule.meta.id] ?? rule.meta.severity[policy.ruleDefaults];
    if (setting === 'off') continue;
    const defaults = (rule.defaultOptions ?? {}) as Record<string, unknown>;
    const overrides = policy.ruleOptions[rule.meta.id] ?? {};
    const claimScope = rule.meta.scope === 'claim';
    const sharesReports = rule.meta.coverageLimit === true && !claimScope;
    active.push({
      rule,
      id: rule.meta.id,
      claimScope,
      check: rule.check,
      familyMask: familyMask(rule.families),
      severity: setting,
      options: { ...defaults, ...overrides },
      applyFixes: rule.meta.fixable === 'safe',
      sharesReports,
      bit: sharesReports ? ruleBit(rule) : 0,
    });
  }
  const rank = (rule: RuleModule<any, any>) => PHASE_ORDER.indexOf(rule.meta.phase); // eslint-disable-line @typescript-eslint/no-explicit-any
  active.sort((a, b) => rank(a.rule) - rank(b.rule)); // Array#sort is stable: catalogue order within a phase
  byPolicy.set(policy, active);
  return active;
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
  const maxPasses = options.maxPasses ?? DEFAULT_MAX_PASSES;
  const rules = activeRules(options.rules, options.policy);
  let claim = normalizeClaim(input, options.reference);
  if (options.freeze) deepFreeze(claim);
  let findings: Finding[];
  // One pass state (rule context, report buffer) for the claim's passes. Per claim, not shared by every claim:
  // an old-generation object written with a pointer to each claim's young objects costs more than a new one.
  const state = newPassState(options);
  state.input = input;

  if (!options.fix) {
    findings = runPass(claim, rules, options, false, state);
  } else {
    let settled = false;
    findings = NO_FINDINGS;
    for (let pass = 0; pass < maxPasses; pass++) {
      const passFindings = runPass(claim, rules, options, true, state);
      claim = state.passClaim!;
      if (!state.passChanged) {
        findings = passFindings;
        settled = true;
        break;
      }
    }
    // Pass limit reached while fixes were still being applied: one final check, fixes not applied.
    if (!settled) findings = runPass(claim, rules, options, false, state);
  }
  const applied = state.applied;

  let open = findings;
  if (claim.readProblems.length !== 0) {
    const readFindings = claim.readProblems.map((problem: ReadProblem) => readProblemFinding(claim, problem));
    open = [...readFindings, ...findings];
  }
  const holdOnWarning = options.holdOn === 'warning';
  let held = false;
  for (let i = 0; i < open.length; i++) {
    const finding = open[i]!;
    if (finding.severity === 'error' || (holdOnWarning && finding.severity === 'warning')) {
      held = true;
      break;
    }
  }
  const changed = claim !== input && applied !== null;
  const final = claim;
  return {
    result: {
      claim: changed ? claim : input,
      changed,
      findings: open,
      applied: applied === null ? NO_APPLIED : applied.map((record) => finishApplied(record, final)),
      fate: held ? 'held' : 'ready',
    },
    normalized: claim,
  };
}

/**
 * RuleReports for one claim, kept small: most runs report nothing, so a run is a bit per (encounter, rule) and only
 * runs that reported something keep a list. Bits are given to rules at first sight (rule modules live as long as
 * the process; the ⚑ rules are a dozen); past 31 rules nothing more is kept (a run is then simply run again).
 * Encounters are made again after every fix and for every pass, so an entry never outlives the claim state it was
 * made on, and the whole record goes with the claim's pass state.
 */
class RuleRunsBase implements RuleReports {
  /** The first encounter asked about (a claim's only session, mostly) and its runs; then the others, if any. */
  private encounter: Encounter | null = null;
  private ran = 0;
  private reported: RunReports[] | null = null;
  private more: EncounterRuns[] | null = null;

  find(rule: RuleModule<any, any>, encounter: Encounter): readonly ReportDescriptor[] | undefined { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.findRun(ruleBit(rule), rule, encounter);
  }

  /** find() with the rule's bit known (the engine's own runs: ActiveRule.bit, not a look-up per run). */
  findRun(bit: number, rule: RuleModule<any, any>, encounter: Encounter): readonly ReportDescriptor[] | undefined { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (bit === 0) return undefined;
    let ran: number;
    let reported: RunReports[] | null;
    if (encounter === this.encounter) {
      ran = this.ran;
      reported = this.reported;
    } else {
      const runs = this.moreOf(encounter);
      if (runs === undefined) return undefined;
      ran = runs.ran;
      reported = runs.reported;
    }
    if ((ran & bit) === 0) return undefined;
    if (reported !== null) for (let i = 0; i < reported.length; i++) if (reported[i]!.rule === rule) return reported[i]!.reports;
    return NO_REPORTS;
  }

  remember(rule: RuleModule<any, any>, encounter: Encounter, reports: readonly ReportDescriptor[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    this.rememberRun(ruleBit(rule), rule, encounter, reports);
  }

  /** remember() with the rule's bit known. */
  rememberRun(bit: number, rule: RuleModule<any, any>, encounter: Encounter, reports: readonly ReportDescriptor[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (bit === 0) return;
    const kept: RunReports | null = reports.length === 0 ? null : { rule, reports };
    if (this.encounter === null || encounter === this.encounter) {
      this.encounter = encounter;
      this.ran |= bit;
      if (kept !== null) {
        if (this.reported === null) this.reported = [kept];
        else this.reported.push(kept);
      }
      return;
    }
    let runs = this.moreOf(encounter);
    if (runs === undefined) {
      runs = { encounter, ran: 0, reported: null };
      if (this.more === null) this.more = [runs];
      else this.more.push(runs);
    }
    runs.ran |= bit;
    if (kept !== null) {
      if (runs.reported === null) runs.reported = [kept];
      else runs.reported.push(kept);
    }
  }

  private moreOf(encounter: Encounter): EncounterRuns | undefined {
    const more = this.more;
    if (more !== null) for (let i = 0; i < more.length; i++) if (more[i]!.encounter === encounter) return more[i];
    return undefined;
  }
}

interface RunReports {
  rule: RuleModule<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  reports: readonly ReportDescriptor[];
}

interface EncounterRuns {
  encounter: Encounter;
  ran: number;
  reported: RunReports[] | null;
}

/** The bit of each rule module asked about, for the first 31 (later ones get none: 0, not kept). */
const ruleBits = new Map<RuleModule<any, any>, number>(); // eslint-disable-line @typescript-eslint/no-explicit-any

function ruleBit(rule: RuleModule<any, any>): number { // eslint-disable-line @typescript-eslint/no-explicit-any
  const bit = ruleBits.get(rule);
  if (bit !== undefined) return bit;
  if (ruleBits.size >= 31) return 0;
  const next = 1 << ruleBits.size;
  ruleBits.set(rule, next);
  return next;
}

/**
 * The rule context and report buffer of a claim's passes; also the claim's RuleRunsBase (context.ruleReports: the
 * reports of the ⚑ rules' runs on its encounters), one object rather than two per claim.
 */
class PassState extends RuleRunsBase {
  /** How many reports of the current rule are in the report buffer (reportDescriptors, reportEncounters). */
  reportCount = 0;
  /** The findings of the pass being run (made at its first finding) and, after runPass, its claim and whether it changed. */
  passFindings: Finding[] | null = null;
  passClaim: Claim | null = null;
  passChanged = false;
  /** The fixes applied to the claim, in order (made at the first). */
  applied: PendingApplied[] | null = null;
  /** The claim given to the engine (applyFix copies the claim-level fields from it). */
  input: Claim | null = null;
  currentEncounter: Encounter | null = null;
  currentRule = '';
  readonly context: RuleContext<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  constructor(options: RunOptions) {
    super();
    // The keys in the order of coverage/liability-modifier's own context (one shape of context for the rules).
    this.context = {
      options: {},
      policy: options.policy,
      reference: options.reference,
      history: options.history,
      asOf: options.asOf,
      report,
      ruleReports: this,
    };
  }
}

/**
 * The pass state whose pass is running: what every context's report() writes to. The engine checks one claim at a
 * time and no rule runs the engine, so one function serves every context (a closure per claim's context cost
 * ~110 bytes a claim).
 */
let reporting: PassState | null = null;

function report(descriptor: ReportDescriptor): void {
  const state = reporting;
  if (state === null || state.currentEncounter === null) throw new RuleContractError(state?.currentRule ?? '', 'report() called outside check()');
  addReport(state, descriptor, state.currentEncounter);
}

/**
 * The current rule's reports: descriptors and the encounters they were reported on, the first `reportCount` of each
 * (parallel arrays, not an object per report). One buffer for every claim (most claims report nothing: two arrays
 * made per claim were ~160 bytes a claim); emptied after each use (takeReports), so that it holds no claim's objects.
 */
const reportDescriptors: (ReportDescriptor | undefined)[] = new Array<ReportDescriptor | undefined>(16).fill(undefined);
const reportEncounters: (Encounter | undefined)[] = new Array<Encounter | undefined>(16).fill(undefined);

function newPassState(options: RunOptions): PassState {
  return new PassState(options);
}

function addReport(state: PassState, descriptor: ReportDescriptor, encounter: Encounter): void {
  const n = state.reportCount;
  if (n < reportDescriptors.length) {
    reportDescriptors[n] = descriptor;
    reportEncounters[n] = encounter;
  } else {
    reportDescriptors.push(descriptor);
    reportEncounters.push(encounter);
  }
  state.reportCount = n + 1;
}

/**
 * The findings of a claim without any, and the fixes of a claim without any: one frozen empty list each, not two
 * new ones per claim (ClaimResult's lists are read, never changed).
 */
const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];
const NO_APPLIED = Object.freeze([]) as unknown as AppliedFix[];

/** A run that reported nothing (shared: read-only). */
const NO_REPORTS: readonly ReportDescriptor[] = Object.freeze([]);

/**
 * Runs a session-scope ⚑ rule on an encounter through the claim's RuleRunsBase: what an earlier run of the rule on
 * this encounter reported (coverage/liability-modifier runs the history ⚑ rules before the engine does) is
 * reported again without running it; otherwise the rule runs and its reports are kept.
 */
function runSharing(active: ActiveRule, encounter: Encounter, state: PassState): void {
  const known = state.findRun(active.bit, active.rule, encounter);
  if (known !== undefined) {
    for (let i = 0; i < known.length; i++) addReport(state, known[i]!, encounter);
    return;
  }
  const start = state.reportCount;
  const check = active.check;
  check(encounter, state.context);
  state.rememberRun(active.bit, active.rule, encounter, state.reportCount > start ? (reportDescriptors.slice(start, state.reportCount) as ReportDescriptor[]) : NO_REPORTS);
}

interface PendingApplied extends AppliedFix {
  /** The line number the line had when the fix was applied (kept when the line is gone from the final claim). */
  numberWhenApplied?: number;
}

/**
 * One pass: every active rule in order; with `fixing`, each rule's safe fixes are applied (state.applied) before the
 * next rule runs.
 * Returns the pass's findings; its final claim and whether it changed are left in state.passClaim and passChanged.
 */
function runPass(
  start: Claim,
  rules: ActiveRule[],
  options: RunOptions,
  fixing: boolean,
  state: PassState,
): Finding[] {
  let claim = start;
  let sessions: Encounter[] | null = null;
  let whole: Encounter | null = null;
  // The families present per session and on the whole claim (for RuleModule.families), with the encounters.
  let sessionMask = 0;
  let sessionMasks: number[] | null = null;
  let wholeMask = 0;
  let changed = false;
  const context = state.context;
  state.passFindings = null;
  reporting = state;

  for (let r = 0; r < rules.length; r++) {
    const active = rules[r]!;
    state.reportCount = 0;
    state.currentRule = active.id;
    context.options = active.options;
    let current: Encounter[] | null = sessions;
    if (!current) {
      // Made before the first rule of either scope: a claim-scope rule on a claim of one session is given that session.
      current = sessionsOf(claim);
      if (options.freeze) deepFreeze(current);
      sessions = current;
      // Most claims are one session: its mask needs no array.
      if (current.length === 1) sessionMask = linesFamilyMask(current[0]!.lines);
      else sessionMasks = current.map((session) => linesFamilyMask(session.lines));
    }
    if (active.claimScope) {
      if (!whole) {
        if (current.length === 1) {
          // A claim of one session: that session is the whole claim (same claim, date, provider and lines array).
          whole = current[0]!;
          wholeMask = sessionMask;
        } else {
          whole = wholeClaimEncounter(claim);
          if (options.freeze) deepFreeze(whole);
          wholeMask = linesFamilyMask(whole.lines);
        }
      }
      if (mayApply(active.familyMask, wholeMask)) {
        state.currentEncounter = whole;
        const check = active.check;
        check(whole, context);
      }
    } else {
      if (current.length === 1) {
        if (mayApply(active.familyMask, sessionMask)) {
          const encounter = current[0]!;
          state.currentEncounter = encounter;
          if (active.sharesReports) {
            runSharing(active, encounter, state);
          } else {
            const check = active.check;
            check(encounter, context);
          }
        }
      } else {
        for (let i = 0; i < current.length; i++) {
          if (!mayApply(active.familyMask, sessionMasks![i]!)) continue;
          const encounter = current[i]!;
          state.currentEncounter = encounter;
          if (active.sharesReports) {
            runSharing(active, encounter, state);
          } else {
            const check = active.check;
            check(encounter, context);
          }
        }
      }
    }
    state.currentEncounter = null;
    if (state.reportCount === 0) continue;
    const next = takeReports(claim, active, state, fixing, options);
    if (next !== claim) {
      claim = next;
      changed = true;
      sessions = null;
      whole = null;
      sessionMasks = null;
    }
  }
  state.reportCount = 0;
  state.passClaim = claim;
  state.passChanged = changed;
  return state.passFindings ?? NO_FINDINGS;
}

/**
 * One rule's reports: findings, and (with `fixing`) its non-overlapping fixes applied in order; returns the claim
 * after them. A later overlapping fix stays a finding until the next pass. Kept out of runPass's rule loop: a
 * variable captured by a closure inside that loop made V8 allocate a context for every rule of every pass.
 */
function takeReports(
  start: Claim,
  active: ActiveRule,
  state: PassState,
  fixing: boolean,
  options: RunOptions,
): Claim {
  const { rule } = active;
  let claim = start;
  let touched: Set<string> | null = null;
  const count = state.reportCount;
  for (let i = 0; i < count; i++) {
    const descriptor = reportDescriptors[i]!;
    const encounter = reportEncounters[i]!;
    if (descriptor.fix && !rule.meta.fixable) {
      throw new RuleContractError(rule.meta.id, 'reported a fix but meta.fixable is not set');
    }
    const finding = makeFinding(start, encounter, active, descriptor);
    if (fixing && active.applyFixes && descriptor.fix && descriptor.fix.changes.length > 0) {
      const { claims, conflicts } = touchedBy(descriptor.fix);
      touched ??= new Set();
      if (!overlaps(conflicts, touched)) {
        for (const key of claims) touched.add(key);
        const next = applyFix(claim, descriptor.fix, rule.meta.id, options.reference, state.input!);
        if (sameContent(claim, next)) {
          // A fix that changes nothing cannot resolve its finding: it stays open (and cannot loop the passes).
          addFinding(state, finding);
          continue;
        }
        const record = appliedRecord(claim, next, descriptor.fix, finding);
        if (state.applied === null) state.applied = [record];
        else state.applied.push(record);
        claim = next;
        if (options.freeze) deepFreeze(claim);
        continue;
      }
    }
    addFinding(state, finding);
  }
  for (let i = 0; i < count; i++) {
    reportDescriptors[i] = undefined;
    reportEncounters[i] = undefined;
  }
  return claim;
}

/** The pass's findings list is made at its first finding, as a one-element literal (push would size it for 17). */
function addFinding(state: PassState, finding: Finding): void {
  const findings = state.passFindings;
  if (findings === null) state.passFindings = [finding];
  else findings.push(finding);
}

function overlaps(keys: readonly string[], touched: ReadonlySet<string>): boolean {
  for (let i = 0; i < keys.length; i++) if (touched.has(keys[i]!)) return true;
  return false;
}

/** Same lines (code, modifiers, units, charge, pointers, NDC), diagnoses and total: what a fix can change. */
function sameContent(a: Claim, b: Claim): boolean {
  if (a.totalChargeCents !== b.totalChargeCents || a.lines.length !== b.lines.length || a.diagnoses.length !== b.diagnoses.length) return false;
  for (let i = 0; i < a.diagnoses.length; i++) if (a.diagnoses[i]!.code !== b.diagnoses[i]!.code) return false;
  for (let i = 0; i < a.lines.length; i++) {
    const x = a.lines[i]!;
    const y = b.lines[i]!;
    if (
      x.key !== y.key ||
      x.procedure !== y.procedure ||
      x.units !== y.units ||
      x.chargeCents !== y.chargeCents ||
      x.drug?.ndc !== y.drug?.ndc ||
      x.modifiers.join() !== y.modifiers.join() ||
      x.pointers.join() !== y.pointers.join()
    ) {
      return false;
    }
  }
  return true;
}

function wholeClaimEncounter(claim: Claim): Encounter {
  const first = claim.lines[0];
  return { claim, serviceDate: first?.serviceDate ?? '', renderingNpi: first?.renderingNpi ?? claim.renderingNpi, lines: claim.lines };
}

function makeFinding(claim: Claim, encounter: Encounter, active: ActiveRule, descriptor: ReportDescriptor): Finding {
  const { rule } = active;
  const template = (rule.meta.messages as Record<string, string>)[descriptor.messageId];
  if (template === undefined) throw new RuleContractError(rule.meta.id, `unknown messageId '${descriptor.messageId}'`);
  const line = descriptor.line;
  const finding: Finding = {
    ruleId: rule.meta.id,
    source: rule.meta.docs.source,
    severity: active.severity,
    messageId: descriptor.messageId,
    message: interpolate(template, descriptor.data),
    // Built directly (no spread of a temporary object): the same keys, in the same order.
    location: line
      ? { file: claim.source.file, claimId: claim.claimId, lineNumber: line.lineNumber, lineKey: line.key, source: line.source }
      : { file: claim.source.file, claimId: claim.claimId, source: claim.source },
  };
  const serviceDate = line?.serviceDate ?? encounter.serviceDate;
  if (serviceDate) finding.serviceDate = serviceDate;
  if (line) finding.procedure = line.procedure;
  if (descriptor.actual !== undefined) finding.actual = descriptor.actual;
  if (descriptor.expected !== undefined) finding.expected = descriptor.expected;
  if (descriptor.fix !== undefined) finding.fix = descriptor.fix;
  if (descriptor.suggestions !== undefined) finding.suggestions = descriptor.suggestions;
  if (descriptor.cause !== undefined) finding.cause = descriptor.cause;
  if (rule.meta.docs.url !== undefined) finding.url = rule.meta.docs.url;
  return finding;
}

/** A message template cut at its placeholders: text, then (name, placeholder as written, text) triples. */
interface ParsedTemplate {
  head: string;
  names: string[];
  wholes: string[];
  tails: string[];
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const parsedTemplates = new Map<string, ParsedTemplate>();

/** Templates are few (the rules' messages): each is cut once, not searched with a regex per finding. */
function parseTemplate(template: string): ParsedTemplate {
  let parsed = parsedTemplates.get(template);
  if (parsed === undefined) {
    parsed = { head: '', names: [], wholes: [], tails: [] };
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      const text = template.slice(last, match.index);
      if (parsed.names.length === 0) parsed.head = text;
      else parsed.tails[parsed.tails.length - 1] = text;
      parsed.names.push(match[1]!);
      parsed.wholes.push(match[0]);
      parsed.tails.push('');
      last = match.index + match[0].length;
    }
    if (parsed.names.length === 0) parsed.head = template;
    else parsed.tails[parsed.tails.length - 1] = template.slice(last);
    if (parsedTemplates.size < 10_000) parsedTemplates.set(template, parsed);
  }
  return parsed;
}

/** `{{name}}` → data.name (ESLint's message placeholders); unknown placeholders are left as written. */
export function interpolate(template: string, data?: Record<string, string | number>): string {
  if (!data) return template;
  const { head, names, wholes, tails } = parseTemplate(template);
  let text = head;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    text += (name in data ? String(data[name]) : wholes[i]!) + tails[i]!;
  }
  return text;
}

function readProblemFinding(claim: Claim, problem: ReadProblem): Finding {
  return {
    ruleId: READ_PROBLEM_RULE_ID,
    source: 'input file',
    severity: 'error',
    messageId: problem.code,
    message: problem.message,
    location: { file: claim.source.file, claimId: claim.claimId, source: problem.location },
  };
}

/**
 * What a fix touches, for overlap: line keys and claim fields (`claims`), and what it must not meet (`conflicts`).
 * Pointers are positions into the diagnoses, so a fix that sets pointers and one that removes a diagnosis
 * (which shifts positions) cannot both be applied from the same state.
 */
function touchedBy(fix: Fix): { claims: string[]; conflicts: string[] } {
  const claims: string[] = [];
  const conflicts: string[] = [];
  const both = (key: string) => {
    claims.push(key);
    conflicts.push(key);
  };
  for (const change of fix.changes) {
    switch (change.op) {
      case 'add-line':
        both(`line:${change.from}`);
        both(`line:${change.after}`);
        break;
      case 'remove-diagnosis':
        both('diagnoses');
        conflicts.push('pointers', 'diagnosis-codes');
        break;
      case 'set-diagnosis':
        both(`diagnosis:${change.index}`);
        claims.push('diagnosis-codes');
        conflicts.push('diagnoses');
        break;
      case 'set-total':
        both('total');
        break;
      case 'set-pointers':
        both(`line:${change.line}`);
        claims.push('pointers');
        conflicts.push('diagnoses');
        break;
      default:
        both(`line:${change.line}`);
    }
  }
  return { claims, conflicts };
}

// ---------------------------------------------------------------------------------------------------------------
// Applying a fix: a new claim (lines copied on write), derived values recomputed, re-normalized.

/** `input`: the claim the engine was given (whose fields `claim` has, but for lines, diagnoses and total). */
function applyFix(claim: Claim, fix: Fix, ruleId: string, reference: ReferenceData, input: Claim): Claim {
  let lines = claim.lines.slice();
  let diagnoses: Diagnosis[] = claim.diagnoses;
  let total = claim.totalChargeCents;
  let totalSet = false;
  const originals = new Map(claim.lines.map((line) => [line.key, line] as const));
  const chargeSet = new Set<string>();
  const addedFrom = new Map<string, string[]>();
  const lastAddedAfter = new Map<string, string>();

  const indexOf = (key: string): number => {
    const index = lines.findIndex((line) => line.key === key);
    if (index < 0) throw new RuleContractError(ruleId, `a fix addresses line '${key}', which is not on claim ${claim.claimId}`);
    return index;
  };
  const drugLast = claim.format === 'x12';
  // Line copies through patchedLine (`{ ...line, ...patch }` in the normalized lines' shape: see normalize.ts).
  const update = (key: string, patch: Partial<ServiceLine>) => {
    const index = indexOf(key);
    lines[index] = patchedLine(lines[index] as ServiceLine, patch, drugLast);
  };

  for (const change of fix.changes) {
    switch (change.op) {
      case 'set-code':
        update(change.line, { procedure: change.value });
        break;
      case 'set-modifiers':
        update(change.line, { modifiers: change.value.slice(0, 4) });
        break;
      case 'set-pointers':
        update(change.line, { pointers: change.value.slice() });
        break;
      case 'set-ndc': {
        const line = lines[indexOf(change.line)] as ServiceLine;
        update(change.line, { drug: { ...line.drug, ndc: change.value } });
        break;
      }
      case 'set-charge':
        update(change.line, { chargeCents: change.value });
        chargeSet.add(change.line);
        break;
      case 'set-units': {
        // A line keeps its per-unit charge (rules.md "Charges").
        const line = lines[indexOf(change.line)] as ServiceLine;
        const chargeCents = chargeSet.has(change.line) ? line.chargeCents : perUnitCharge(line, change.value);
        update(change.line, { units: change.value, chargeCents });
        break;
      }
      case 'remove-line':
        lines.splice(indexOf(change.line), 1);
        break;
      case 'add-line': {
        const from = originals.get(change.from) ?? lines[indexOf(change.from)];
        if (!from) throw new RuleContractError(ruleId, `add-line copies unknown line '${change.from}'`);
        // Several add-lines after the same line keep their order: each goes after the previous one.
        const after = indexOf(lastAddedAfter.get(change.after) ?? change.after);
        const key = nextKey(change.from, lines, claim.lines);
        const units = change.value.units ?? from.units;
        const added = patchedLine(
          from,
          {
            ...change.value,
            key,
            units,
            modifiers: (change.value.modifiers ?? from.modifiers).slice(0, 4),
            pointers: (change.value.pointers ?? from.pointers).slice(),
            chargeCents: change.value.chargeCents ?? perUnitCharge(from, units),
          },
          drugLast,
        );
        lines.splice(after + 1, 0, added);
        lastAddedAfter.set(change.after, key);
        if (change.value.chargeCents === undefined) addedFrom.set(change.from, [...(addedFrom.get(change.from) ?? []), key]);
        break;
      }
      case 'remove-diagnosis': {
        const removed = change.index;
        if (removed < 1 || removed > diagnoses.length) throw new RuleContractError(ruleId, `remove-diagnosis ${removed} is out of range`);
        diagnoses = diagnoses.filter((_, i) => i !== removed - 1);
        lines = lines.map((line) => {
          if (!line.pointers.some((p) => p >= removed)) return line;
          const pointers: number[] = [];
          for (const p of line.pointers) {
            const mapped = p === removed ? 0 : p > removed ? p - 1 : p;
            if (mapped > 0 && !pointers.includes(mapped)) pointers.push(mapped);
          }
          return patchedLine(line, { pointers }, drugLast);
        });
        break;
      }
      case 'set-diagnosis': {
        const target = diagnoses[change.index - 1];
        if (!target) throw new RuleContractError(ruleId, `set-diagnosis ${change.index} is out of range`);
        diagnoses = diagnoses.map((d, i) => (i === change.index - 1 ? { ...d, code: change.value } : d));
        break;
      }
      case 'set-total':
        total = change.value;
        totalSet = true;
        break;
    }
  }

  // A line split into several (units moved to added lines) keeps the claim's money: the source line takes the remainder.
  for (const [fromKey, addedKeys] of addedFrom) {
    const original = originals.get(fromKey);
    const index = lines.findIndex((line) => line.key === fromKey);
    if (!original || index < 0 || chargeSet.has(fromKey)) continue;
    const source = lines[index] as ServiceLine;
    if (source.units + addedKeys.reduce((sum, key) => sum + (lines.find((l) => l.key === key)?.units ?? 0), 0) !== original.units) continue;
    const addedCharges = addedKeys.reduce((sum, key) => sum + (lines.find((l) => l.key === key)?.chargeCents ?? 0), 0);
    if (addedCharges <= original.chargeCents) lines[index] = patchedLine(source, { chargeCents: original.chargeCents - addedCharges }, drugLast);
  }

  lines = lines.map((line, i) => (line.lineNumber === i + 1 ? line : patchedLine(line, { lineNumber: i + 1 }, drugLast)));
  // The claim total follows the lines whenever a charge changes (rules.md "Charges"); otherwise it stays as it
  // was (a mismatch in the input is claim/total-mismatch's to report), unless the fix sets it.
  const chargesChanged = fix.changes.some((change) => CHARGE_OPS.has(change.op));
  const totalChargeCents = chargesChanged ? lines.reduce((sum, line) => sum + line.chargeCents, 0) : totalSet ? total : claim.totalChargeCents;
  const next: Claim = { ...claim, lines, diagnoses, totalChargeCents };
  return normalizeFixedClaim(next, reference, input);
}

const CHARGE_OPS: ReadonlySet<Change['op']> = new Set(['set-units', 'set-charge', 'remove-line', 'add-line']);

function perUnitCharge(line: ServiceLine, units: number): number {
  if (line.units <= 0) return line.chargeCents;
  return Math.round((line.chargeCents / line.units) * units);
}

function nextKey(from: string, lines: ServiceLine[], original: ServiceLine[]): string {
  const used = new Set([...lines, ...original].map((line) => line.key));
  let n = 1;
  while (used.has(`${from}+${n}`)) n++;
  return `${from}+${n}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Applied-fix records: before/after text of what changed.

/** `64483-RT ×2`, with pointers (as the diagnosis codes they point to, when `diagnoses` is given) or charge on request. */
export function lineText(line: ServiceLine, show: { pointers?: boolean; charge?: boolean; ndc?: boolean } = {}, diagnoses?: readonly Diagnosis[]): string {
  let text = line.procedure + (line.modifiers.length ? `-${line.modifiers.join('-')}` : '');
  if (line.units !== 1) text += ` ×${line.units}`;
  if (show.ndc) text += ` NDC ${line.drug?.ndc ?? '-'}`;
  if (show.pointers) text += ` ptr ${line.pointers.map((p) => (diagnoses ? (diagnoses[p - 1]?.code ?? `#${p}`) : String(p))).join(',') || '-'}`;
  if (show.charge) text += ` ${formatCents(line.chargeCents)}`;
  return text;
}

function appliedRecord(before: Claim, after: Claim, fix: Fix, finding: Finding): PendingApplied {
  const keys: string[] = [];
  let dx = false;
  let total = false;
  let pointers = false;
  let charge = false;
  let ndc = false;
  for (const change of fix.changes) {
    if (change.op === 'remove-diagnosis') dx = pointers = true;
    else if (change.op === 'set-diagnosis') dx = true;
    else if (change.op === 'set-total') total = true;
    else if (change.op === 'add-line') keys.push(change.from);
    else {
      keys.push(change.line);
      if (change.op === 'set-pointers') pointers = true;
      if (change.op === 'set-charge') charge = true;
      if (change.op === 'set-ndc') ndc = true;
    }
  }
  // The finding's own line is part of the picture even when the fix leaves it as is (duplicates removed around it).
  const own = finding.location.lineKey;
  if (own !== undefined && keys.length > 0 && !keys.includes(own)) keys.unshift(own);
  const keySet = new Set(keys);
  // Added lines (key "<from>+n") belong to their source line.
  const afterLines = after.lines.filter((line) => keySet.has(line.key) || (line.key.includes('+') && !before.lines.some((b) => b.key === line.key) && keySet.has(line.key.slice(0, line.key.lastIndexOf('+')))));
  const beforeLines = before.lines.filter((line) => keySet.has(line.key));
  const show = { pointers, charge, ndc };
  const parts = (claim: Claim, lines: ServiceLine[]) => {
    const out: string[] = [];
    if (dx) out.push(`dx ${claim.diagnoses.map((d) => d.code).join(', ')}`);
    // Pointers as positions (the golden exception reports of test/e2e rest on this text).
    if (lines.length) out.push(lines.map((line) => lineText(line, show)).join(', '));
    if (total) out.push(`total ${formatCents(claim.totalChargeCents)}`);
    return out.join('; ');
  };
  const firstKey = finding.location.lineKey ?? keys[0];
  const firstBefore = firstKey ? before.lines.find((line) => line.key === firstKey) : undefined;
  const record: PendingApplied = {
    ruleId: finding.ruleId,
    source: finding.source,
    severity: finding.severity,
    message: finding.message,
    location: { ...finding.location },
    before: parts(before, beforeLines),
    after: parts(after, afterLines) || '(removed)',
    changes: fix.changes,
  };
  if (afterLines.length === 0 && beforeLines.length > 0 && !dx && !total) record.after = '(removed)';
  if (finding.serviceDate !== undefined) record.serviceDate = finding.serviceDate;
  if (finding.procedure !== undefined) record.procedure = finding.procedure;
  if (firstBefore) {
    record.location.lineKey = firstBefore.key;
    record.numberWhenApplied = firstBefore.lineNumber;
  }
  return record;
}

/** Line numbers of applied fixes are those of the final claim; a line that no longer exists keeps its number at the time. */
function finishApplied(record: PendingApplied, final: Claim): AppliedFix {
  const { numberWhenApplied, ...applied } = record;
  const key = applied.location.lineKey;
  if (key !== undefined) {
    const line = final.lines.find((l) => l.key === key);
    const lineNumber = line?.lineNumber ?? numberWhenApplied;
    if (lineNumber !== undefined) applied.location.lineNumber = lineNumber;
  }
  return applied;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export type { Change };
