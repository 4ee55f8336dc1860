/**
 * The one model of a history line and claim (HistoryLine, HistoryClaim), and ClaimTable: the compact in-memory
 * form in which a run holds claims (its own, and the prior ones it has loaded) in typed arrays, so a gigabyte of
 * input fits in a fixed memory budget outside the JavaScript heap.
 */
import type { Claim, IsoDate, Region, Role, ServiceLine } from '../encounter/model.js';
import { historyFamilyOf, type HistoryFamily } from '../encounter/history-view.js';

/** ready: released; held: waiting for an analyst (a pending service); superseded: replaced or voided; void: a void (8). */
export type ClaimStatus = 'ready' | 'held' | 'superseded' | 'void';

export interface HistoryLine {
  serviceDate: IsoDate;
  lineNumber: number;
  procedure: string;
  /** In order, as billed. */
  modifiers: readonly string[];
  /** Bit 1 left, bit 2 right; 0 unknown. */
  sides: number;
  family: HistoryFamily;
  /** The session's region (junction sessions are lumbar-sacral). */
  region: Region;
  role: Role;
  units: number;
  kx: boolean;
  renderingNpi: string | null;
}

export interface HistoryClaim {
  claimId: string;
  billingNpi: string;
  frequency: string;
  payerClaimNumber: string | null;
  status: ClaimStatus;
  chargeCents: number;
  lines: HistoryLine[];
}

export const FAMILY_CODES: readonly HistoryFamily[] = ['esi', 'facet', 'rfa', 'em', 'other'];
export const REGION_CODES: readonly Region[] = ['none', 'cervical-thoracic', 'lumbar-sacral'];
export const ROLE_CODES: readonly Role[] = ['none', 'primary', 'addon'];
export const STATUS_CODES: readonly ClaimStatus[] = ['ready', 'held', 'superseded', 'void'];
export const LEFT = 1;
export const RIGHT = 2;

export function codeOf<T>(codes: readonly T[], value: T): number {
  const code = codes.indexOf(value);
  if (code < 0) throw new Error(`history: no code for ${String(value)}`);
  return code;
}

export function isLive(status: ClaimStatus): boolean {
  return status === 'ready' || status === 'held';
}

/**
 * The history form of a normalized claim (line facts filled by encounter/normalize.ts). A line without a readable
 * date cannot be placed and is left out. A void (8) is stored as `void` whatever its fate.
 */
export function toHistoryClaim(claim: Claim, fate: 'ready' | 'held'): HistoryClaim {
  const lines: HistoryLine[] = [];
  for (const line of claim.lines) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(line.serviceDate)) continue;
    let sides = 0;
    for (const side of line.facts.sides) sides |= side === 'left' ? LEFT : RIGHT;
    lines.push({
      serviceDate: line.serviceDate,
      lineNumber: line.lineNumber,
      procedure: line.procedure,
      modifiers: line.modifiers,
      sides,
      family: historyFamilyOf(line.facts.family),
      region: sessionRegionOf(claim, line),
      role: line.facts.role,
      units: line.units,
      kx: line.modifiers.includes('KX'),
      renderingNpi: line.renderingNpi ?? claim.renderingNpi ?? null,
    });
  }
  return {
    claimId: claim.claimId,
    billingNpi: claim.billingNpi ?? '',
    frequency: claim.frequencyCode,
    payerClaimNumber: claim.payerClaimNumber ?? null,
    status: claim.frequencyCode === '8' ? 'void' : fate,
    chargeCents: claim.totalChargeCents,
    lines,
  };
}

/**
 * The region a line counts in: its own, or lumbar-sacral for a line of a junction session (docs/rules/ Terms:
 * 64490 + 64494, or 64633 + 64636, is one lumbar session): a facet or RFA line whose session (same date and
 * rendering provider) has a cervical/thoracic primary of the family, a lumbar/sacral add-on and no lumbar primary.
 */
function sessionRegionOf(claim: Claim, line: ServiceLine): Region {
  const { family } = line.facts;
  if (family !== 'facet' && family !== 'rfa') return line.facts.region;
  const npi = line.renderingNpi ?? claim.renderingNpi ?? '';
  let ctPrimary = false;
  let lsAddon = false;
  let lsPrimary = false;
  for (const other of claim.lines) {
    if (other.facts.family !== family || other.serviceDate !== line.serviceDate || (other.renderingNpi ?? claim.renderingNpi ?? '') !== npi) continue;
    const { region, role } = other.facts;
    if (region === 'cervical-thoracic' && role === 'primary') ctPrimary = true;
    else if (region === 'lumbar-sacral' && role === 'addon') lsAddon = true;
    else if (region === 'lumbar-sacral' && role === 'primary') lsPrimary = true;
  }
  return ctPrimary && lsAddon && !lsPrimary ? 'lumbar-sacral' : line.facts.region;
}

