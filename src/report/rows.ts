/**
 * Turns one claim's outcome (the engine's ClaimResult, plus any file-level problem that holds the claim) into
 * exception rows, in a fixed order, so the same inputs always give the same report bytes.
 */
import type { Claim, ServiceLine, SourceLocation } from '../encounter/model.js';
import { READ_PROBLEM_RULE_ID } from '../rules/ids.js';
import type { AppliedFix, ClaimResult, Finding, FindingAction, Severity } from '../rules/types.js';
import { publicSourceOf } from './rule-guide.js';
import type { ClaimOutcome, ExceptionRow } from './types.js';

export type HoldOn = 'error' | 'warning';

/** A problem that is not a rule finding but holds the claim (a read problem, a broken envelope). */
export interface HoldingProblem {
  code: string;
  message: string;
  location?: SourceLocation;
  /** Where the problem comes from, for the `source` column. */
  source: string;
}

const ACTION_ORDER: Record<FindingAction, number> = { corrected: 0, held: 1, flagged: 2, noted: 3 };

/** What happens to an open finding of this severity (README "Outputs": error → held, warning → flagged, info → noted). */
export function actionOf(severity: Severity, holdOn: HoldOn): FindingAction {
  if (severity === 'error') return 'held';
  if (severity === 'warning') return holdOn === 'warning' ? 'held' : 'flagged';
  return 'noted';
}

/** `segment 42 (SV1)` / `line 7`: where in the input a finding points. */
export function describeLocation(source: SourceLocation | undefined): string | null {
  if (!source) return null;
  if (source.segment !== undefined) return `segment ${source.segment}${source.tag ? ` (${source.tag})` : ''}`;
  if (source.csvLine !== undefined) return `line ${source.csvLine}`;
  if (source.byteOffset !== undefined) return `byte ${source.byteOffset}`;
  return null;
}

export function memberIdOf(claim: Claim): string | null {
  return claim.patient.memberId ?? claim.subscriber.memberId ?? null;
}

/** A date as the report carries it: an ISO date, or null (a reader leaves an unreadable date as it found it). */
export function isoDateOrNull(value: string | undefined | null): string | null {
  return value !== undefined && value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
}

/** The date of service of a claim: its first line's (claim-level findings use it). */
function claimServiceDate(claim: Claim): string | null {
  return isoDateOrNull(claim.lines[0]?.serviceDate);
}

/** A claim's read problems come from the engine under one rule id; the report shows each under its own code. */
function reportedRuleId(finding: Finding): string {
  return finding.ruleId === READ_PROBLEM_RULE_ID && finding.messageId ? finding.messageId : finding.ruleId;
}

function lineOf(claim: Claim, lineKey: string | undefined): ServiceLine | undefined {
  if (lineKey === undefined) return undefined;
  return claim.lines.find((line) => line.key === lineKey);
}

function sourceOfLine(claim: Claim, lineKey: string | undefined): SourceLocation | undefined {
  return lineOf(claim, lineKey)?.source;
}

/** The line a row is about: as written, else as read (a line a fix removed); undefined for a claim-level row. */
function rowLine(context: RowContext, lineKey: string | undefined): ServiceLine | undefined {
  return lineOf(context.final, lineKey) ?? lineOf(context.original, lineKey);
}

/**
 * The `source` of a rule's row: its doc page and public sources (rule-guide.ts), computed once per rule and
 * citation (a test rule may reuse an id with another citation). Looked up by the strings themselves: no key is
 * built per row.
 */
const publicSources = new Map<string, Map<string, string>>();
function publicSource(ruleId: string, citation: string): string {
  let byCitation = publicSources.get(ruleId);
  if (byCitation === undefined) {
    if (publicSources.size >= 512) publicSources.clear();
    byCitation = new Map();
    publicSources.set(ruleId, byCitation);
  }
  let source = byCitation.get(citation);
  if (source === undefined) {
    source = publicSourceOf(ruleId, citation);
    byCitation.set(citation, source);
  }
  return source;
}

