/**
 * The database lines a run has read, per patient, held compactly in typed arrays (the store's lines cache): a
 * patient comes back claim after claim (a 50 MB file over a 984k-line history: 135k loads of 20k patients), and
 * decoding the same ~12 rows from SQLite again each time (a string per text column, an object per row) was a
 * quarter of the run. A held answer is rebuilt as view lines without a database read.
 *
 * Held per line: date, line number, code + modifier list + packed facts + units (a "shape", interned: a few
 * hundred in a history), rendering NPI and claim; per claim: claim id (ASCII bytes), billing NPI, file id. Memory is
 * bounded: past `budgetBytes` no new answer is held until `clear` (a committed write, which makes them all stale).
 */
import { FAMILY_CODES, REGION_CODES, ROLE_CODES } from './records.js';
import type { ViewLine } from './overlay-lines.js';
import { factFamily, factKx, factRegion, factRole, factSides, grow, Interner, latin1Slice, MAX_INTERNED, packFacts } from './packed-lines.js';

/** Bytes counted per held line, per claim (besides its id's bytes) and per patient (a map entry and its key). */
const LINE_BYTES = 2 + 2 + 2 + 2 + 4;
const CLAIM_BYTES = 4 + 4 + 2;
const PATIENT_BYTES = 2 + 4 + 4 + 64;
/** A line number other than 0…0xfffe, or units other than 0…0xfe: the value is kept in a map by line. */
const SPILLED_NUMBER = 0xffff;
const SPILLED_UNITS = 0xff;

export class DbLinesCache {
  private readonly budgetBytes: number;
  private usedBytes = 0;
  /** Patients by key; per patient: its held lines (a range of the line arrays) and the date they start from. */
  private readonly patients = new Map<string, number>();
  private patientCount = 0;
  private patientLineStart = new Int32Array(0);
  private patientLineEnd = new Int32Array(0);
  /** Every line dated from this date on is held (an interned date; '' for all). */
  private patientFrom = new Uint16Array(0);

  private lineCount = 0;
  private lineDate = new Uint16Array(0);
  private lineShape = new Uint16Array(0);
  private lineNpi = new Uint16Array(0);
  private lineClaim = new Int32Array(0);
  private lineNumber = new Uint16Array(0);
  /** Line numbers and units that the arrays do not hold, by line index. */
  private readonly spilledNumbers = new Map<number, number>();
  private readonly spilledUnits = new Map<number, number>();

  private claimCount = 0;
  private claimIdStart = new Int32Array(0);
  private claimFileId = new Int32Array(0);
  private claimBilling = new Uint16Array(0);
  private claimIdBytes = Buffer.alloc(0);
  private claimIdLength = 0;
  /** Claim ids that are not ASCII, by claim index. */
  private readonly otherClaimIds = new Map<number, string>();

  private readonly dates = new Interner<string>('');
  private readonly procedures = new Interner<string>('');
  /** Modifier lists by identity: the store shares one array per distinct modifiers text. */
  private readonly modifierLists = new Interner<string[]>([]);
  private readonly npis = new Interner<string>('');
  private readonly billingNpis = new Interner<string>('');
  /** Shapes: code, modifier list, facts, units (SPILLED_UNITS: by line), keyed by their numbers in one double. */
  private readonly shapes = new Map<number, number>();
  private readonly shapeProcedure: string[] = [''];
  private readonly shapeModifiers: string[][] = [[]];
  private readonly shapeFacts: number[] = [0];
  private readonly shapeUnits: number[] = [0];

  constructor(budgetBytes: number) {
    this.budgetBytes = budgetBytes;
  }

  get size(): number {
    return this.patients.size;
  }

  /** The number of the patient whose answer is held under `key`, or -1. */
  find(key: string): number {
    return this.patients.get(key) ?? -1;
  }

  /** The held answer holds every line dated this or later (and maybe earlier ones). */
  heldFrom(patient: number): string {
    return this.dates.values[this.patientFrom[patient]!]!;
  }

