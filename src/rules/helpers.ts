/**
 * Small helpers the rules share: reading a session the way the catalogue's terms say (junction sessions, sides,
 * levels, supporting diagnoses), and text for messages. Everything here reads the reference tables; nothing here
 * knows a code by heart.
 */
import type { Claim, Encounter, ProcedureFamily, Region, ServiceLine, Side } from '../encounter/model.js';
import { isSpineFamily } from '../encounter/normalize.js';
import type { DiagnosisInfo, DiagnosisSupport, ProcedureInfo, ReferenceData } from '../reference/types.js';
import { memoTable } from './memo.js';
import type { RuleContext } from './types.js';

/**
 * One bit per procedure family (RuleModule.families: skipping rules cheaply), model.ts's list, by a switch rather
 * than a Map look-up (asked for every line of every pass). A family not in the list gets every bit, so that nothing
 * is skipped wrongly.
 */
function familyBit(family: ProcedureFamily): number {
  switch (family) {
    case 'esi-interlaminar':
      return 1;
    case 'esi-transforaminal':
      return 2;
    case 'facet':
      return 4;
    case 'rfa':
      return 8;
    case 'imaging':
      return 16;
    case 'contrast':
      return 32;
    case 'drug':
      return 64;
    case 'local-anesthetic':
      return 128;
    case 'sedation':
      return 256;
    case 'anesthesia':
      return 512;
    case 'em':
      return 1024;
    case 'ultrasound-guided':
      return 2048;
    case 'other':
      return 4096;
    default:
      return -1;
  }
}

/** The mask of a rule's `families` (0: no precondition, always run). */
export function familyMask(families: readonly ProcedureFamily[] | undefined): number {
  let mask = 0;
  for (const family of families ?? []) mask |= familyBit(family);
  return mask;
}

/** The families present on some lines, as a mask comparable with familyMask(). */
export function linesFamilyMask(lines: readonly ServiceLine[]): number {
  let mask = 0;
  for (const line of lines) mask |= familyBit(line.facts.family);
  return mask;
}

/** False when a rule's `families` precondition (its familyMask) rules it out for lines with this mask. */
export function mayApply(ruleMask: number, linesMask: number): boolean {
  return ruleMask === 0 || (ruleMask & linesMask) !== 0;
}

/** `64483-RT-KX` */
export function lineLabel(line: ServiceLine): string {
  return line.modifiers.length ? `${line.procedure}-${line.modifiers.join('-')}` : line.procedure;
}

/** `64483-RT ×2` (units shown when not 1). */
export function lineWithUnits(line: ServiceLine): string {
  return line.units === 1 ? lineLabel(line) : `${lineLabel(line)} ×${line.units}`;
}

/** ESI (interlaminar, transforaminal), facet injection or RFA. */
export function isSpineLine(line: ServiceLine): boolean {
  return isSpineFamily(line.facts.family);
}

export function isEsiFamily(family: ProcedureFamily): boolean {
  return family === 'esi-interlaminar' || family === 'esi-transforaminal';
}

export function procedureInfo(reference: ReferenceData, line: ServiceLine): ProcedureInfo | undefined {
  return reference.procedure(line.procedure, line.serviceDate);
}

/** 59 or X{EPSU} on the line (reference list `distinct-modifiers`). */
export function hasDistinctModifier(line: ServiceLine, reference: ReferenceData): boolean {
  const modifiers = line.modifiers;
  for (let i = 0; i < modifiers.length; i++) if (reference.inList('distinct-modifiers', modifiers[i]!, line.serviceDate)) return true;
  return false;
}

/**
 * Junction sessions (docs/rules/facet/levels.md): an add-on whose allowed primaries include an alternative in the other
 * region, with that alternative present (64490 + 64494; 64633 + 64636), makes those primaries count in the
 * add-on's region — one lumbar session for levels, frequency and diagnosis region. Returns the line keys whose
 * region changes, with their effective region.
 */
export function junctionRegions(encounter: Encounter, reference: ReferenceData): Map<string, Region> {
  // Without an add-on there is no junction (most sessions): no lookup, one shared empty map. Treat it as read-only.
  if (!hasAddon(encounter.lines)) return NO_JUNCTIONS;
  return computeJunctionRegions(encounter, reference);
}

const NO_JUNCTIONS: Map<string, Region> = new Map();

function hasAddon(lines: readonly ServiceLine[]): boolean {
  for (let i = 0; i < lines.length; i++) if (lines[i]!.facts.role === 'addon') return true;
  return false;
}

/** Some line of the session has this code (sessions have a few lines: a scan beats building a map per session). */
function hasCode(lines: readonly ServiceLine[], code: string): boolean {
  for (let i = 0; i < lines.length; i++) if (lines[i]!.procedure === code) return true;
  return false;
}

