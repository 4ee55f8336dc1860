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
 * Held too, per row, the claim's other fields (frequency, payer claim number, charge, identity, hidden and awaiting
 * state): a held row is not written to the overlay database at all; the commit and the 7/8 look-ups read it here.
 *
 * Memory is bounded: once `budgetBytes` would be passed, rows are no longer held, and the caller reads the rows
 * after `heldThrough` from the database. Rows deleted from the middle of the overlay (a failed file among others)
 * stop the holding until the overlay is emptied (`clear`).
 */
import type { PatientIdentity } from './identity.js';
import { claimKey, FAMILY_CODES, REGION_CODES, ROLE_CODES, type LineRecord } from './records.js';
import { factFamily, factKx, factRegion, factRole, factSides, grow, Interner, latin1Slice, MAX_INTERNED, packFacts } from './packed-lines.js';

/** One line as the view holds it, from the database or the run's overlay: a line record with its claim and file. */
export interface ViewLine extends LineRecord {
  claimKey: string;
  claimId: string;
  billingNpi: string;
  file: string;
  /** Database file id; null for a line recorded earlier in this run (not yet committed). */
  fileId: number | null;
}

/** A name key as identity.ts makes it (24 hex digits of a sha256), held as 12 bytes. */
const NAME_KEY_BYTES = 12;
/**
 * Bytes counted per held row (besides its claim id's bytes; its lines, its claim fields: flags, frequency, charge,
 * member key reference, name key), per held line, and per identity (a map entry, its key).
 */
const ROW_BYTES = 4 + 4 + 4 + 2 + (1 + 1 + 4 + 8 + NAME_KEY_BYTES);
const LINE_BYTES = 2 + 2 + 1 + 2;
const IDENTITY_BYTES = 96;
/** A row's identity kept as an object (no member id, or a name key that is not a digest): rare. */
const OTHER_IDENTITY_BYTES = 200;
/** A payer claim number (besides its characters), a charge that 32 bits do not hold: map entries. */
const EXTRA_FIELD_BYTES = 48;
/** A line number or units that 8 bits do not hold: the value is in a map beside (units: the shape says SPILLED). */
const SPILLED = 0xff;

/** Rows of one patient's chain the scratch array keeps room for (a longer chain's is given back after use). */
const CHAIN_SCRATCH = 1024;

const NAME_KEY = /^[0-9a-f]{24}$/;

/** Bits of a row's flags. */
const ROW_HIDDEN = 1;
const ROW_AWAITING = 2;
/** The row's name key is in rowNameKeys. */
const ROW_NAMED = 4;
/** The row's identity is in otherIdentities (no member id, or a name key that is not a digest). */
const ROW_OTHER_IDENTITY = 8;
/** A charge that 32 bits do not hold: the value is in spilledCharges. */
const SPILLED_CHARGE = -0x80000000;
/** Frequencies held (interned in 8 bits). */
const MAX_FREQUENCIES = 0xfe;

/** A claim's fields besides its lines, held with them. */
export interface HeldClaimFields {
  frequency: string;
  payerClaimNumber: string | null;
  chargeCents: number;
  /** The claim's identity (also for a claim without lines, whose identity is not chained). */
  identity: PatientIdentity;
  hidden: boolean;
  awaiting: boolean;
}

/** What a test gives for rows whose claim fields do not matter. */
const NO_FIELDS: HeldClaimFields = {
  frequency: '1',
  payerClaimNumber: null,
  chargeCents: 0,
  identity: { memberId: null, dependentKey: '', nameKey: null },
  hidden: false,
  awaiting: false,
};

/** Characters the overlay database's packed lines reserve (store.ts): modifier lists holding one are kept as given. */
const SEPARATORS = /[\u001d-\u001f]/;

