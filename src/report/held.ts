/**
 * The held claims of a run, for the analyst's work queue (held-claims.csv, exceptions.json `heldClaims`,
 * report.html): each file spills its held claims as it checks them, one JSON record a line, and keeps only their
 * charges and where each record lies (HeldIndex: typed arrays, a few dozen bytes a claim). At the end the records
 * are read back one by one in rank order (most charges first, then input order): no list of held claims is held
 * in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { formatCents } from '../encounter/money.js';
import { csvCell, neutralizeFormula } from './exceptions.js';
import type { SpillFile } from './sync-file.js';
import { HELD_CLAIM_COLUMNS, type ClaimOutcome, type ClaimReason, type HeldClaim } from './types.js';

/** A held claim as spilled: its work-queue entry and its open findings (for the HTML report). */
export interface HeldRecord extends HeldClaim {
  findings: ClaimReason[];
}

/** The rules of the open findings: those that hold the claim first, then the others, each once. */
function ruleIdsOf(reasons: readonly ClaimReason[]): string[] {
  const ids: string[] = [];
  for (const pass of [true, false]) {
    for (const reason of reasons) if ((reason.action === 'held') === pass && !ids.includes(reason.ruleId)) ids.push(reason.ruleId);
  }
  return ids;
}

/** One line: the first finding that holds the claim (else its first open finding), and how many more there are. */
export function reasonOf(reasons: readonly ClaimReason[]): string {
  const first = reasons.find((reason) => reason.action === 'held') ?? reasons[0];
  if (!first) return '';
  const where = first.line === null ? '' : `line ${first.line}${first.procedure ? ` (${first.procedure})` : ''}: `;
  const more = reasons.length - 1;
  return `${where}${first.message.replace(/\s+/g, ' ')}${more > 0 ? ` (and ${more} more open finding${more === 1 ? '' : 's'})` : ''}`;
}

export function heldRecordOf(outcome: ClaimOutcome): HeldRecord {
  return {
    file: outcome.file,
    claimId: outcome.claimId,
    memberId: outcome.memberId,
    firstServiceDate: outcome.serviceDate,
    lastServiceDate: outcome.lastServiceDate,
    renderingNpi: outcome.renderingNpi,
    payerId: outcome.payerId,
    payerName: outcome.payerName,
    chargeCents: outcome.chargeCents,
    ruleIds: ruleIdsOf(outcome.reasons),
    reason: reasonOf(outcome.reasons),
    findings: outcome.reasons,
  };
}

/** The work-queue entry of a record (what exceptions.json `heldClaims` carries). */
export function heldClaimOf(record: HeldRecord): HeldClaim {
  return {
    file: record.file,
    claimId: record.claimId,
    memberId: record.memberId,
    firstServiceDate: record.firstServiceDate,
    lastServiceDate: record.lastServiceDate,
    renderingNpi: record.renderingNpi,
    payerId: record.payerId,
    payerName: record.payerName,
    chargeCents: record.chargeCents,
    ruleIds: record.ruleIds,
    reason: record.reason,
  };
}

/** Where a file's held records lie in its spill, and their charges, in read order. */
export class HeldIndex {
  count = 0;
  charges = new Float64Array(64);
  offsets = new Float64Array(64);
  lengths = new Uint32Array(64);

  /** Spills the record and indexes it. */
  spill(record: HeldRecord, out: SpillFile): void {
    const offset = out.position();
    out.text(`${JSON.stringify(record)}\n`);
    this.add(record.chargeCents, offset, out.position() - offset);
  }

  add(chargeCents: number, offset: number, length: number): void {
    if (this.count === this.charges.length) this.grow();
    this.charges[this.count] = chargeCents;
    this.offsets[this.count] = offset;
    this.lengths[this.count] = length;
    this.count += 1;
  }