/** Each code has a line in the session. */
function hasEveryCode(lines: readonly ServiceLine[], codes: readonly string[]): boolean {
  for (let i = 0; i < codes.length; i++) if (!hasCode(lines, codes[i]!)) return false;
  return true;
}

/** Some alternative other than `alternative` is present in `region`. */
function otherPresentInRegion(lines: readonly ServiceLine[], alternatives: readonly (readonly string[])[], alternative: readonly string[], region: Region): boolean {
  for (let i = 0; i < alternatives.length; i++) {
    const other = alternatives[i]!;
    if (other !== alternative && presentInRegion(lines, other, region)) return true;
  }
  return false;
}

/** Every line whose code is in `alternative` (its primaries) is of a definite region other than `region`. */
function primariesElsewhere(lines: readonly ServiceLine[], alternative: readonly string[], region: Region): boolean {
  for (let c = 0; c < alternative.length; c++) {
    const code = alternative[c]!;
    for (const line of lines) {
      if (line.procedure === code && (line.facts.region === region || line.facts.region === 'none')) return false;
    }
  }
  return true;
}

/** Each code of `alternative` is on a line of `region`. */
function presentInRegion(lines: readonly ServiceLine[], alternative: readonly string[], region: Region): boolean {
  for (let c = 0; c < alternative.length; c++) {
    const code = alternative[c]!;
    let found = false;
    for (const line of lines) {
      if (line.procedure === code && line.facts.region === region) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function computeJunctionRegions(encounter: Encounter, reference: ReferenceData): Map<string, Region> {
  const lines = encounter.lines;
  let result: Map<string, Region> | null = null;
  for (const line of lines) {
    if (line.facts.role !== 'addon') continue;
    const alternatives = procedureInfo(reference, line)?.allowedPrimaries;
    if (!alternatives) continue;
    const region = line.facts.region;
    // Indexed loops over the reference's lists: they are frozen, and for-of over a frozen array allocates an iterator.
    for (let a = 0; a < alternatives.length; a++) {
      const alternative = alternatives[a]!;
      if (!hasEveryCode(lines, alternative)) continue;
      if (!primariesElsewhere(lines, alternative, region)) continue;
      // Only when the session has no primary of the add-on's own region (then it is a real two-region session).
      if (otherPresentInRegion(lines, alternatives, alternative, region)) continue;
      // The primaries in the alternative's code order, each code's lines in claim order.
      result ??= new Map();
      for (const code of alternative) for (const primary of lines) if (primary.procedure === code) result.set(primary.key, region);
    }
  }
  return result ?? NO_JUNCTIONS;
}

/** A line's region in its session: its own, or the add-on's region in a junction session. */
export function effectiveRegion(line: ServiceLine, junctions: Map<string, Region>): Region {
  return junctions.get(line.key) ?? line.facts.region;
}

/** The other definite region. */
export function otherRegion(region: Region): Region {
  return region === 'cervical-thoracic' ? 'lumbar-sacral' : region === 'lumbar-sacral' ? 'cervical-thoracic' : 'none';
}

export function regionName(region: Region | DiagnosisInfo['region']): string {
  switch (region) {
    case 'cervical-thoracic':
      return 'cervical/thoracic';
    case 'lumbar-sacral':
      return 'lumbar/sacral';
    case 'ambiguous':
      return 'ambiguous site';
    default:
      return 'no region';
  }
}

/** The diagnosis support classes that support a spine family (docs/rules/dx/not-supporting.md). */
export function supportingClasses(family: ProcedureFamily): readonly DiagnosisSupport[] {
  if (isEsiFamily(family)) return ESI_SUPPORT;
  if (family === 'facet' || family === 'rfa') return FACET_SUPPORT;
  return [];
}
const ESI_SUPPORT: readonly DiagnosisSupport[] = ['radicular', 'esi-other'];
const FACET_SUPPORT: readonly DiagnosisSupport[] = ['axial'];

/** The support class that means "the other family" for a spine family. */
export function opposingClasses(family: ProcedureFamily): readonly DiagnosisSupport[] {
  if (isEsiFamily(family)) return FACET_SUPPORT;
  if (family === 'facet' || family === 'rfa') return RADICULAR;
  return [];
}
const RADICULAR: readonly DiagnosisSupport[] = ['radicular'];

export interface PointedDiagnosis {
  /** 1-based position in claim.diagnoses. */
  index: number;
  code: string;
  icd9: boolean;
  /** Undefined when the table does not know it (or it is ICD-9). */
  info: DiagnosisInfo | undefined;
}

/**
 * The valid pointers of a line, resolved to diagnoses (pointers past the list are skipped: claim/pointer-invalid).
 * Several diagnosis rules ask for the same line: remembered for the claim state (context.memo). Read-only.
 */
export function pointedDiagnoses(line: ServiceLine, claim: Claim, context: Pick<RuleContext, 'reference' | 'memo'>): PointedDiagnosis[] {
  return context.memo.get(POINTED, line) ?? context.memo.set(POINTED, line, computePointedDiagnoses(line, claim, context.reference));
}

const POINTED = memoTable<ServiceLine, PointedDiagnosis[]>('pointed diagnoses');

function computePointedDiagnoses(line: ServiceLine, claim: Claim, reference: ReferenceData): PointedDiagnosis[] {
  const pointers = line.pointers;
  // Counted first, so that the list is made at its size (one grown by push has room for 17).
  let count = 0;
  for (let i = 0; i < pointers.length; i++) if (isNewPointer(pointers, i, claim)) count++;
  const out = new Array<PointedDiagnosis>(count);
  let n = 0;
  for (let i = 0; i < pointers.length; i++) {
    if (!isNewPointer(pointers, i, claim)) continue;
    const pointer = pointers[i]!;
    const diagnosis = claim.diagnoses[pointer - 1]!;
    out[n++] = { index: pointer, code: diagnosis.code, icd9: diagnosis.icd9, info: diagnosis.icd9 ? undefined : reference.diagnosis(diagnosis.code, line.serviceDate) };
  }
  return out;
}

/** pointers[i] points to a diagnosis of the claim, and no earlier pointer is the same. */
function isNewPointer(pointers: readonly number[], i: number, claim: Claim): boolean {
  const pointer = pointers[i]!;
  if (!claim.diagnoses[pointer - 1]) return false;
  for (let j = 0; j < i; j++) if (pointers[j] === pointer) return false;
  return true;
}

/** Every diagnosis of the claim, resolved for a line's date of service. */
export function claimDiagnoses(claim: Claim, serviceDate: string, reference: ReferenceData): PointedDiagnosis[] {
  return claim.diagnoses.map((diagnosis, i) => ({
    index: i + 1,
    code: diagnosis.code,
    icd9: diagnosis.icd9,
    info: diagnosis.icd9 ? undefined : reference.diagnosis(diagnosis.code, serviceDate),
  }));
}

/** `M54.16` when the table knows it, else the code as written. */
export function diagnosisLabel(diagnosis: PointedDiagnosis): string {
  return diagnosis.info?.display ?? diagnosis.code;
}

/** Sides a line's levels count toward: its sides, or both when unknown (docs/rules/esi/transforaminal-levels.md). */
export function countedSides(line: ServiceLine): readonly Side[] {
  return line.facts.sideUnknown ? BOTH : line.facts.sides;
}
const BOTH: readonly Side[] = ['left', 'right'];

/** Do two lines share a side (unknown sides overlap nothing: those are modifier/bilateral-ambiguous's). */
export function sidesOverlap(a: ServiceLine, b: ServiceLine): boolean {
  const sides = a.facts.sides;
  const others = b.facts.sides;
  for (let i = 0; i < sides.length; i++) if (others.includes(sides[i]!)) return true;
  return false;
}

/**
 * The add-on codes that take levels `fromLevel`… of a primary (level 1 is the primary itself), `count` levels:
 * 64483 from 2, 2 levels → [64484 ×2]; 64493 from 2, 2 → [64494 ×1, 64495 ×1]; 64493 from 3, 3 → [64495 ×1]
 * (a once-per-day add-on covers every further level). Undefined when the reference lacks a link.
 */
export function addonChain(
  reference: ReferenceData,
  primary: string,
  serviceDate: string,
  fromLevel: number,
  count: number,
): { code: string; units: number }[] | undefined {
  let code = reference.procedure(primary, serviceDate)?.nextLevelAddon;
  let level = 2;
  if (!code) return undefined;
  // Walk to the code that takes `fromLevel`.
  for (;;) {
    const info = reference.procedure(code, serviceDate);
    if (!info) return undefined;
    if (level >= fromLevel || info.oncePerDay || !info.nextLevelAddon) break;
    code = info.nextLevelAddon;
    level++;
  }
  const out: { code: string; units: number }[] = [];
  let left = count;
  while (left > 0 && code) {
    const info = reference.procedure(code, serviceDate);
    if (!info) return undefined;
    if (info.oncePerDay) {
      out.push({ code, units: 1 });
      break;
    }
    if (info.nextLevelAddon && left > 1) {
      out.push({ code, units: 1 });
      left -= 1;
      code = info.nextLevelAddon;
      continue;
    }
    out.push({ code, units: left });
    break;
  }
  return out;
}
