/**
 * Normalization: the facts a rule reads from a line (family, region, role, sides, levels, imaging), derived from
 * its code and modifiers through the reference tables. Readers leave UNNORMALIZED facts; the engine calls
 * normalizeClaim() before the rules and after every fix.
 */
import type { ReferenceData } from '../reference/types.js';
import type { Claim, LineFacts, ProcedureFamily, ServiceLine, Side } from './model.js';


const BOTH: readonly Side[] = Object.freeze(['left', 'right'] as Side[]);
const LEFT: readonly Side[] = Object.freeze(['left'] as Side[]);
const RIGHT: readonly Side[] = Object.freeze(['right'] as Side[]);
const NONE: readonly Side[] = Object.freeze([] as Side[]);

/** True for an HCPCS Level II drug code (J-code) the drug table does not know: still a drug line. */
function looksLikeDrug(code: string): boolean {
  return code.length === 5 && code.charCodeAt(0) === 74 /* J */;
}

/**
 * The families whose units count as levels (docs/rules/README.md, Terms: "Levels on a side"). Compared, not looked up in a Set:
 * rules ask this for every line (families are the tables' interned strings: each comparison is one pointer test).
 */
export function isSpineFamily(family: ProcedureFamily): boolean {
  return family === 'esi-interlaminar' || family === 'esi-transforaminal' || family === 'facet' || family === 'rfa';
}

/** 50 → both sides; RT → right; LT → left (RT and LT on one line → both); none → [] and sideUnknown. */
function sidesOf(modifiers: readonly string[]): readonly Side[] {
  let left = false;
  let right = false;
  for (let i = 0; i < modifiers.length; i++) {
    const modifier = modifiers[i];
    if (modifier === '50') return BOTH;
    if (modifier === 'RT') right = true;
    else if (modifier === 'LT') left = true;
  }
  if (left && right) return BOTH;
  if (left) return LEFT;
  if (right) return RIGHT;
  return NONE;
}

/** A fresh array per line (facts are plain data that fixes and rules may copy), as an array literal: fastest. */
function freshSides(sides: readonly Side[]): Side[] {
  if (sides === NONE) return [];
  if (sides === BOTH) return ['left', 'right'];
  return sides === LEFT ? ['left'] : ['right'];
}

export function normalizeLine(line: ServiceLine, reference: ReferenceData): LineFacts {
  const info = reference.procedure(line.procedure, line.serviceDate);
  const family: ProcedureFamily = info?.family ?? (looksLikeDrug(line.procedure) ? 'drug' : 'other');
  const sides = sidesOf(line.modifiers);
  return {
    family,
    region: info?.region ?? 'none',
    role: info?.role ?? 'none',
    sides: freshSides(sides),
    sideUnknown: sides.length === 0,
    levels: isSpineFamily(family) ? line.units : 0,
    includesImaging: info?.includesImaging ?? false,
  };
}

/** A copy of the claim whose lines carry fresh facts; the input claim and its lines are not changed. */
export function normalizeClaim(claim: Claim, reference: ReferenceData): Claim {
  const source = claim.lines;
  // Sized up front: an empty array grown by push gets room for 17 lines (~150 bytes more per claim).
  const lines: ServiceLine[] = new Array<ServiceLine>(source.length);
  const drugLast = claim.format === 'x12';
  for (let i = 0; i < source.length; i++) {
    const line = source[i]!;
    lines[i] = copyLine(line, normalizeLine(line, reference), drugLast);
  }
  return withLines(claim, lines);
}

/**
 * `{ ...claim, lines }`, for normalizeClaim and for the engine's copies of fixed claims made from the claim as read
 * (normalizeFixedClaim's `base`): a spread's shape follows the shape it copies, so copies of the readers' claims all
 * have the same few shapes; copies of copies came out in shapes of their own.
 */
function withLines(claim: Claim, lines: ServiceLine[]): Claim {
  return { ...claim, lines };
}

/**
 * A line with new facts, as `{ ...line, facts }` gives it (same values, keys in the readers' order), made by an
 * object literal when the line has none of the optional keys but `drug` (which the X12 reader adds after `facts`:
 * `drugLast`; the CSV reader puts it before `source`, so those lines are spread). Why a literal: every object literal with these keys in this order has
 * one shape, wherever it is made, so the claims the engine copies after a fix (normalizeFixedClaim) have the same
 * line shapes as the others. A spread's shape depends on what the spread has met: once fixes' copies came through,
 * their lines were given shapes of their own, and every rule reading lines then met a dozen shapes on every claim,
 * which slows the checks of every claim, changed or not.
 */