export class OverlayLines {
  private readonly budgetBytes: number;
  private usedBytes = 0;
  /** Holding rows (false once the budget is spent or rows were deleted, until `clear`). */
  private holding = true;
  /** The patient chains were dropped before a commit (forgetPatients). */
  private chainsForgotten = false;
  /** Last row id held (0: none); every overlay row from firstRow up to it is held. */
  private lastRow = 0;
  private firstRow = 0;

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
  /** Per row: ROW_* flags, frequency (interned), charge (0x80000000: in spilledCharges). */
  private rowFlags = new Uint8Array(0);
  private rowFrequency = new Uint8Array(0);
  private rowCharge = new Int32Array(0);
  /** Per row: its member key (memberKeyOf; the strings memberHeads holds), '' without a member id. */
  private rowMemberKey: string[] = [''];
  /** Per row: its name key's 12 bytes (ROW_NAMED). */
  private rowNameKeys = Buffer.alloc(0);
  private readonly otherIdentities = new Map<number, PatientIdentity>();
  private readonly payerClaimNumbers = new Map<number, string>();
  private readonly spilledCharges = new Map<number, number>();
  private readonly frequencies = new Interner<string>('', detach);

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

  private readonly dates = new Interner<string>('', detach);
  private readonly procedures = new Interner<string>('', detach);
  private readonly modifierLists = new Interner<string>('', detach);
  private readonly npis = new Interner<string>('', detach);
  private readonly billingNpis = new Interner<string>('', detach);
  /** The modifiers of each interned list, and the list joined with commas (as the database stores it). */
  private readonly modifierArrays: string[][] = [[]];
  private readonly modifierTexts: string[] = [''];
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