  private grow(): void {
    const size = this.charges.length * 2;
    const charges = new Float64Array(size);
    charges.set(this.charges);
    const offsets = new Float64Array(size);
    offsets.set(this.offsets);
    const lengths = new Uint32Array(size);
    lengths.set(this.lengths);
    this.charges = charges;
    this.offsets = offsets;
    this.lengths = lengths;
  }
}

/** Open files kept while reading records in rank order (they come from every file in turn). */
const OPEN_FILES = 32;

/** Every held claim of a run, in rank order: most charges first, then input order (file, then claim). */
export class HeldRanking {
  readonly count: number;
  private readonly spills: string[];
  private readonly file: Uint32Array;
  private readonly offset: Float64Array;
  private readonly length: Uint32Array;
  private readonly order: Uint32Array;

  /** `files`: each input file's held spill and index, in input order. */
  constructor(files: readonly { spill: string; index: HeldIndex }[]) {
    this.count = files.reduce((sum, entry) => sum + entry.index.count, 0);
    this.spills = files.map((entry) => entry.spill);
    this.file = new Uint32Array(this.count);
    this.offset = new Float64Array(this.count);
    this.length = new Uint32Array(this.count);
    const charges = new Float64Array(this.count);
    let at = 0;
    files.forEach((entry, fileIndex) => {
      const index = entry.index;
      this.file.fill(fileIndex, at, at + index.count);
      this.offset.set(index.offsets.subarray(0, index.count), at);
      this.length.set(index.lengths.subarray(0, index.count), at);
      charges.set(index.charges.subarray(0, index.count), at);
      at += index.count;
    });
    this.order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) this.order[i] = i;
    this.order.sort((a, b) => charges[b]! - charges[a]! || a - b);
  }

  /** Calls `each` with every record in rank order (0-based rank). */
  forEach(each: (record: HeldRecord, rank: number) => void): void {
    const open = new Map<number, number>();
    let buffer = Buffer.allocUnsafe(64 * 1024);
    try {
      for (let rank = 0; rank < this.count; rank++) {
        const at = this.order[rank]!;
        const file = this.file[at]!;
        let fd = open.get(file);
        if (fd === undefined) {
          if (open.size >= OPEN_FILES) {
            const [oldest, oldFd] = open.entries().next().value as [number, number];
            closeSync(oldFd);
            open.delete(oldest);
          }
          fd = openSync(this.spills[file]!, 'r');
          open.set(file, fd);
        }
        const length = this.length[at]!;
        if (length > buffer.length) buffer = Buffer.allocUnsafe(length);
        let read = 0;
        while (read < length) {
          const got = readSync(fd, buffer, read, length - read, this.offset[at]! + read);
          if (got === 0) throw new Error(`internal: held claims spill ${this.spills[file]!} ends early`);
          read += got;
        }
        each(JSON.parse(buffer.toString('utf8', 0, length)) as HeldRecord, rank);
      }
    } finally {
      for (const fd of open.values()) closeSync(fd);
    }
  }
}

/** The header of held-claims.csv: the entry's keys, `chargeCents` named `charge` (written in dollars). */
export const HELD_CSV_HEADERS = HELD_CLAIM_COLUMNS.map((column) => (column === 'chargeCents' ? 'charge' : column));

/** One row of held-claims.csv (cells as exceptions.csv writes them; the rule ids separated by spaces). */
export function heldCsvRecord(claim: HeldClaim): string {
  let record = '';
  for (let i = 0; i < HELD_CLAIM_COLUMNS.length; i++) {
    const column = HELD_CLAIM_COLUMNS[i]!;
    if (i !== 0) record += ',';
    if (column === 'chargeCents') {
      record += formatCents(claim.chargeCents);
      continue;
    }
    const value = column === 'ruleIds' ? claim.ruleIds.join(' ') : claim[column];
    if (value === null || value === '') continue;
    record += csvCell(neutralizeFormula(value));
  }
  return `${record}\n`;
}