/** Numbers for values: the same value, the same number; `values[n]` gives it back. */
class Interner<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<T, number>();

  id(value: T): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      // A string is copied: a slice of an input chunk would keep the whole chunk alive.
      const kept = (typeof value === 'string' ? JSON.parse(JSON.stringify(value)) : value) as T;
      this.values.push(kept);
      this.ids.set(kept, id);
    }
    return id;
  }
}

/** A growable Int32/Float64/Uint8/Uint16 column. */
type Column = Int32Array | Float64Array | Uint8Array | Uint16Array;

function grown<T extends Column>(column: T, length: number): T {
  if (length <= column.length) return column;
  const next = new (column.constructor as new (length: number) => T)(Math.max(length, Math.ceil(column.length * 1.5), 1024));
  next.set(column as never);
  return next;
}

/** Sides (2 bits), family (3), region (2), role (2), KX (1) of a line in one number. */
function packFacts(line: HistoryLine): number {
  return line.sides | (codeOf(FAMILY_CODES, line.family) << 2) | (codeOf(REGION_CODES, line.region) << 5) | (codeOf(ROLE_CODES, line.role) << 7) | (line.kx ? 512 : 0);
}

/**
 * Claims in typed arrays: per claim its patient, the previous claim of that patient (a chain per patient, newest
 * first), its file, status and row in the database (-1: not recorded); per line its values as numbers into interned
 * tables (dates, codes, modifiers, NPIs, units). Claim ids go into one byte arena. Append only; a claim's status
 * may change.
 */
export class ClaimTable {
  private claims = 0;
  private lines = 0;
  private patientOf = new Int32Array(0);
  private previous = new Int32Array(0);
  private fileOf = new Int32Array(0);
  private statusOf = new Uint8Array(0);
  private frequencyOf = new Uint8Array(0);
  private rowOf = new Float64Array(0);
  private chargeOf = new Float64Array(0);
  private billingOf = new Int32Array(0);
  private firstLine = new Int32Array(1);
  private idStart = new Int32Array(1);
  private ids = Buffer.alloc(0);
  private idBytes = 0;
  private readonly payerNumbers = new Map<number, string>();
  private lineDate = new Int32Array(0);
  private lineNumber = new Int32Array(0);
  private lineCode = new Int32Array(0);
  private lineModifiers = new Int32Array(0);
  private lineNpi = new Int32Array(0);
  private lineUnits = new Int32Array(0);
  private lineFacts = new Uint16Array(0);
  private readonly dates = new Interner<string>();
  private readonly strings = new Interner<string>();
  private readonly modifierLists = new Interner<string>();
  private readonly modifierArrays: (readonly string[])[] = [];
  private readonly units = new Interner<number>();
  private readonly frequencies = new Interner<string>();
  /** The newest claim of each patient (-1: none). */
  private heads = new Int32Array(0);

  get size(): number {
    return this.claims;
  }

  /** Bytes held by the table's arrays (what the run's memory budget counts), measured when an array grows. */
  get bytes(): number {
    const capacity = this.patientOf.length + this.lineDate.length + this.heads.length + this.ids.length;
    if (capacity !== this.measuredCapacity) {
      this.measuredCapacity = capacity;
      this.measuredBytes = this.measure();
    }
    return this.measuredBytes;
  }

  private measuredCapacity = -1;
  private measuredBytes = 0;

  private measure(): number {
    const columns = [this.patientOf, this.previous, this.fileOf, this.statusOf, this.frequencyOf, this.rowOf, this.chargeOf, this.billingOf, this.firstLine, this.idStart];
    const lineColumns = [this.lineDate, this.lineNumber, this.lineCode, this.lineModifiers, this.lineNpi, this.lineUnits, this.lineFacts, this.heads];
    let bytes = this.ids.length;
    for (const column of [...columns, ...lineColumns]) bytes += column.byteLength;
    return bytes;
  }