function copyLine(line: ServiceLine, facts: LineFacts, drugLast: boolean): ServiceLine {
  if (line.description !== undefined || line.placeOfService !== undefined || line.serviceDateEnd !== undefined || line.renderingNpi !== undefined) {
    return { ...line, facts };
  }
  const drug = line.drug;
  if (drug === undefined) {
    return {
      key: line.key,
      lineNumber: line.lineNumber,
      procedureQualifier: line.procedureQualifier,
      procedure: line.procedure,
      modifiers: line.modifiers,
      chargeCents: line.chargeCents,
      unitBasis: line.unitBasis,
      units: line.units,
      pointers: line.pointers,
      serviceDate: line.serviceDate,
      source: line.source,
      facts,
    };
  }
  // The CSV reader puts `drug` before `source`.
  if (!drugLast) return { ...line, facts };
  return {
    key: line.key,
    lineNumber: line.lineNumber,
    procedureQualifier: line.procedureQualifier,
    procedure: line.procedure,
    modifiers: line.modifiers,
    chargeCents: line.chargeCents,
    unitBasis: line.unitBasis,
    units: line.units,
    pointers: line.pointers,
    serviceDate: line.serviceDate,
    source: line.source,
    facts,
    drug,
  };
}

/**
 * copyLine for the engine's fixed claims (normalizeFixedClaim, patchedLine), written out a second time on purpose:
 * its property reads then meet the normalized lines' shapes only, and copyLine's the readers' only.
 */
function copyFixedLine(line: ServiceLine, facts: LineFacts, drugLast: boolean): ServiceLine {
  if (line.description !== undefined || line.placeOfService !== undefined || line.serviceDateEnd !== undefined || line.renderingNpi !== undefined) {
    return { ...line, facts };
  }
  const drug = line.drug;
  if (drug === undefined) {
    return {
      key: line.key,
      lineNumber: line.lineNumber,
      procedureQualifier: line.procedureQualifier,
      procedure: line.procedure,
      modifiers: line.modifiers,
      chargeCents: line.chargeCents,
      unitBasis: line.unitBasis,
      units: line.units,
      pointers: line.pointers,
      serviceDate: line.serviceDate,
      source: line.source,
      facts,
    };
  }
  // The CSV reader puts `drug` before `source`.
  if (!drugLast) return { ...line, facts };
  return {
    key: line.key,
    lineNumber: line.lineNumber,
    procedureQualifier: line.procedureQualifier,
    procedure: line.procedure,
    modifiers: line.modifiers,
    chargeCents: line.chargeCents,
    unitBasis: line.unitBasis,
    units: line.units,
    pointers: line.pointers,
    serviceDate: line.serviceDate,
    source: line.source,
    facts,
    drug,
  };
}

/**
 * normalizeClaim for a claim a fix made (the engine's applyFix). `base`, when given, is the claim the engine was
 * given, whose fields `claim` has but for lines, diagnoses and total: the copy is made from it (then takes
 * `claim`'s diagnoses and total), so that it has the shape normalizeClaim gives (see withLines).
 */
export function normalizeFixedClaim(claim: Claim, reference: ReferenceData, base?: Claim): Claim {
  const source = claim.lines;
  const lines: ServiceLine[] = new Array<ServiceLine>(source.length);
  const drugLast = claim.format === 'x12';
  for (let i = 0; i < source.length; i++) {
    const line = source[i]!;
    lines[i] = copyFixedLine(line, normalizeLine(line, reference), drugLast);
  }
  if (base === undefined) return { ...claim, lines };
  const copy = withLines(base, lines);
  copy.diagnoses = claim.diagnoses;
  copy.totalChargeCents = claim.totalChargeCents;
  return copy;
}

/**
 * `{ ...line, ...patch }` for a line of a normalized claim (the engine's fixes): the same keys in the same order and
 * the same values, made as copyFixedLine makes it (the normalized lines' shape) and then written. `drugLast`: as
 * for normalizeClaim (the claim's format is X12).
 */
export function patchedLine(line: ServiceLine, patch: Partial<ServiceLine>, drugLast: boolean): ServiceLine {
  const copy = copyFixedLine(line, line.facts, drugLast);
  Object.assign(copy, patch);
  return copy;
}
