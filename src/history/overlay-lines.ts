/**
 * The lines of a run's overlay (claims checked in this run, not yet in the database), held in memory in typed
 * arrays so that the view answers "this patient's lines" without a database read: the first question about each
 * claim's patient used to read the patient's earlier rows of the run from the overlay database (one statement per
 * claim, its lines as text to parse again), about a tenth of a run's time.
 *
 * Held per overlay row (the overlay database's row id; rows arrive in id order): its file, claim id (ASCII bytes),
 * billing NPI and lines; per line: date, line number, code, modifiers, sides, family, region, role, units, KX and
 * rendering NPI as small integers (dates, codes, modifier lists and NPIs interned). Patients are matched exactly:
 * each row is chained to the previous row of the same member identity (member id + dependent key); rows of claims
 * without a member id are chained by name key. Questions about a patient without a member id are not answered
 * here (`answers` is false): they are rare, and would need every row chained by name.
 *
 * Memory is bounded: once `budgetBytes` would be passed, rows are no longer held, and the caller reads the rows
 * after `heldThrough` from the database. Rows deleted from the middle of the overlay (a failed file among others)
 * stop the holding until the overlay is emptied (`clear`).
 */
import type { PatientIdentity } from './identity.js';
import { claimKey, codeOf, FAMILY_CODES, REGION_CODES, ROLE_CODES, type LineRecord } from './records.js';

/** One line as the view holds it, from the database or the run's overlay: a line record with its claim and file. */
export interface ViewLine extends LineRecord {
  claimKey: string;
  claimId: string;
  billingNpi: string;
  file: string;
  /** Database file id; null for a line recorded earlier in this run (not yet committed). */
  fileId: number | null;
}

/** Bytes counted per held row (besides its claim id's bytes), per held line, and per identity (a map entry, its key). */
const ROW_BYTES = 4 + 4 + 4 + 2;
const LINE_BYTES = 2 + 2 + 1 + 2;
const IDENTITY_BYTES = 96;
/** Values per interned table (stored in 16 bits; 0 is kept for "none"). */
const MAX_INTERNED = 0xfffe;
/** A line number or units that 8 bits do not hold: the value is in a map beside (units: the shape says SPILLED). */
const SPILLED = 0xff;

/** Bits of a line's packed facts: sides (2), family (3), region (2), role (2), KX (1). */
const FAMILY_SHIFT = 2;
const REGION_SHIFT = 5;
const ROLE_SHIFT = 7;
const KX_BIT = 1 << 9;

/** Characters the overlay database's packed lines reserve (store.ts): modifier lists holding one are kept as given. */
const SEPARATORS = /[\u001d-\u001f]/;

class Interner {
  readonly values: string[] = [''];
  private readonly ids = new Map<string, number>();

  /** The value's number (1…), or -1 when the table is full. */
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      if (this.values.length > MAX_INTERNED) return -1;
      id = this.values.length;
      const held = detach(value);
      this.values.push(held);
      this.ids.set(held, id);
    }
    return id;
  }

  clear(): void {
    this.values.length = 1;
    this.ids.clear();
  }
}

export class OverlayLines {
  private readonly budgetBytes: number;
  private usedBytes = 0;
  /** Holding rows (false once the budget is spent or rows were deleted, until `clear`). */
  private holding = true;
  /** Last row id held (0: none); every overlay row up to it is held. */
  private lastRow = 0;

  // Per row id (rows are consecutive: a row's lines and claim id end where the next row's begin).
  private rowLineStart = new Int32Array(0);
  private rowClaimIdStart = new Int32Array(0);
  private rowMemberNext = new Int32Array(0);
  private rowBillingNpi = new Uint16Array(0);
  /** Claim ids, one byte a character, one after the other (a string per claim would cost several times that). */
  private claimIdBytes = Buffer.alloc(0);
  private claimIdLength = 0;
  /** Claim ids that are not ASCII, by row (kept as strings). */
  private readonly otherClaimIds = new Map<number, string>();
  /** Rows of claims without a member id: the previous such row with the same name key. */
  private readonly memberlessNext = new Map<number, number>();