  /** Appends a claim of `patient` (-1: none, in no chain) from file number `file`; returns its index. */
  add(claim: HistoryClaim, patient: number, file: number, row: number): number {
    const index = this.claims++;
    const end = this.lines + claim.lines.length;
    this.ensureClaims(index + 1);
    this.ensureLines(end);
    this.patientOf[index] = patient;
    this.previous[index] = -1;
    if (patient >= 0) {
      this.heads = grown(this.heads, patient + 1);
      if (patient >= this.patients) {
        this.heads.fill(-1, this.patients, patient + 1);
        this.patients = patient + 1;
      }
      this.previous[index] = this.heads[patient]!;
      this.heads[patient] = index;
    }
    this.fileOf[index] = file;
    this.statusOf[index] = codeOf(STATUS_CODES, claim.status);
    this.frequencyOf[index] = this.frequencies.id(claim.frequency);
    this.rowOf[index] = row;
    this.chargeOf[index] = claim.chargeCents;
    this.billingOf[index] = this.strings.id(claim.billingNpi);
    if (claim.payerClaimNumber !== null) this.payerNumbers.set(index, JSON.parse(JSON.stringify(claim.payerClaimNumber)) as string);
    const idLength = Buffer.byteLength(claim.claimId);
    if (this.idBytes + idLength > this.ids.length) {
      const next = Buffer.alloc(Math.max(this.idBytes + idLength, Math.ceil(this.ids.length * 1.5), 64 * 1024));
      this.ids.copy(next, 0, 0, this.idBytes);
      this.ids = next;
    }
    this.idBytes += this.ids.write(claim.claimId, this.idBytes);
    this.idStart[index + 1] = this.idBytes;
    let at = this.lines;
    for (const line of claim.lines) {
      this.lineDate[at] = this.dates.id(line.serviceDate);
      this.lineNumber[at] = line.lineNumber;
      this.lineCode[at] = this.strings.id(line.procedure);
      const text = line.modifiers.join(',');
      const modifiers = this.modifierLists.id(text);
      if (modifiers === this.modifierArrays.length) this.modifierArrays.push(Object.freeze(text === '' ? [] : text.split(',')));
      this.lineModifiers[at] = modifiers;
      this.lineNpi[at] = line.renderingNpi === null ? -1 : this.strings.id(line.renderingNpi);
      this.lineUnits[at] = this.units.id(line.units);
      this.lineFacts[at] = packFacts(line);
      at++;
    }
    this.lines = end;
    this.firstLine[index + 1] = end;
    return index;
  }

  private patients = 0;

  /** Claims of a patient, newest first. */
  *claimsOf(patient: number): Generator<number> {
    if (patient >= this.patients) return;
    for (let claim = this.heads[patient]!; claim >= 0; claim = this.previous[claim]!) yield claim;
  }

  /** The newest claim of a patient (-1: none); `older` walks on (claimsOf without a generator, for hot loops). */
  newest(patient: number): number {
    return patient >= 0 && patient < this.patients ? this.heads[patient]! : -1;
  }

  older(claim: number): number {
    return this.previous[claim]!;
  }

  /** Ready or held. */
  live(claim: number): boolean {
    return this.statusOf[claim]! <= 1;
  }

  patient(claim: number): number {
    return this.patientOf[claim]!;
  }

  file(claim: number): number {
    return this.fileOf[claim]!;
  }

  status(claim: number): ClaimStatus {
    return STATUS_CODES[this.statusOf[claim]!]!;
  }

  setStatus(claim: number, status: ClaimStatus): void {
    this.statusOf[claim] = codeOf(STATUS_CODES, status);
  }

  /** The claim's row in the database (-1: not recorded yet). */
  row(claim: number): number {
    return this.rowOf[claim]!;
  }

  setRow(claim: number, row: number): void {
    this.rowOf[claim] = row;
  }

  claimId(claim: number): string {
    return this.ids.toString('utf8', this.idStart[claim]!, this.idStart[claim + 1]!);
  }

  billingNpi(claim: number): string {
    return this.strings.values[this.billingOf[claim]!]!;
  }

  frequency(claim: number): string {
    return this.frequencies.values[this.frequencyOf[claim]!]!;
  }

  payerClaimNumber(claim: number): string | null {
    return this.payerNumbers.get(claim) ?? null;
  }

  /** True when the claim has this billing NPI and claim id (an ASCII id is compared byte by byte, without a string). */
  hasKey(claim: number, billingNpi: string, claimId: string): boolean {
    if (this.billingNpi(claim) !== billingNpi) return false;
    const start = this.idStart[claim]!;
    const length = this.idStart[claim + 1]! - start;
    if (length === claimId.length) {
      let i = 0;
      for (; i < length; i++) {
        const code = claimId.charCodeAt(i);
        if (code > 127) break;
        if (this.ids[start + i] !== code) return false;
      }
      if (i === length) return true;
    }
    return length === Buffer.byteLength(claimId) && this.ids.toString('utf8', start, start + length) === claimId;
  }