  /** The database holds no line of the patient between `from` and heldFrom: the answer holds every line from `from`. */
  widen(patient: number, from: string): void {
    const date = this.dates.id(from);
    if (date >= 0) this.patientFrom[patient] = date;
  }

  /**
   * The lines of a held answer dated `from` or later, built anew (`fileName` names a database file by id); `from`
   * '' for all of them.
   */
  lines(patient: number, from: string, fileName: (fileId: number) => string): ViewLine[] {
    const out: ViewLine[] = [];
    const dates = this.dates.values;
    const npis = this.npis.values;
    let lastClaim = -1;
    let claimId = '';
    let billingNpi = '';
    let key = '';
    let file = '';
    let fileId = -1;
    const end = this.patientLineEnd[patient]!;
    for (let at = this.patientLineStart[patient]!; at < end; at++) {
      const serviceDate = dates[this.lineDate[at]!]!;
      if (serviceDate < from) continue;
      const claim = this.lineClaim[at]!;
      if (claim !== lastClaim) {
        lastClaim = claim;
        claimId = this.claimIdOf(claim);
        billingNpi = this.billingNpis.values[this.claimBilling[claim]!]!;
        key = `${claimId}\u0000${billingNpi}`;
        const claimFileId = this.claimFileId[claim]!;
        if (claimFileId !== fileId) {
          fileId = claimFileId;
          file = fileName(fileId);
        }
      }
      const shape = this.lineShape[at]!;
      const facts = this.shapeFacts[shape]!;
      const npi = this.lineNpi[at]!;
      const lineNumber = this.lineNumber[at]!;
      const units = this.shapeUnits[shape]!;
      out.push({
        claimKey: key,
        claimId,
        billingNpi,
        file,
        fileId,
        serviceDate,
        lineNumber: lineNumber === SPILLED_NUMBER ? this.spilledNumbers.get(at)! : lineNumber,
        procedure: this.shapeProcedure[shape]!,
        modifiers: this.shapeModifiers[shape]!,
        sides: factSides(facts),
        family: FAMILY_CODES[factFamily(facts)]!,
        region: REGION_CODES[factRegion(facts)]!,
        role: ROLE_CODES[factRole(facts)]!,
        units: units === SPILLED_UNITS ? this.spilledUnits.get(at)! : units,
        kx: factKx(facts),
        renderingNpi: npi === 0 ? null : npis[npi]!,
      });
    }
    return out;
  }

  /**
   * Holds a patient's answer (database lines, fileId set), replacing what was held for the key. Returns false when
   * it is not held (budget spent, a table full).
   */
  hold(key: string, from: string, lines: readonly ViewLine[]): boolean {
    if (this.usedBytes >= this.budgetBytes) return false;
    const lineStart = this.lineCount;
    const claimStart = this.claimCount;
    const claimIdLength = this.claimIdLength;
    const fromDate = this.dates.id(from);
    const stored = fromDate >= 0 && this.store(lines);
    const known = this.patients.get(key);
    const cost = this.costSince(lineStart, claimStart, claimIdLength, known !== undefined ? '' : key);
    if (!stored || this.usedBytes + cost > this.budgetBytes) {
      // Not held: what was appended is given back (the interned tables may keep a few values: they are bounded),
      // and nothing more is held until cleared.
      this.lineCount = lineStart;
      this.claimCount = claimStart;
      this.claimIdLength = claimIdLength;
      for (const claim of this.otherClaimIds.keys()) if (claim >= claimStart) this.otherClaimIds.delete(claim);
      for (const spilled of [this.spilledNumbers, this.spilledUnits]) for (const at of spilled.keys()) if (at >= lineStart) spilled.delete(at);
      this.usedBytes = this.budgetBytes;
      return false;
    }
    this.usedBytes += cost;
    let patient = known;
    if (patient === undefined) {
      patient = this.patientCount++;
      this.ensurePatients(this.patientCount);
      // The key may hold slices of the input's chunks: a copy of it is kept.
      this.patients.set((key + ' ').slice(0, -1), patient);
    }
    this.patientLineStart[patient] = lineStart;
    this.patientLineEnd[patient] = this.lineCount;
    this.patientFrom[patient] = fromDate;
    return true;
  }