interface RowContext {
  file: string;
  /** The claim as read (for locations of lines a fix removed). */
  original: Claim;
  /** The claim as written. */
  final: Claim;
  memberId: string | null;
  /** The claim's rendering NPI (else its first line's that has one). */
  renderingNpi: string | null;
  status: 'ready' | 'held';
  payerClass: string | null;
  profile: string | null;
}

function rowOfFinding(finding: Finding, context: RowContext, holdOn: HoldOn): ExceptionRow {
  const suggested = finding.suggestions;
  const source =
    finding.location.source ??
    sourceOfLine(context.final, finding.location.lineKey) ??
    sourceOfLine(context.original, finding.location.lineKey) ??
    (finding.location.lineKey === undefined ? context.original.source : undefined);
  const line = rowLine(context, finding.location.lineKey);
  const ruleId = reportedRuleId(finding);
  return {
    file: context.file,
    claimId: finding.location.claimId || context.final.claimId,
    memberId: context.memberId,
    serviceDate: isoDateOrNull(finding.serviceDate) ?? claimServiceDate(context.final),
    line: finding.location.lineNumber ?? null,
    procedure: finding.procedure ?? null,
    chargeCents: line ? line.chargeCents : null,
    renderingNpi: line?.renderingNpi ?? context.renderingNpi,
    ruleId,
    severity: finding.severity,
    // A suggestion holds its claim whatever the severity, and shows the change it proposes.
    action: suggested === undefined ? actionOf(finding.severity, holdOn) : 'held',
    status: context.status,
    message: finding.message,
    before: suggested === undefined ? (finding.actual ?? null) : [...new Set(suggested.map((suggestion) => suggestion.before))].join(' or '),
    after: suggested === undefined ? (finding.expected && finding.expected.length > 0 ? finding.expected.join(' or ') : null) : suggested.map((suggestion) => suggestion.after).join(' or '),
    source: ruleId === finding.ruleId ? publicSource(ruleId, finding.source) : finding.source,
    location: describeLocation(source),
    payerClass: context.payerClass,
    profile: context.profile,
  };
}

function rowOfFix(fix: AppliedFix, context: RowContext): ExceptionRow {
  const source =
    fix.location.source ??
    sourceOfLine(context.original, fix.location.lineKey) ??
    (fix.location.lineKey === undefined ? context.original.source : undefined);
  const line = rowLine(context, fix.location.lineKey);
  return {
    file: context.file,
    claimId: fix.location.claimId || context.final.claimId,
    memberId: context.memberId,
    serviceDate: isoDateOrNull(fix.serviceDate) ?? claimServiceDate(context.final),
    line: fix.location.lineNumber ?? null,
    procedure: fix.procedure ?? null,
    chargeCents: line ? line.chargeCents : null,
    renderingNpi: line?.renderingNpi ?? context.renderingNpi,
    ruleId: fix.ruleId,
    severity: fix.severity,
    action: 'corrected',
    status: context.status,
    message: fix.message,
    before: fix.before,
    after: fix.after,
    source: publicSource(fix.ruleId, fix.source),
    location: describeLocation(source),
    payerClass: context.payerClass,
    profile: context.profile,
  };
}

function rowOfProblem(problem: HoldingProblem, context: RowContext): ExceptionRow {
  return {
    file: context.file,
    claimId: context.final.claimId,
    memberId: context.memberId,
    serviceDate: claimServiceDate(context.final),
    line: null,
    procedure: null,
    chargeCents: null,
    renderingNpi: context.renderingNpi,
    ruleId: problem.code,
    severity: 'error',
    action: 'held',
    status: context.status,
    message: problem.message,
    before: null,
    after: null,
    source: problem.source,
    location: describeLocation(problem.location ?? context.original.source),
    payerClass: context.payerClass,
    profile: context.profile,
  };
}