  // Per line, in order of arrival.
  private lineCount = 0;
  private lineDate = new Uint16Array(0);
  private lineNumber = new Uint8Array(0);
  /** The line's shape: code, modifiers, packed facts and units, interned (a few hundred in a file). */
  private lineShape = new Uint16Array(0);
  private lineRenderingNpi = new Uint16Array(0);
  /** Line numbers and units other than 0…254 (fractional units, say), by line index. */
  private readonly spilledNumbers = new Map<number, number>();
  private readonly spilledUnits = new Map<number, number>();

  private readonly dates = new Interner();
  private readonly procedures = new Interner();
  private readonly modifierLists = new Interner();
  private readonly npis = new Interner();
  private readonly billingNpis = new Interner();
  /** The modifiers of each interned list. */
  private readonly modifierArrays: string[][] = [[]];
  /** Line shapes by number (0 unused): code, modifier list, packed facts, units (SPILLED: in spilledUnits). */
  private readonly shapeIds = new Map<number, number>();
  private readonly shapeProcedure: number[] = [0];
  private readonly shapeModifiers: number[] = [0];
  private readonly shapeFacts: number[] = [0];
  private readonly shapeUnits: number[] = [0];
  /** The run's files by the first row of each run of rows of one file (rows of one file arrive together). */
  private readonly fileRunStarts: number[] = [];
  private readonly fileRunSeqs: number[] = [];

  /** Newest held row per member identity, and per name key among claims without a member id. */
  private readonly memberHeads = new Map<string, number>();
  private readonly memberlessHeads = new Map<string, number>();

  /** The last identity seen and its member key (a claim's questions, then its add(), share one identity object). */
  private keyedIdentity: PatientIdentity | undefined;
  private keyedMember = '';

  constructor(budgetBytes: number) {
    this.budgetBytes = budgetBytes;
  }

  /** Every overlay row with an id up to this one is held (0: none). */
  get heldThrough(): number {
    return this.lastRow;
  }

  /** Whether questions about this identity are answered here (it has a member id). */
  answers(identity: PatientIdentity): boolean {
    return identity.memberId !== null && this.lastRow !== 0;
  }

