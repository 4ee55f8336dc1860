/**
 * The fixer, as ESLint's source-code-fixer: applies the non-overlapping fixes of one rule's findings to a claim,
 * in report order (a later overlapping fix stays a finding until the next pass), and records the before/after text
 * of every applied fix and every suggestion. A fix is data (a list of Changes); applying one makes a new claim,
 * never a mutation.
 */
import type { Claim, Diagnosis, ServiceLine } from '../../encounter/model.js';
import { normalizeFixedClaim, patchedLine } from '../../encounter/normalize.js';
import { formatCents } from '../../encounter/money.js';
import type { ReferenceData } from '../../reference/types.js';
import { RuleContractError } from '../errors.js';
import type { AppliedFix, Change, Finding, Fix, SuggestedFix, Suggestion } from '../types.js';

/** How many passes a claim gets while fixes still change it (ESLint's MAX_AUTOFIX_PASSES). */
export const DEFAULT_MAX_PASSES = 10;

/** An applied fix before the claim is final: its line number then is kept for a line the final claim lacks. */
export interface PendingApplied extends AppliedFix {
  numberWhenApplied?: number;
}

/** What applying fixes needs beside the claim: the reference tables and the claim given to the engine. */
export interface FixEnvironment {
  reference: ReferenceData;
  /** The claim the engine was given (normalizeFixedClaim copies the claim-level fields from it). */
  input: Claim;
}

/**
 * Applies, in order, the fixes of `findings` (one rule's, all reported on `start`) that overlap no fix applied
 * before them. Each applied fix adds its record to `applied`; every other finding stays open, added to `open`, as
 * does one whose fix changes nothing (it cannot resolve its finding). Returns the claim after the applied fixes.
 */
export function applyFixes(
  start: Claim,
  findings: readonly Finding[],
  environment: FixEnvironment,
  open: Finding[],
  applied: PendingApplied[],
): Claim {
  let claim = start;
  let touched: Set<string> | null = null;
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i]!;
    const fix = finding.fix;
    if (fix === undefined || fix.changes.length === 0) {
      open.push(finding);
      continue;
    }
    const { claims, conflicts } = touchedBy(fix);
    touched ??= new Set();
    if (overlaps(conflicts, touched)) {
      open.push(finding);
      continue;
    }
    for (const key of claims) touched.add(key);
    const next = applyFix(claim, fix, finding.ruleId, environment);
    if (sameContent(claim, next)) {
      open.push(finding);
      continue;
    }
    applied.push(appliedRecord(claim, next, fix, finding));
    claim = next;
  }
  return claim;
}

/** A suggestion with the before/after text its change would give on `claim` (the change is not applied). */
export function suggestedFix(claim: Claim, suggestion: Suggestion, finding: Finding, environment: FixEnvironment): SuggestedFix {
  const after = applyFix(claim, suggestion.fix, finding.ruleId, environment);
  const text = changeText(claim, after, suggestion.fix, finding.location.lineKey);
  return { ...suggestion, before: text.before, after: text.after };
}

/** Line numbers of applied fixes are those of the final claim; a line that no longer exists keeps its number at the time. */
export function finishApplied(record: PendingApplied, final: Claim): AppliedFix {
  const { numberWhenApplied, ...applied } = record;
  const key = applied.location.lineKey;
  if (key !== undefined) {
    const line = final.lines.find((l) => l.key === key);
    const lineNumber = line?.lineNumber ?? numberWhenApplied;
    if (lineNumber !== undefined) applied.location.lineNumber = lineNumber;
  }
  return applied;
}

// ---------------------------------------------------------------------------------------------------------------
// Overlap

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

// ---------------------------------------------------------------------------------------------------------------
// Applying a fix: a new claim (lines copied on write), derived values recomputed, re-normalized.

function applyFix(claim: Claim, fix: Fix, ruleId: string, environment: FixEnvironment): Claim {
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
        // A line keeps its per-unit charge (docs/rules/README.md "Charges").
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
  // The claim total follows the lines whenever a charge changes (docs/rules/README.md "Charges"); otherwise it
  // stays as it was (a mismatch in the input is claim/total-mismatch's to report), unless the fix sets it.
  const chargesChanged = fix.changes.some((change) => CHARGE_OPS.has(change.op));
  const totalChargeCents = chargesChanged ? lines.reduce((sum, line) => sum + line.chargeCents, 0) : totalSet ? total : claim.totalChargeCents;
  const next: Claim = { ...claim, lines, diagnoses, totalChargeCents };
  return normalizeFixedClaim(next, environment.reference, environment.input);
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
// Before/after text of what a fix changes.

/** `64483-RT ×2`, with pointers (as the diagnosis codes they point to, when `diagnoses` is given) or charge on request. */
export function lineText(line: ServiceLine, show: { pointers?: boolean; charge?: boolean; ndc?: boolean } = {}, diagnoses?: readonly Diagnosis[]): string {
  let text = line.procedure + (line.modifiers.length ? `-${line.modifiers.join('-')}` : '');
  if (line.units !== 1) text += ` ×${line.units}`;
  if (show.ndc) text += ` NDC ${line.drug?.ndc ?? '-'}`;
  if (show.pointers) text += ` ptr ${line.pointers.map((p) => (diagnoses ? (diagnoses[p - 1]?.code ?? `#${p}`) : String(p))).join(',') || '-'}`;
  if (show.charge) text += ` ${formatCents(line.chargeCents)}`;
  return text;
}

/**
 * The before/after text of a fix taking `before` to `after`, and the key of the line it is shown under (the
 * finding's line, else the first line it changes).
 */
function changeText(before: Claim, after: Claim, fix: Fix, ownKey: string | undefined): { before: string; after: string; firstKey: string | undefined } {
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
    else if (change.op === 'add-line') {
      keys.push(change.from);
      if (change.value.chargeCents !== undefined) charge = true;
    } else {
      keys.push(change.line);
      if (change.op === 'set-pointers') pointers = true;
      if (change.op === 'set-charge') charge = true;
      if (change.op === 'set-ndc') ndc = true;
    }
  }
  // The finding's own line is part of the picture even when the fix leaves it as is (duplicates removed around it).
  if (ownKey !== undefined && keys.length > 0 && !keys.includes(ownKey)) keys.unshift(ownKey);
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
  const removed = afterLines.length === 0 && beforeLines.length > 0 && !dx && !total;
  return { before: parts(before, beforeLines), after: removed ? '(removed)' : parts(after, afterLines) || '(removed)', firstKey: ownKey ?? keys[0] };
}

function appliedRecord(before: Claim, after: Claim, fix: Fix, finding: Finding): PendingApplied {
  const text = changeText(before, after, fix, finding.location.lineKey);
  const firstBefore = text.firstKey ? before.lines.find((line) => line.key === text.firstKey) : undefined;
  const record: PendingApplied = {
    ruleId: finding.ruleId,
    source: finding.source,
    severity: finding.severity,
    message: finding.message,
    location: { ...finding.location },
    before: text.before,
    after: text.after,
    changes: fix.changes,
  };
  if (finding.serviceDate !== undefined) record.serviceDate = finding.serviceDate;
  if (finding.procedure !== undefined) record.procedure = finding.procedure;
  if (firstBefore) {
    record.location.lineKey = firstBefore.key;
    record.numberWhenApplied = firstBefore.lineNumber;
  }
  return record;
}