function compareText(a: string | null, b: string | null): number {
  const left = a ?? '';
  const right = b ?? '';
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Claim-level rows first, then by line; within a line by rule id, action, message, before, after. */
export function compareRowsOfClaim(a: ExceptionRow, b: ExceptionRow): number {
  return (
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.ruleId, b.ruleId) ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    compareText(a.message, b.message) ||
    compareText(a.before, b.before) ||
    compareText(a.after, b.after) ||
    compareText(a.location, b.location)
  );
}

/** Distinct service lines that applied fixes changed, removed or added. */
export function correctedLinesOf(result: ClaimResult): number {
  if (result.applied.length === 0) return 0;
  const keys = new Set<string>();
  for (const fix of result.applied) {
    for (const change of fix.changes) {
      if ('line' in change) keys.add(change.line);
      else if (change.op === 'add-line') keys.add(`${change.from}+added:${change.after}`);
    }
  }
  return keys.size;
}

export interface ClaimRows {
  rows: ExceptionRow[];
  outcome: ClaimOutcome;
}

/**
 * The rows of one claim and its outcome. `fate` is the claim's final fate (a broken envelope holds a claim the
 * engine would release); `problems` are the file- and read-level problems that hold it.
 */
export function rowsOfClaim(
  file: string,
  original: Claim,
  result: ClaimResult,
  fate: 'ready' | 'held',
  problems: readonly HoldingProblem[],
  holdOn: HoldOn,
): ClaimRows {
  const final = result.claim;
  const memberId = memberIdOf(final) ?? memberIdOf(original);
  const payerClass = result.judgedBy?.payerClass ?? null;
  const profile = result.judgedBy?.profile ?? null;
  // The claim's rendering NPI, else the first line's that has one; its charges; its first and last dates.
  let renderingNpi = final.renderingNpi ?? null;
  let lookAtLines = renderingNpi === null;
  let chargeCents = 0;
  let firstDate: string | null = null;
  let lastDate: string | null = null;
  for (const line of final.lines) {
    chargeCents += line.chargeCents;
    if (lookAtLines && line.renderingNpi) {
      renderingNpi = line.renderingNpi;
      lookAtLines = false;
    }
    const date = line.serviceDate;
    if (date !== undefined && date !== null) {
      if (firstDate === null || date < firstDate) firstDate = date;
      if (lastDate === null || date > lastDate) lastDate = date;
    }
  }
  const rows: ExceptionRow[] = [];
  const reasons: ClaimOutcome['reasons'] = [];
  let corrected = 0;
  // Most claims have no row: no row context, no sort.
  if (result.applied.length !== 0 || result.findings.length !== 0 || problems.length !== 0) {
    const context: RowContext = { file, original, final, memberId, renderingNpi, status: fate, payerClass, profile };
    for (const fix of result.applied) rows.push(rowOfFix(fix, context));
    for (const finding of result.findings) rows.push(rowOfFinding(finding, context, holdOn));
    for (const problem of problems) rows.push(rowOfProblem(problem, context));
    rows.sort(compareRowsOfClaim);
    for (const row of rows) {
      if (row.action === 'corrected') corrected += 1;
      else reasons.push({ ruleId: row.ruleId, severity: row.severity, action: row.action, line: row.line, procedure: row.procedure, message: row.message });
    }
  }
  const outcome: ClaimOutcome = {
    file,
    claimId: final.claimId,
    memberId,
    serviceDate: isoDateOrNull(firstDate),
    lastServiceDate: isoDateOrNull(lastDate),
    renderingNpi,
    payerId: final.payerId ?? original.payerId ?? null,
    payerName: final.payerName ?? original.payerName ?? null,
    chargeCents,
    fate,
    payerClass,
    profile,
    reasons,
    corrected,
  };
  return { rows, outcome };
}