  /** Forget every answer (the database changed). */
  clear(): void {
    this.patients.clear();
    this.patientCount = 0;
    this.patientLineStart = new Int32Array(0);
    this.patientLineEnd = new Int32Array(0);
    this.patientFrom = new Uint16Array(0);
    this.usedBytes = 0;
    this.lineCount = 0;
    this.claimCount = 0;
    this.claimIdLength = 0;
    this.otherClaimIds.clear();
    this.spilledNumbers.clear();
    this.spilledUnits.clear();
    for (const interner of [this.dates, this.procedures, this.npis, this.billingNpis]) interner.clear();
    this.modifierLists.clear();
    this.shapes.clear();
    for (const table of [this.shapeProcedure, this.shapeModifiers, this.shapeFacts, this.shapeUnits]) table.length = 1;
    this.lineDate = new Uint16Array(0);
    this.lineShape = new Uint16Array(0);
    this.lineNpi = new Uint16Array(0);
    this.lineClaim = new Int32Array(0);
    this.lineNumber = new Uint16Array(0);
    this.claimIdStart = new Int32Array(0);
    this.claimFileId = new Int32Array(0);
    this.claimBilling = new Uint16Array(0);
    this.claimIdBytes = Buffer.alloc(0);
  }

  private costSince(lineStart: number, claimStart: number, claimIdLength: number, key: string): number {
    return (
      LINE_BYTES * (this.lineCount - lineStart) +
      CLAIM_BYTES * (this.claimCount - claimStart) +
      (this.claimIdLength - claimIdLength) +
      (key === '' ? 0 : PATIENT_BYTES + key.length)
    );
  }

  /** Appends the lines (false: a table is full). */
  private store(lines: readonly ViewLine[]): boolean {
    this.ensureLines(this.lineCount + lines.length);
    let lastKey: string | undefined;
    let lastFile = -1;
    let claim = -1;
    for (const line of lines) {
      if (line.claimKey !== lastKey || line.fileId !== lastFile) {
        lastKey = line.claimKey;
        lastFile = line.fileId ?? -1;
        claim = this.addClaim(line.claimId, line.billingNpi, lastFile);
        if (claim < 0) return false;
      }
      const date = this.dates.id(line.serviceDate);
      const npi = line.renderingNpi === null ? 0 : this.npis.id(line.renderingNpi);
      const at = this.lineCount;
      const shape = this.shapeOf(line, at);
      if (date < 0 || npi < 0 || shape < 0) return false;
      this.lineCount++;
      const lineNumber = line.lineNumber;
      if (Number.isInteger(lineNumber) && lineNumber >= 0 && lineNumber < SPILLED_NUMBER) {
        this.lineNumber[at] = lineNumber;
      } else {
        this.lineNumber[at] = SPILLED_NUMBER;
        this.spilledNumbers.set(at, lineNumber);
      }
      this.lineDate[at] = date;
      this.lineShape[at] = shape;
      this.lineNpi[at] = npi;
      this.lineClaim[at] = claim;
    }
    return true;
  }

  private shapeOf(line: ViewLine, at: number): number {
    const procedure = this.procedures.id(line.procedure);
    const modifiers = this.modifierLists.id(line.modifiers);
    if (procedure < 0 || modifiers < 0) return -1;
    const facts = packFacts(line);
    let units = line.units;
    if (!(Number.isInteger(units) && units >= 0 && units < SPILLED_UNITS) || Object.is(units, -0)) {
      this.spilledUnits.set(at, units);
      units = SPILLED_UNITS;
    }
    // procedure and modifiers < 2^16, facts < 2^10, units < 2^8: 50 bits, exact in a double.
    const key = ((procedure * 0x10000 + modifiers) * 0x400 + facts) * 0x100 + units;
    let id = this.shapes.get(key);
    if (id === undefined) {
      if (this.shapeFacts.length > MAX_INTERNED) return -1;
      id = this.shapeFacts.length;
      this.shapeProcedure.push(this.procedures.values[procedure]!);
      this.shapeModifiers.push(this.modifierLists.values[modifiers]!);
      this.shapeFacts.push(facts);
      this.shapeUnits.push(units);
      this.shapes.set(key, id);
    }
    return id;
  }