  /**
   * Holds overlay row `row` (the next one after those held). `identity` is null for a claim without lines.
   * Returns false when the row is not held (budget spent, too many distinct values): from then on nothing more is
   * held until `clear`.
   */
  add(row: number, fileSeq: number, claimId: string, billingNpi: string, identity: PatientIdentity | null, lines: readonly LineRecord[]): boolean {
    if (!this.holding) return false;
    if (this.lastRow !== 0 && row !== this.lastRow + 1) return this.stop();
    const memberKey = identity !== null && identity.memberId !== null ? this.memberKeyOf(identity) : undefined;
    const nameKey = identity !== null && identity.memberId === null ? identity.nameKey : null;
    const newIdentity = memberKey !== undefined ? !this.memberHeads.has(memberKey) : nameKey !== null && !this.memberlessHeads.has(nameKey);
    const cost = ROW_BYTES + claimId.length + LINE_BYTES * lines.length + (newIdentity ? IDENTITY_BYTES : 0);
    if (this.usedBytes + cost > this.budgetBytes) return this.stop();
    const billing = this.billingNpis.id(billingNpi);
    if (billing < 0) return this.stop();
    const start = this.lineCount;
    this.ensureLines(start + lines.length);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const date = this.dates.id(line.serviceDate);
      const procedure = this.procedures.id(line.procedure);
      const modifiers = this.modifierListId(line.modifiers);
      const npi = line.renderingNpi === null ? 0 : this.npis.id(line.renderingNpi);
      if (date < 0 || procedure < 0 || modifiers < 0 || npi < 0) return this.stop();
      const facts =
        line.sides |
        (codeOf(FAMILY_CODES, line.family) << FAMILY_SHIFT) |
        (codeOf(REGION_CODES, line.region) << REGION_SHIFT) |
        (codeOf(ROLE_CODES, line.role) << ROLE_SHIFT) |
        (line.kx ? KX_BIT : 0);
      const at = start + i;
      const shape = this.shapeId(procedure, modifiers, facts, small(line.units, at, this.spilledUnits));
      if (shape < 0) return this.stop();
      this.lineDate[at] = date;
      this.lineNumber[at] = small(line.lineNumber, at, this.spilledNumbers);
      this.lineShape[at] = shape;
      this.lineRenderingNpi[at] = npi;
    }
    this.lineCount = start + lines.length;
    this.ensureRows(row + 1);
    this.rowLineStart[row] = start;
    this.rowLineStart[row + 1] = this.lineCount;
    if (this.fileRunSeqs.length === 0 || this.fileRunSeqs[this.fileRunSeqs.length - 1] !== fileSeq) {
      this.fileRunStarts.push(row);
      this.fileRunSeqs.push(fileSeq);
    }
    this.rowBillingNpi[row] = billing;
    this.rowClaimIdStart[row] = this.claimIdLength;
    this.holdClaimId(row, claimId);
    this.rowClaimIdStart[row + 1] = this.claimIdLength;
    this.rowMemberNext[row] = 0;
    if (memberKey !== undefined) {
      this.rowMemberNext[row] = this.memberHeads.get(memberKey) ?? 0;
      this.memberHeads.set(memberKey, row);
    } else if (nameKey !== null) {
      const previous = this.memberlessHeads.get(nameKey);
      if (previous !== undefined) this.memberlessNext.set(row, previous);
      this.memberlessHeads.set(previous === undefined ? detach(nameKey) : nameKey, row);
    }
    this.lastRow = row;
    this.usedBytes += cost;
    return true;
  }

  /** Held rows with lines of this identity's member id and dependent key, oldest first. */
  rowsOfMember(identity: PatientIdentity): number[] {
    const rows: number[] = [];
    for (let row = this.memberHeads.get(this.memberKeyOf(identity)) ?? 0; row !== 0; row = this.rowMemberNext[row]!) rows.push(row);
    return rows.reverse();
  }

  /** Held rows with lines of claims without a member id that carry this name key, oldest first. */
  rowsOfMemberlessName(nameKey: string): number[] {
    const rows: number[] = [];
    for (let row = this.memberlessHeads.get(nameKey); row !== undefined; row = this.memberlessNext.get(row)) rows.push(row);
    return rows.reverse();
  }

  /**
   * Appends the lines dated `from` or later of the rows given (held rows, in id order) to `out`, skipping `hidden`
   * rows; `fileNames` names the run's files by number.
   */
  pushLines(out: ViewLine[], rows: readonly number[], from: string, hidden: ReadonlySet<number>, fileNames: ReadonlyMap<number, string>): void {
    const dates = this.dates.values;
    for (const row of rows) {
      if (hidden.size > 0 && hidden.has(row)) continue;
      let claimId: string | undefined;
      let billingNpi = '';
      let key = '';
      let file = '';
      const end = this.rowLineStart[row + 1]!;
      for (let at = this.rowLineStart[row]!; at < end; at++) {
        const serviceDate = dates[this.lineDate[at]!]!;
        if (serviceDate < from) continue;
        if (claimId === undefined) {
          claimId = (this.otherClaimIds.size > 0 ? this.otherClaimIds.get(row) : undefined) ??
            latin1Slice(this.claimIdBytes, this.rowClaimIdStart[row]!, this.rowClaimIdStart[row + 1]!);
          billingNpi = this.billingNpis.values[this.rowBillingNpi[row]!]!;
          key = claimKey(claimId, billingNpi);
          file = fileNames.get(this.fileSeqOf(row))!;
        }
        const shape = this.lineShape[at]!;
        const facts = this.shapeFacts[shape]!;
        const npi = this.lineRenderingNpi[at]!;
        const lineNumber = this.lineNumber[at]!;
        const units = this.shapeUnits[shape]!;
        out.push({
          claimKey: key,
          claimId,
          billingNpi,
          file,
          fileId: null,
          lineNumber: lineNumber === SPILLED ? this.spilledNumbers.get(at)! : lineNumber,
          serviceDate,
          procedure: this.procedures.values[this.shapeProcedure[shape]!]!,
          modifiers: this.modifierArrays[this.shapeModifiers[shape]!]!.slice(),
          sides: facts & 3,
          family: FAMILY_CODES[(facts >> FAMILY_SHIFT) & 7]!,
          region: REGION_CODES[(facts >> REGION_SHIFT) & 3]!,
          role: ROLE_CODES[(facts >> ROLE_SHIFT) & 3]!,
          units: units === SPILLED ? this.spilledUnits.get(at)! : units,
          kx: (facts & KX_BIT) !== 0,
          renderingNpi: npi === 0 ? null : this.npis.values[npi]!,
        });
      }
    }
  }

  /** Bytes counted against the budget so far. */
  get bytesUsed(): number {
    return this.usedBytes;
  }

  /** The overlay was emptied: forget every row and hold again from the next one. */
  clear(): void {
    this.usedBytes = 0;
    this.holding = true;
    this.lastRow = 0;
    this.lineCount = 0;
    this.claimIdLength = 0;
    this.otherClaimIds.clear();
    this.memberlessNext.clear();
    this.spilledNumbers.clear();
    this.spilledUnits.clear();
    this.memberHeads.clear();
    this.memberlessHeads.clear();
    this.keyedIdentity = undefined;
    for (const interner of [this.dates, this.procedures, this.modifierLists, this.npis, this.billingNpis]) interner.clear();
    this.modifierArrays.length = 1;
    this.shapeIds.clear();
    for (const table of [this.shapeProcedure, this.shapeModifiers, this.shapeFacts, this.shapeUnits]) table.length = 1;
    this.fileRunStarts.length = 0;
    this.fileRunSeqs.length = 0;
    // The arrays are given back: the next file may be small.
    this.claimIdBytes = Buffer.alloc(0);
    this.rowLineStart = new Int32Array(0);
    this.rowClaimIdStart = new Int32Array(0);
    this.rowMemberNext = new Int32Array(0);
    this.rowBillingNpi = new Uint16Array(0);
    this.lineDate = new Uint16Array(0);
    this.lineNumber = new Uint8Array(0);
    this.lineShape = new Uint16Array(0);
    this.lineRenderingNpi = new Uint16Array(0);
  }

  /** Rows were deleted from the overlay (not all of them): hold nothing until it is emptied. */
  disable(): void {
    this.clear();
    this.holding = false;
  }

  /** The number of a line shape (-1: the table is full). `units` is 0…254 or SPILLED. */
  private shapeId(procedure: number, modifiers: number, facts: number, units: number): number {
    // procedure and modifiers < 2^16, facts < 2^10, units < 2^8: 50 bits, exact in a double.
    const key = ((procedure * 0x10000 + modifiers) * 0x400 + facts) * 0x100 + units;
    let id = this.shapeIds.get(key);
    if (id === undefined) {
      if (this.shapeFacts.length > MAX_INTERNED) return -1;
      id = this.shapeFacts.length;
      this.shapeProcedure.push(procedure);
      this.shapeModifiers.push(modifiers);
      this.shapeFacts.push(facts);
      this.shapeUnits.push(units);
      this.shapeIds.set(key, id);
    }
    return id;
  }

  /** The file of a held row. */
  private fileSeqOf(row: number): number {
    const starts = this.fileRunStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= row) low = middle;
      else high = middle - 1;
    }
    return this.fileRunSeqs[low]!;
  }

  private stop(): false {
    this.holding = false;
    return false;
  }

  private memberKeyOf(identity: PatientIdentity): string {
    if (identity !== this.keyedIdentity) {
      this.keyedIdentity = identity;
      this.keyedMember = detach(`${identity.memberId}\u0000${identity.dependentKey}`);
    }
    return this.keyedMember;
  }

  /**
   * The number of a line's modifier list. Lists are read back as the overlay database reads its packed lines: joined
   * with commas and split again, unless they hold one of its separators (then kept as given).
   */
  private modifierListId(modifiers: readonly string[]): number {
    const joined = modifiers.length === 0 ? '' : modifiers.length === 1 ? modifiers[0]! : modifiers.join(',');
    const verbatim = SEPARATORS.test(joined);
    const id = this.modifierLists.id(verbatim ? `\u001d${JSON.stringify(modifiers)}` : joined);
    if (id === this.modifierArrays.length) this.modifierArrays.push(verbatim ? [...modifiers] : joined === '' ? [] : joined.split(','));
    return id;
  }

  /** Appends a claim id to the claim id bytes (ASCII nearly always; otherwise kept as a string). */
  private holdClaimId(row: number, claimId: string): void {
    let bytes = this.claimIdBytes;
    if (this.claimIdLength + claimId.length > bytes.length) {
      const grown = Buffer.alloc(Math.max(64 * 1024, 2 * (this.claimIdLength + claimId.length)));
      bytes.copy(grown, 0, 0, this.claimIdLength);
      this.claimIdBytes = bytes = grown;
    }
    const start = this.claimIdLength;
    for (let i = 0; i < claimId.length; i++) {
      const code = claimId.charCodeAt(i);
      if (code > 0x7f) {
        this.otherClaimIds.set(row, detach(claimId));
        return;
      }
      bytes[start + i] = code;
    }
    this.claimIdLength = start + claimId.length;
  }

  private ensureRows(row: number): void {
    if (row < this.rowLineStart.length) return;
    let length = Math.max(1024, this.rowLineStart.length);
    while (length <= row) length *= 2;
    this.rowLineStart = grow(this.rowLineStart, new Int32Array(length));
    this.rowClaimIdStart = grow(this.rowClaimIdStart, new Int32Array(length));
    this.rowMemberNext = grow(this.rowMemberNext, new Int32Array(length));
    this.rowBillingNpi = grow(this.rowBillingNpi, new Uint16Array(length));
  }

  private ensureLines(count: number): void {
    if (count <= this.lineDate.length) return;
    let length = Math.max(4096, this.lineDate.length);
    while (length < count) length *= 2;
    this.lineDate = grow(this.lineDate, new Uint16Array(length));
    this.lineNumber = grow(this.lineNumber, new Uint8Array(length));
    this.lineShape = grow(this.lineShape, new Uint16Array(length));
    this.lineRenderingNpi = grow(this.lineRenderingNpi, new Uint16Array(length));
  }
}

/** `value` in 8 bits, or SPILLED with the value kept in `spilled` under the line's index. */
function small(value: number, at: number, spilled: Map<number, number>): number {
  if (Number.isInteger(value) && value >= 0 && value < SPILLED) return value;
  spilled.set(at, value);
  return SPILLED;
}

function grow<T extends Int32Array | Uint16Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** Buffer's own latin1 decoder (what `toString('latin1', start, end)` calls, without its checks and dispatch). */
const latin1Slice = (bytes: Buffer, start: number, end: number): string =>
  (bytes as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);

/**
 * A copy of a string that holds nothing else alive: a value read from the input may be a slice of a 64 KiB chunk
 * of it (V8 slices strings of 13 characters or more), and keeping the slice would keep the chunk.
 */
function detach(value: string): string {
  return value.length < 13 ? value : (value + ' ').slice(0, -1);
}