  /** Scratch for a patient's chain of rows, newest first (pushMemberLines). */
  private chain = new Int32Array(CHAIN_SCRATCH);

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
    return identity.memberId !== null && this.lastRow !== 0 && !this.chainsForgotten;
  }

  /** The first row held (0: none). */
  get heldFrom(): number {
    return this.firstRow;
  }

  /**
   * Holds overlay row `row` (the next one after those held). `identity` is null for a claim without lines (its
   * identity, for the commit, is in `fields`). Returns false when the row is not held (budget spent, too many
   * distinct values): from then on nothing more is held until `clear`.
   */
  add(
    row: number,
    fileSeq: number,
    claimId: string,
    billingNpi: string,
    identity: PatientIdentity | null,
    lines: readonly LineRecord[],
    fields: HeldClaimFields = identity === null ? NO_FIELDS : { ...NO_FIELDS, identity },
  ): boolean {
    if (!this.holding) return false;
    if (this.lastRow !== 0 && row !== this.lastRow + 1) return this.stop();
    const memberKey = identity !== null && identity.memberId !== null ? this.memberKeyOf(identity) : undefined;
    const nameKey = identity !== null && identity.memberId === null ? identity.nameKey : null;
    const newIdentity = memberKey !== undefined ? !this.memberHeads.has(memberKey) : nameKey !== null && !this.memberlessHeads.has(nameKey);
    // The claim's own identity, for the commit: its member key and name key's bytes, or (rarely) the object.
    const own = fields.identity;
    const ownMemberKey = own.memberId === null ? '' : own === identity ? memberKey! : this.memberKeyOf(own);
    const otherIdentity = own.memberId === null || (own.nameKey !== null && !NAME_KEY.test(own.nameKey));
    const frequency = this.frequencies.id(fields.frequency);
    if (frequency < 0 || frequency > MAX_FREQUENCIES) return this.stop();
    const chargeFits = (fields.chargeCents | 0) === fields.chargeCents && fields.chargeCents !== SPILLED_CHARGE && !Object.is(fields.chargeCents, -0);
    const cost =
      ROW_BYTES + claimId.length + LINE_BYTES * lines.length + (newIdentity ? IDENTITY_BYTES : 0) +
      (otherIdentity ? OTHER_IDENTITY_BYTES : 0) +
      (ownMemberKey !== '' && ownMemberKey !== memberKey && !this.memberHeads.has(ownMemberKey) ? IDENTITY_BYTES : 0) +
      (fields.payerClaimNumber === null ? 0 : EXTRA_FIELD_BYTES + 2 * fields.payerClaimNumber.length) +
      (chargeFits ? 0 : EXTRA_FIELD_BYTES);
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
      const facts = packFacts(line);
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
    let flags = (fields.hidden ? ROW_HIDDEN : 0) | (fields.awaiting ? ROW_AWAITING : 0);
    if (otherIdentity) {
      flags |= ROW_OTHER_IDENTITY;
      this.otherIdentities.set(row, { memberId: own.memberId === null ? null : detach(own.memberId), dependentKey: detach(own.dependentKey), nameKey: own.nameKey === null ? null : detach(own.nameKey) });
    } else if (own.nameKey !== null) {
      flags |= ROW_NAMED;
      writeNameKey(this.rowNameKeys, row * NAME_KEY_BYTES, own.nameKey);
    }
    this.rowFlags[row] = flags;
    this.rowFrequency[row] = frequency;
    this.rowMemberKey[row] = ownMemberKey;
    if (chargeFits) {
      this.rowCharge[row] = fields.chargeCents;
    } else {
      this.rowCharge[row] = SPILLED_CHARGE;
      this.spilledCharges.set(row, fields.chargeCents);
    }
    if (fields.payerClaimNumber !== null) this.payerClaimNumbers.set(row, detach(fields.payerClaimNumber));
    if (this.lastRow === 0) this.firstRow = row;
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
   * pushLines of rowsOfMember(identity): the chain is walked into a scratch array (no arrays per question).
   */
  pushMemberLines(out: ViewLine[], identity: PatientIdentity, from: string, hidden: ReadonlySet<number>, fileNames: ReadonlyMap<number, string>): void {
    const head = this.memberHeads.get(this.memberKeyOf(identity));
    if (head === undefined) return;
    let chain = this.chain;
    let count = 0;
    for (let row = head; row !== 0; row = this.rowMemberNext[row]!) {
      if (count === chain.length) this.chain = chain = grow(chain, new Int32Array(count * 2));
      chain[count++] = row;
    }
    for (let i = count - 1; i >= 0; i--) {
      const row = chain[i]!;
      if (hidden.size > 0 && hidden.has(row)) continue;
      this.pushRowLines(out, row, from, fileNames);
    }
    // A long chain's scratch is not kept (it would hold memory for the rest of the run).
    if (chain.length > CHAIN_SCRATCH) this.chain = new Int32Array(CHAIN_SCRATCH);
  }

  /** pushLines of rowsOfMemberlessName(nameKey). */
  pushMemberlessLines(out: ViewLine[], nameKey: string, from: string, hidden: ReadonlySet<number>, fileNames: ReadonlyMap<number, string>): void {
    if (this.memberlessHeads.size === 0) return;
    const rows = this.rowsOfMemberlessName(nameKey);
    if (rows.length > 0) this.pushLines(out, rows, from, hidden, fileNames);
  }

  /**
   * Appends the lines dated `from` or later of the rows given (held rows, in id order) to `out`, skipping `hidden`
   * rows; `fileNames` names the run's files by number.
   */
  pushLines(out: ViewLine[], rows: readonly number[], from: string, hidden: ReadonlySet<number>, fileNames: ReadonlyMap<number, string>): void {
    for (const row of rows) {
      if (hidden.size > 0 && hidden.has(row)) continue;
      this.pushRowLines(out, row, from, fileNames);
    }
  }

  /**
   * Appends a held row's lines dated `from` or later to `out`. Their modifier lists are the interned arrays, shared
   * (the view's lines are read-only, as the database's are: db-lines.ts shares them too).
   */
  private pushRowLines(out: ViewLine[], row: number, from: string, fileNames: ReadonlyMap<number, string>): void {
    const dates = this.dates.values;
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
        modifiers: this.modifierArrays[this.shapeModifiers[shape]!]!,
        sides: factSides(facts),
        family: FAMILY_CODES[factFamily(facts)]!,
        region: REGION_CODES[factRegion(facts)]!,
        role: ROLE_CODES[factRole(facts)]!,
        units: units === SPILLED ? this.spilledUnits.get(at)! : units,
        kx: factKx(facts),
        renderingNpi: npi === 0 ? null : this.npis.values[npi]!,
      });
    }
  }

  // The write side's reading of a held row (the commit, the 7/8 look-ups, a row written to the database after all).

  /** The claim id of a held row. */
  claimIdOf(row: number): string {
    return (this.otherClaimIds.size > 0 ? this.otherClaimIds.get(row) : undefined) ??
      latin1Slice(this.claimIdBytes, this.rowClaimIdStart[row]!, this.rowClaimIdStart[row + 1]!);
  }

  billingNpiOf(row: number): string {
    return this.billingNpis.values[this.rowBillingNpi[row]!]!;
  }

  frequencyOf(row: number): string {
    return this.frequencies.values[this.rowFrequency[row]!]!;
  }

  payerClaimNumberOf(row: number): string | null {
    return this.payerClaimNumbers.size > 0 ? (this.payerClaimNumbers.get(row) ?? null) : null;
  }

  chargeCentsOf(row: number): number {
    const charge = this.rowCharge[row]!;
    return charge === SPILLED_CHARGE ? this.spilledCharges.get(row)! : charge;
  }

  /** The claim's identity (a new object). */
  identityOf(row: number): PatientIdentity {
    const flags = this.rowFlags[row]!;
    if ((flags & ROW_OTHER_IDENTITY) !== 0) return this.otherIdentities.get(row)!;
    const memberKey = this.rowMemberKey[row]!;
    const split = memberKey.lastIndexOf('\u0000');
    const at = row * NAME_KEY_BYTES;
    return {
      memberId: memberKey.slice(0, split),
      dependentKey: memberKey.slice(split + 1),
      nameKey: (flags & ROW_NAMED) !== 0 ? this.rowNameKeys.toString('hex', at, at + NAME_KEY_BYTES) : null,
    };
  }

  /** Whether the claim's identity has this member id and dependent key (a member id: never null here). */
  hasMember(row: number, memberId: string, dependentKey: string): boolean {
    if ((this.rowFlags[row]! & ROW_OTHER_IDENTITY) !== 0) {
      const identity = this.otherIdentities.get(row)!;
      return identity.memberId === memberId && identity.dependentKey === dependentKey;
    }
    const memberKey = this.rowMemberKey[row]!;
    return memberKey.length === memberId.length + 1 + dependentKey.length && memberKey === `${memberId}\u0000${dependentKey}`;
  }

  isHidden(row: number): boolean {
    return (this.rowFlags[row]! & ROW_HIDDEN) !== 0;
  }

  isAwaiting(row: number): boolean {
    return (this.rowFlags[row]! & ROW_AWAITING) !== 0;
  }

  /** A later 7/8 replaced or voided the row's claim. */
  hide(row: number): void {
    this.rowFlags[row] = this.rowFlags[row]! | ROW_HIDDEN;
  }

  /** The row (a 7/8) no longer waits for its original: it came. */
  settleAwaiting(row: number): void {
    this.rowFlags[row] = this.rowFlags[row]! & ~ROW_AWAITING;
  }

  /** Held rows of a file, in id order, as [first, last] ranges. */
  rangesOfFile(fileSeq: number): [number, number][] {
    const ranges: [number, number][] = [];
    const starts = this.fileRunStarts;
    for (let run = 0; run < starts.length; run++) {
      if (this.fileRunSeqs[run] !== fileSeq) continue;
      ranges.push([starts[run]!, run + 1 < starts.length ? starts[run + 1]! - 1 : this.lastRow]);
    }
    return ranges;
  }

  /** The file of a held row. */
  fileOf(row: number): number {
    return this.fileSeqOf(row);
  }

  /** A held row's lines are those at lineStart(row) … lineEnd(row) - 1. */
  lineStart(row: number): number {
    return this.rowLineStart[row]!;
  }

  lineEnd(row: number): number {
    return this.rowLineStart[row + 1]!;
  }

  serviceDateAt(at: number): string {
    return this.dates.values[this.lineDate[at]!]!;
  }

  lineNumberAt(at: number): number {
    const lineNumber = this.lineNumber[at]!;
    return lineNumber === SPILLED ? this.spilledNumbers.get(at)! : lineNumber;
  }

  procedureAt(at: number): string {
    return this.procedures.values[this.shapeProcedure[this.lineShape[at]!]!]!;
  }

  /** The line's modifiers joined with commas (as the database stores them). */
  modifiersTextAt(at: number): string {
    return this.modifierTexts[this.shapeModifiers[this.lineShape[at]!]!]!;
  }

  /** The line's packed facts: sides (bits 0-1), then family, region, role codes and KX (factsOf reads them). */
  factsAt(at: number): number {
    return this.shapeFacts[this.lineShape[at]!]!;
  }

  unitsAt(at: number): number {
    const units = this.shapeUnits[this.lineShape[at]!]!;
    return units === SPILLED ? this.spilledUnits.get(at)! : units;
  }

  renderingNpiAt(at: number): string | null {
    const npi = this.lineRenderingNpi[at]!;
    return npi === 0 ? null : this.npis.values[npi]!;
  }

  /** A held row's lines as records. */
  lineRecordsOf(row: number): LineRecord[] {
    const records: LineRecord[] = [];
    for (let at = this.lineStart(row), end = this.lineEnd(row); at < end; at++) {
      const facts = this.factsAt(at);
      records.push({
        lineNumber: this.lineNumberAt(at),
        serviceDate: this.serviceDateAt(at),
        procedure: this.procedureAt(at),
        modifiers: this.modifierArrays[this.shapeModifiers[this.lineShape[at]!]!]!.slice(),
        sides: factSides(facts),
        family: FAMILY_CODES[factFamily(facts)]!,
        region: REGION_CODES[factRegion(facts)]!,
        role: ROLE_CODES[factRole(facts)]!,
        units: this.unitsAt(at),
        kx: factKx(facts),
        renderingNpi: this.renderingNpiAt(at),
      });
    }
    return records;
  }

  /**
   * The rows are about to be committed and given back: the view's patient chains go now (the commit reads rows by
   * file, not by patient), so that they are collected before the commit fills the database's page cache. Nothing more
   * is held, and questions are no longer answered here (`answers` is false) until `clear`.
   */
  forgetPatients(): void {
    this.holding = false;
    this.chainsForgotten = true;
    this.memberHeads.clear();
    this.memberlessHeads.clear();
    this.memberlessNext.clear();
    this.rowMemberNext = new Int32Array(0);
    this.keyedIdentity = undefined;
  }

  /** Bytes counted against the budget so far. */
  get bytesUsed(): number {
    return this.usedBytes;
  }

  /** The overlay was emptied: forget every row and hold again from the next one. */
  clear(): void {
    this.usedBytes = 0;
    this.holding = true;
    this.chainsForgotten = false;
    this.lastRow = 0;
    this.firstRow = 0;
    this.otherIdentities.clear();
    this.payerClaimNumbers.clear();
    this.spilledCharges.clear();
    this.frequencies.clear();
    this.rowMemberKey = [''];
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
    this.modifierTexts.length = 1;
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
    this.rowFlags = new Uint8Array(0);
    this.rowFrequency = new Uint8Array(0);
    this.rowCharge = new Int32Array(0);
    this.rowNameKeys = Buffer.alloc(0);
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
    if (id === this.modifierArrays.length) {
      const held = verbatim ? [...modifiers] : joined === '' ? [] : joined.split(',');
      this.modifierArrays.push(held);
      this.modifierTexts.push(verbatim ? held.join(',') : this.modifierLists.values[id]!);
    }
    return id;
  }

  /** Appends a claim id to the claim id bytes (ASCII nearly always; otherwise kept as a string). */
  private holdClaimId(row: number, claimId: string): void {
    let bytes = this.claimIdBytes;
    if (this.claimIdLength + claimId.length > bytes.length) {
      const grown = Buffer.alloc(this.grownLength(Math.max(64 * 1024, bytes.length), this.claimIdLength + claimId.length, 1));
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

  /**
   * A grown array's length: doubled, but no longer than the rest of the budget can fill (each item costs at least
   * `itemBytes`): the budget then bounds what the arrays take, not only what they hold.
   */
  private grownLength(length: number, needed: number, itemBytes: number): number {
    while (length < needed) length *= 2;
    const room = Math.ceil(Math.max(0, this.budgetBytes - this.usedBytes) / itemBytes) + 1;
    return Math.max(needed, Math.min(length, needed + room));
  }

  private ensureRows(row: number): void {
    if (row < this.rowLineStart.length) return;
    const length = this.grownLength(Math.max(1024, this.rowLineStart.length), row + 1, ROW_BYTES);
    this.rowLineStart = grow(this.rowLineStart, new Int32Array(length));
    this.rowClaimIdStart = grow(this.rowClaimIdStart, new Int32Array(length));
    this.rowMemberNext = grow(this.rowMemberNext, new Int32Array(length));
    this.rowBillingNpi = grow(this.rowBillingNpi, new Uint16Array(length));
    this.rowFlags = grow(this.rowFlags, new Uint8Array(length));
    this.rowFrequency = grow(this.rowFrequency, new Uint8Array(length));
    this.rowCharge = grow(this.rowCharge, new Int32Array(length));
    const names = Buffer.alloc(length * NAME_KEY_BYTES);
    this.rowNameKeys.copy(names);
    this.rowNameKeys = names;
  }

  private ensureLines(count: number): void {
    if (count <= this.lineDate.length) return;
    const length = this.grownLength(Math.max(4096, this.lineDate.length), count, LINE_BYTES);
    this.lineDate = grow(this.lineDate, new Uint16Array(length));
    this.lineNumber = grow(this.lineNumber, new Uint8Array(length));
    this.lineShape = grow(this.lineShape, new Uint16Array(length));
    this.lineRenderingNpi = grow(this.lineRenderingNpi, new Uint16Array(length));
  }
}


/** A name key's 24 hex digits (NAME_KEY) as 12 bytes (Buffer.write's hex decoder costs several times this). */
function writeNameKey(bytes: Buffer, at: number, nameKey: string): void {
  for (let i = 0; i < NAME_KEY_BYTES; i++) bytes[at + i] = (hexDigit(nameKey.charCodeAt(2 * i)) << 4) | hexDigit(nameKey.charCodeAt(2 * i + 1));
}

const hexDigit = (code: number): number => (code <= 57 ? code - 48 : code - 87);

/** `value` in 8 bits, or SPILLED with the value kept in `spilled` under the line's index. */
function small(value: number, at: number, spilled: Map<number, number>): number {
  if (Number.isInteger(value) && value >= 0 && value < SPILLED) return value;
  spilled.set(at, value);
  return SPILLED;
}


/**
 * A copy of a string that holds nothing else alive: a value read from the input may be a slice of a 64 KiB chunk
 * of it (V8 slices strings of 13 characters or more), and keeping the slice would keep the chunk.
 */
function detach(value: string): string {
  return value.length < 13 ? value : (value + ' ').slice(0, -1);
}