  private addClaim(claimId: string, billingNpi: string, fileId: number): number {
    const billing = this.billingNpis.id(billingNpi);
    if (billing < 0) return -1;
    const claim = this.claimCount++;
    this.ensureClaims(this.claimCount + 1);
    this.claimFileId[claim] = fileId;
    this.claimBilling[claim] = billing;
    this.claimIdStart[claim] = this.claimIdLength;
    let bytes = this.claimIdBytes;
    if (this.claimIdLength + claimId.length > bytes.length) {
      const needed = this.claimIdLength + claimId.length;
      const grown = Buffer.alloc(this.grownLength(Math.max(64 * 1024, 2 * needed), needed, 1));
      bytes.copy(grown, 0, 0, this.claimIdLength);
      this.claimIdBytes = bytes = grown;
    }
    const start = this.claimIdLength;
    let ascii = true;
    for (let i = 0; i < claimId.length; i++) {
      const code = claimId.charCodeAt(i);
      if (code > 0x7f) {
        ascii = false;
        break;
      }
      bytes[start + i] = code;
    }
    if (ascii) this.claimIdLength = start + claimId.length;
    else this.otherClaimIds.set(claim, (claimId + ' ').slice(0, -1));
    this.claimIdStart[claim + 1] = this.claimIdLength;
    return claim;
  }

  private claimIdOf(claim: number): string {
    if (this.otherClaimIds.size > 0) {
      const other = this.otherClaimIds.get(claim);
      if (other !== undefined) return other;
    }
    return latin1Slice(this.claimIdBytes, this.claimIdStart[claim]!, this.claimIdStart[claim + 1]!);
  }

  private ensureLines(count: number): void {
    if (count <= this.lineDate.length) return;
    const length = this.grownLength(Math.max(4096, this.lineDate.length), count, LINE_BYTES);
    this.lineDate = grow(this.lineDate, new Uint16Array(length));
    this.lineShape = grow(this.lineShape, new Uint16Array(length));
    this.lineNpi = grow(this.lineNpi, new Uint16Array(length));
    this.lineClaim = grow(this.lineClaim, new Int32Array(length));
    this.lineNumber = grow(this.lineNumber, new Uint16Array(length));
  }

  /**
   * A table's new length for `needed` items: doubled from `length`, but no longer than the budget could fill (a
   * doubling would otherwise overshoot it).
   */
  private grownLength(length: number, needed: number, bytesEach: number): number {
    while (length < needed) length *= 2;
    return Math.max(needed, Math.min(length, Math.ceil(this.budgetBytes / bytesEach) + 1));
  }

  private ensurePatients(count: number): void {
    if (count <= this.patientFrom.length) return;
    const length = this.grownLength(Math.max(1024, this.patientFrom.length), count, PATIENT_BYTES);
    this.patientLineStart = grow(this.patientLineStart, new Int32Array(length));
    this.patientLineEnd = grow(this.patientLineEnd, new Int32Array(length));
    this.patientFrom = grow(this.patientFrom, new Uint16Array(length));
  }

  private ensureClaims(count: number): void {
    if (count < this.claimIdStart.length) return;
    const length = this.grownLength(Math.max(1024, this.claimIdStart.length), count + 1, CLAIM_BYTES);
    this.claimIdStart = grow(this.claimIdStart, new Int32Array(length));
    this.claimFileId = grow(this.claimFileId, new Int32Array(length));
    this.claimBilling = grow(this.claimBilling, new Uint16Array(length));
  }
}