  lineCount(claim: number): number {
    return this.firstLine[claim + 1]! - this.firstLine[claim]!;
  }

  /** The claim's line `seq` (0-based) as a HistoryLine. */
  line(claim: number, seq: number): HistoryLine {
    return this.lineAt(this.firstLine[claim]! + seq);
  }

  /** Position of the claim's first line; its lines are `lineCount` positions from there (the `…At` accessors). */
  lineStart(claim: number): number {
    return this.firstLine[claim]!;
  }

  lineDateAt(at: number): IsoDate {
    return this.dates.values[this.lineDate[at]!]!;
  }

  familyAt(at: number): HistoryFamily {
    return FAMILY_CODES[(this.lineFacts[at]! >> 2) & 7]!;
  }

  regionAt(at: number): Region {
    return REGION_CODES[(this.lineFacts[at]! >> 5) & 3]!;
  }

  procedureAt(at: number): string {
    return this.strings.values[this.lineCode[at]!]!;
  }

  /** Bit 1 left, bit 2 right; 0 unknown. */
  sidesAt(at: number): number {
    return this.lineFacts[at]! & 3;
  }

  kxAt(at: number): boolean {
    return (this.lineFacts[at]! & 512) !== 0;
  }

  renderingNpiAt(at: number): string | null {
    const npi = this.lineNpi[at]!;
    return npi < 0 ? null : this.strings.values[npi]!;
  }

  /** The line at a position as a HistoryLine. */
  lineAt(at: number): HistoryLine {
    const facts = this.lineFacts[at]!;
    const npi = this.lineNpi[at]!;
    return {
      serviceDate: this.dates.values[this.lineDate[at]!]!,
      lineNumber: this.lineNumber[at]!,
      procedure: this.strings.values[this.lineCode[at]!]!,
      modifiers: this.modifierArrays[this.lineModifiers[at]!]!,
      sides: facts & 3,
      family: FAMILY_CODES[(facts >> 2) & 7]!,
      region: REGION_CODES[(facts >> 5) & 3]!,
      role: ROLE_CODES[(facts >> 7) & 3]!,
      units: this.units.values[this.lineUnits[at]!]!,
      kx: (facts & 512) !== 0,
      renderingNpi: npi < 0 ? null : this.strings.values[npi]!,
    };
  }

  /** The line's date (without building the line). */
  lineDateOf(claim: number, seq: number): IsoDate {
    return this.dates.values[this.lineDate[this.firstLine[claim]! + seq]!]!;
  }

  lineProcedureOf(claim: number, seq: number): string {
    return this.strings.values[this.lineCode[this.firstLine[claim]! + seq]!]!;
  }

  /** The claim as the history holds it. */
  claim(claim: number): HistoryClaim {
    const lines: HistoryLine[] = [];
    for (let seq = 0; seq < this.lineCount(claim); seq++) lines.push(this.line(claim, seq));
    return {
      claimId: this.claimId(claim),
      billingNpi: this.billingNpi(claim),
      frequency: this.frequency(claim),
      payerClaimNumber: this.payerClaimNumber(claim),
      status: this.status(claim),
      chargeCents: this.chargeOf[claim]!,
      lines,
    };
  }

  private ensureClaims(length: number): void {
    this.patientOf = grown(this.patientOf, length);
    this.previous = grown(this.previous, length);
    this.fileOf = grown(this.fileOf, length);
    this.statusOf = grown(this.statusOf, length);
    this.frequencyOf = grown(this.frequencyOf, length);
    this.rowOf = grown(this.rowOf, length);
    this.chargeOf = grown(this.chargeOf, length);
    this.billingOf = grown(this.billingOf, length);
    this.firstLine = grown(this.firstLine, length + 1);
    this.idStart = grown(this.idStart, length + 1);
  }

  private ensureLines(length: number): void {
    this.lineDate = grown(this.lineDate, length);
    this.lineNumber = grown(this.lineNumber, length);
    this.lineCode = grown(this.lineCode, length);
    this.lineModifiers = grown(this.lineModifiers, length);
    this.lineNpi = grown(this.lineNpi, length);
    this.lineUnits = grown(this.lineUnits, length);
    this.lineFacts = grown(this.lineFacts, length);
  }
}
