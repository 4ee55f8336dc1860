/**
 * The X12 ClaimWriter. Unchanged claims are written as their raw segments; changed claims are re-serialized
 * segment by segment (only the segments whose values changed are rebuilt, in the input's delimiters and
 * line-ending style). The envelope is re-emitted around the claims each writer receives: consecutive claims
 * with the same ISA/GS/ST/HL context share the output loops, and SE01, GE01, IEA01, the trailer control numbers
 * and the HL numbering are recomputed, so every output is a valid interchange — and a file whose claims all go
 * to one writer unchanged comes out byte-identical (when its counts were right).
 */
import type { Writable } from 'node:stream';
import type { Claim, Diagnosis, ServiceLine } from '../encounter/model.js';
import type { ClaimWriter, ReadClaim } from '../formats/types.js';
import { type Group, type HlLoop, type Interchange, type Transaction, type X12RawClaim, isX12Raw } from './assembler.js';
import type { Delimiters, Segment } from './tokenizer.js';
import { formatX12Amount } from '../encounter/money.js';
import { formatQuantity, parseCents, parseQuantity } from './values.js';
import { X12Error } from './errors.js';

const FLUSH_AT = 64 * 1024;
const RESOLVED: Promise<void> = Promise.resolve();
const MAX_BUFFERED = 1024 * 1024;
/** Parts up to this many chars are copied into a chunk by a loop (a native write per part costs more). */
const SHORT_PART = 24;
const DIAGNOSIS_QUALIFIERS = new Set(['ABK', 'ABF', 'BK', 'BF']);
const BOM_AND_WHITESPACE = /^(?:\u00ef\u00bb\u00bf)?[\r\n\t ]*$/;
const NON_ASCII = /[^\u0000-\u007f]/;

/** Latin1 text (one char per byte) of a UTF-8 string. */
function toLatin1(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** A segment rebuilt from elements, keeping the original's suffix (line ending). */
function build(orig: Segment, elements: readonly string[]): string {
  let last = elements.length - 1;
  while (last > 1 && elements[last] === '') last--;
  const d = orig.delimiters;
  return toLatin1(elements.slice(0, last + 1).join(d.element)) + d.terminator + orig.suffix;
}

export function createX12Writer(out: Writable): ClaimWriter {
  return new X12Writer(out);
}

class X12Writer implements ClaimWriter {
  /** Text to write; a number is written as its decimal digits (renumbered HL ids, without a string each). */
  /**
   * parts[0..partCount): reused from flush to flush (a new array per flush would grow by copying); emptied slots
   * are set to 0 so that no old text is kept alive.
   */
  private readonly parts: (string | number)[] = [];
  private partCount = 0;
  private partsLength = 0;
  /**
   * The run of input text being gathered: consecutive segments that lie next to each other in one tokenizer
   * text (an unchanged claim, its HL loop, whole runs of claims) are copied out in one slice at the end.
   */
  private runSource: string | undefined;
  private runFrom = 0;
  private runTo = 0;
  private bytesWritten = 0;
  private claims = 0;
  private interchange: Interchange | undefined;
  private group: Group | undefined;
  private transaction: Transaction | undefined;
  private hl20: HlLoop | undefined;
  private hl22: HlLoop | undefined;
  private hl23: HlLoop | undefined;
  private groupsInInterchange = 0;
  private transactionsInGroup = 0;
  private segmentsInTransaction = 0;
  private nextHl = 1;
  private hl20Id = 0;
  private hl22Id = 0;
  private closed = false;

  constructor(private readonly out: Writable) {}

  /**
   * Not an async function: most writes only gather text, and an async function allocates its promise and frame
   * for every claim; those share one resolved promise (a refused claim still gives a rejected one).
   */
  write(read: ReadClaim, claim: Claim, changed: boolean): Promise<void> {
    try {
      this.gather(read, claim, changed);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.partsLength >= FLUSH_AT ? this.flush() : RESOLVED;
  }

  /** write() without a promise while the text gathered is below FLUSH_AT (most claims). */
  writeNow(read: ReadClaim, claim: Claim, changed: boolean): Promise<void> | undefined {
    this.gather(read, claim, changed);
    return this.partsLength >= FLUSH_AT ? this.flush() : undefined;
  }

  private gather(read: ReadClaim, claim: Claim, changed: boolean): void {
    if (this.closed) throw new Error('X12 writer: write() after close()');
    const raw = read.raw;
    if (!isX12Raw(raw)) throw new X12Error('X12_NOT_X12', `${claim.source.file}: claim ${claim.claimId} was not read from X12 and cannot be written as X12`);
    // Serialize first: a refused claim leaves the output untouched.
    const body = changed ? serializeChanged(raw, read.claim, claim) : undefined;
    this.enter(raw);
    if (body === undefined) {
      const text = raw.text;
      if (text !== undefined) {
        // Its segments back to back in one text: the claim as read, without making its segments.
        this.pushRange(text.text, raw.textFrom, raw.textTo);
      } else {
        const segments = raw.segments;
        for (let i = 0; i < segments.length; i++) this.pushSegment(segments[i]!);
      }
      this.segmentsInTransaction += raw.segmentCount;
    } else {
      // Rebuilt segments as text; the others as read (consecutive ones copied as one run).
      for (let i = 0; i < body.length; i++) {
        const item = body[i]!;
        if (typeof item === 'string') this.push(item);
        else this.pushSegment(item);
      }
      this.segmentsInTransaction += body.length;
    }
    this.claims++;
  }

  async close(): Promise<{ claims: number }> {
    if (this.closed) return { claims: this.claims };
    this.closed = true;
    this.closeInterchange();
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.out.once('error', onError);
      this.out.end(() => {
        this.out.off('error', onError);
        resolve();
      });
    });
    return { claims: this.claims };
  }

  private push(text: string): void {
    this.endRun();
    this.parts[this.partCount++] = text;
    this.partsLength += text.length;
  }

  /** A non-negative integer as its decimal digits. */
  private pushNumber(value: number): void {
    this.endRun();
    this.parts[this.partCount++] = value;
    this.partsLength += decimalLength(value);
  }

  /** A segment as read (without a non-BOM prefix), extending the current run when it follows it. */
  private pushSegment(seg: Segment): void {
    this.pushRange(seg.source, seg.tagFrom, seg.rawTo);
  }

  private pushRange(source: string, from: number, to: number): void {
    if (from === this.runTo && source === this.runSource) {
      this.runTo = to;
    } else {
      this.endRun();
      this.runSource = source;
      this.runFrom = from;
      this.runTo = to;
    }
    this.partsLength += to - from;
  }

  private endRun(): void {
    if (this.runSource === undefined) return;
    this.parts[this.partCount++] = this.runSource.slice(this.runFrom, this.runTo);
    this.runSource = undefined;
    this.runTo = -1;
  }

  private async flush(): Promise<void> {
    this.endRun();
    const count = this.partCount;
    if (count === 0) return;
    // Each part straight into the chunk (no joined copy of the whole chunk on the JS heap).
    const parts = this.parts;
    let chunk = Buffer.allocUnsafe(this.partsLength);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const part = parts[i]!;
      if (typeof part === 'number') offset += writeDecimal(chunk, offset, part);
      else if (part.length > SHORT_PART) offset += chunk.write(part, offset, 'latin1');
      else {
        // A separator, a child flag, an HL piece (about half the parts): copied here, not through a native call
        // each. As 'latin1' writes: the low byte of each char.
        for (let k = 0; k < part.length; k++) chunk[offset++] = part.charCodeAt(k) & 0xff;
      }
    }
    if (offset !== chunk.length) chunk = chunk.subarray(0, offset);
    parts.fill(0, 0, count);
    this.partCount = 0;
    this.partsLength = 0;
    this.bytesWritten += chunk.length;
    // Keep up to MAX_BUFFERED queued so that parsing overlaps the writes (above a file stream's own high-water mark).
    if (!this.out.write(chunk) && this.out.writableLength >= MAX_BUFFERED) {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => {
          this.out.off('drain', onDrain);
          reject(error);
        };
        const onDrain = (): void => {
          this.out.off('error', onError);
          resolve();
        };
        this.out.once('drain', onDrain);
        this.out.once('error', onError);
      });
    }
  }

  /** Opens (and closes) envelope and HL loops so that the claim sits in its own context. */
  private enter(raw: X12RawClaim): void {
    const transaction = raw.transaction;
    const group = transaction?.group;
    const interchange = group?.interchange;
    if (interchange !== this.interchange) {
      this.closeInterchange();
      if (interchange !== undefined) this.openInterchange(interchange);
    }
    if (group !== this.group) {
      this.closeGroup();
      if (group !== undefined) this.openGroup(group);
    }
    if (transaction !== this.transaction) {
      this.closeTransaction();
      if (transaction !== undefined) this.openTransaction(transaction);
    }
    if (raw.hl20 !== this.hl20) {
      this.hl20 = raw.hl20;
      this.hl22 = this.hl23 = undefined;
      if (raw.hl20 !== undefined) this.hl20Id = this.emitHl(raw.hl20, NO_PARENT, '1');
    }
    if (raw.hl22 !== this.hl22) {
      this.hl22 = raw.hl22;
      this.hl23 = undefined;
      if (raw.hl22 !== undefined) this.hl22Id = this.emitHl(raw.hl22, raw.hl20 ? this.hl20Id : NO_PARENT, raw.hl23 ? '1' : '0');
    }
    if (raw.hl23 !== this.hl23) {
      this.hl23 = raw.hl23;
      if (raw.hl23 !== undefined) this.emitHl(raw.hl23, raw.hl22 ? this.hl22Id : NO_PARENT, '0');
    }
  }

  /** Writes an HL loop with recomputed HL01/HL02/HL04 (`parent` NO_PARENT: HL02 empty); returns its new id. */
  private emitHl(loop: HlLoop, parent: number, childFlag: string): number {
    const id = this.nextHl++;
    const hl = loop.hl;
    const same = hl.elIsNumber(1, id) && (parent === NO_PARENT ? hl.elIs(2, '') : hl.elIsNumber(2, parent)) && hl.elIs(4, childFlag);
    const from1 = hl.ascii ? hl.elementFrom(1) : -1;
    const from3 = from1 < 0 ? -1 : hl.elementFrom(3);
    if (same) this.pushSegment(hl);
    else if (from3 >= 0) {
      // build() of [HL, id, parent, HL03, child flag, HL05…] in pieces of the segment's own text (no string is
      // made but the short HL03 piece): the child flag is never empty, so only separators after it can be
      // trailing empty elements.
      const source = hl.source;
      const d = hl.delimiters;
      const end3 = hl.elementEnd(from3);
      this.pushRange(source, hl.tagFrom, from1);
      this.pushNumber(id);
      this.push(d.element);
      if (parent !== NO_PARENT) this.pushNumber(parent);
      if (end3 < hl.bodyEnd) this.pushRange(source, from3 - 1, end3 + 1);
      else {
        this.pushRange(source, from3 - 1, end3);
        this.push(d.element);
      }
      this.push(childFlag);
      const from5 = hl.elementFrom(5);
      let restEnd = hl.bodyEnd;
      if (from5 >= 0) while (restEnd >= from5 && source[restEnd - 1] === d.element) restEnd--;
      if (from5 >= 0 && restEnd >= from5) this.pushRange(source, from5 - 1, restEnd);
      if (hl.terminated && restEnd === hl.bodyEnd) this.pushRange(source, hl.bodyEnd, hl.rawTo);
      else this.push(d.terminator + hl.suffix);
    } else {
      const els = hl.elements.slice();
      while (els.length < 5) els.push('');
      els[1] = String(id);
      els[2] = parent === NO_PARENT ? '' : String(parent);
      els[4] = childFlag;
      this.push(build(hl, els));
    }
    const text = loop.text;
    if (text !== undefined) {
      this.pushRange(text.text, loop.textFrom, loop.textTo);
    } else {
      const segments = loop.segments;
      for (let i = 1; i < segments.length; i++) this.pushSegment(segments[i]!);
    }
    this.segmentsInTransaction += loop.segmentCount;
    return id;
  }

  private openInterchange(interchange: Interchange): void {
    const isa = interchange.isa;
    const keepPrefix = this.bytesWritten === 0 && this.partsLength === 0 && BOM_AND_WHITESPACE.test(isa.source.slice(isa.rawFrom, isa.tagFrom));
    if (keepPrefix) this.pushRange(isa.source, isa.rawFrom, isa.rawTo);
    else this.pushSegment(isa);
    this.interchange = interchange;
    this.groupsInInterchange = 0;
  }

  private openGroup(group: Group): void {
    this.pushSegment(group.gs);
    this.group = group;
    this.transactionsInGroup = 0;
    this.groupsInInterchange++;
  }

  private openTransaction(transaction: Transaction): void {
    this.pushSegment(transaction.st);
    for (const seg of transaction.header) this.pushSegment(seg);
    this.transaction = transaction;
    this.segmentsInTransaction = 1 + transaction.header.length;
    this.transactionsInGroup++;
    this.nextHl = 1;
    this.hl20 = this.hl22 = this.hl23 = undefined;
  }

  private closeTransaction(): void {
    const transaction = this.transaction;
    if (transaction === undefined) return;
    const count = String(this.segmentsInTransaction + 1);
    this.pushTrailer(trailer(transaction.se, transaction.st, 'SE', count, transaction.st.el(2)));
    this.transaction = undefined;
    this.hl20 = this.hl22 = this.hl23 = undefined;
  }

  private closeGroup(): void {
    this.closeTransaction();
    const group = this.group;
    if (group === undefined) return;
    this.pushTrailer(trailer(group.ge, group.gs, 'GE', String(this.transactionsInGroup), group.gs.el(6)));
    this.group = undefined;
  }

  private closeInterchange(): void {
    this.closeGroup();
    const interchange = this.interchange;
    if (interchange === undefined) return;
    this.pushTrailer(trailer(interchange.iea, interchange.isa, 'IEA', String(this.groupsInInterchange), interchange.isa.el(13)));
    // Ctrl-Z / NUL / whitespace padding after the file's last IEA, as read (an unchanged file stays identical).
    const padding = interchange.padding;
    if (padding !== undefined) this.pushRange(padding.source, padding.rawFrom, padding.rawTo);
    this.interchange = undefined;
  }

  private pushTrailer(text: string | Segment): void {
    if (typeof text === 'string') this.push(text);
    else this.pushSegment(text);
  }
}

/** emitHl's parent for an HL without one (HL02 empty). */
const NO_PARENT = -1;

/** Number of decimal digits of a non-negative integer. */
function decimalLength(value: number): number {
  let length = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) length++;
  return length;
}

/** Writes a non-negative integer's decimal digits at `offset`; returns how many. */
function writeDecimal(buffer: Buffer, offset: number, value: number): number {
  const length = decimalLength(value);
  let rest = value;
  for (let i = offset + length - 1; i >= offset; i--) {
    buffer[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return length;
}

/** The original trailer when its values are right, otherwise a rebuilt one in the same style. */
function trailer(original: Segment | undefined, header: Segment, tag: string, count: string, control: string): string | Segment {
  if (original !== undefined && original.terminated && original.elements.length === 3 && original.el(1) === count && original.el(2) === control) {
    return original;
  }
  const style = original ?? header;
  const d = header.delimiters;
  return toLatin1([tag, count, control].join(d.element)) + d.terminator + (original?.terminated ? original.suffix : lineEndingOf(style));
}

/** The line ending after a segment's terminator, without blank lines. */
function lineEndingOf(seg: Segment): string {
  const suffix = seg.suffix;
  if (suffix.startsWith('\r\n')) return '\r\n';
  if (suffix.startsWith('\n')) return '\n';
  if (suffix.startsWith('\r')) return '\r';
  return '';
}

// ---------------------------------------------------------------------------------------------------------
// Re-serializing a changed claim.

/** Checks values going into a changed claim; names the claim (`where`, made only for a message) when one cannot be written. */
class ValueChecker {
  constructor(
    private readonly d: Delimiters,
    private readonly file: string,
    private readonly claimId: string,
    private readonly ordinal: number,
  ) {}

  get where(): string {
    return `${this.file}: claim ${this.claimId} (segment ${this.ordinal})`;
  }

  /** A simple element value (no component separator allowed); its name in a message is `name` + `nameEnd`. */
  simple(value: string, name: string, nameEnd = ''): string {
    return this.check(value, name, nameEnd);
  }

  /** One component of a composite. */
  component(value: string, name: string, nameEnd = ''): string {
    return this.check(value, name, nameEnd);
  }

  private check(value: string, name: string, nameEnd: string): string {
    const d = this.d;
    // The delimiters in this order (the first one found is named): element, terminator, repetition, component.
    let found: string | undefined;
    if (value.includes(d.element)) found = d.element;
    else if (value.includes(d.terminator)) found = d.terminator;
    else if (d.repetition && value.includes(d.repetition)) found = d.repetition;
    else if (value.includes(d.component)) found = d.component;
    if (found !== undefined) {
      throw new X12Error(
        'X12_DELIMITER_IN_VALUE',
        `${this.where}: ${name}${nameEnd} "${value}" contains the delimiter "${found === '\n' ? '\\n' : found === '\r' ? '\\r' : found}"; the claim was not written`,
      );
    }
    if (value.includes('\r') || value.includes('\n')) {
      throw new X12Error('X12_DELIMITER_IN_VALUE', `${this.where}: ${name}${nameEnd} contains a line break; the claim was not written`);
    }
    return value;
  }
}

/** The first diagnosis is the principal one (ABK/BK), the others are ABF/BF, whatever they were before. */
function principalAware(dx: Diagnosis, principal: boolean): string {
  const icd10 = dx.qualifier === 'ABK' || dx.qualifier === 'ABF';
  const icd9 = dx.qualifier === 'BK' || dx.qualifier === 'BF';
  if (icd10) return principal ? 'ABK' : 'ABF';
  if (icd9) return principal ? 'BK' : 'BF';
  return dx.qualifier;
}

function sameDiagnoses(a: Diagnosis[], b: Diagnosis[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.qualifier !== b[i]!.qualifier) return false;
  return true;
}

/** A diagnosis code without punctuation or case (`M54.16` and `m5416` are the same code written two ways). */
function bareCode(code: string): string {
  return code.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

/** The qualifier of an HI composite (the text before its first component separator; the whole value without one). */
function qualifierOf(value: string, component: string): string {
  const separator = value.indexOf(component);
  return separator < 0 ? value : value.slice(0, separator);
}

/** True when some composite of this HI is qualified as a diagnosis (ABK, ABF, BK, BF): the reader read it as one. */
function holdsDiagnosis(seg: Segment, component: string): boolean {
  const count = seg.elementCount;
  for (let n = 1; n < count; n++) {
    const value = seg.el(n);
    if (value.includes(component) && DIAGNOSIS_QUALIFIERS.has(qualifierOf(value, component))) return true;
  }
  return false;
}

/** The composites of an HI that are not diagnoses, as read (empty elements left out). */
function nonDiagnosisComposites(seg: Segment, component: string): string[] {
  const others: string[] = [];
  const count = seg.elementCount;
  for (let n = 1; n < count; n++) {
    const value = seg.el(n);
    if (value === '') continue;
    if (value.includes(component) && DIAGNOSIS_QUALIFIERS.has(qualifierOf(value, component))) continue;
    others.push(value);
  }
  return others;
}

/**
 * For each diagnosis of `after`, the text its HI composite carried after the code as read (from the component
 * separator on, e.g. `:::::::Y` for a POA indicator), or '' for a diagnosis that was not read. A diagnosis of
 * `after` is the one read when it is the same object (the engine keeps unchanged diagnoses) or the same code
 * (a fix that only stripped a decimal point included); fixes only remove diagnoses or rewrite a code in place,
 * so the pairing keeps the order (the best-scoring order-preserving pairing: same object 4, same code 2, same code
 * without punctuation 1). A code changed into another diagnosis gets none of the old one's components: a POA
 * indicator, date or amount of one condition says nothing about another.
 */
function diagnosisTails(segs: readonly Segment[], claimEnd: number, before: readonly Diagnosis[], after: readonly Diagnosis[], component: string): string[] {
  // The composites as the reader read them (assembler.ts readDiagnoses: every HI of the claim, in order).
  const read: { code: string; tail: string }[] = [];
  for (let i = 1; i < claimEnd; i++) {
    const seg = segs[i]!;
    if (seg.tag !== 'HI') continue;
    const count = seg.elementCount;
    for (let n = 1; n < count; n++) {
      const value = seg.el(n);
      const separator = value.indexOf(component);
      if (separator < 0 || !DIAGNOSIS_QUALIFIERS.has(value.slice(0, separator))) continue;
      const next = value.indexOf(component, separator + 1);
      const code = next < 0 ? value.slice(separator + 1) : value.slice(separator + 1, next);
      if (code !== '') read.push({ code, tail: next < 0 ? '' : value.slice(next) });
    }
  }
  const tails = after.map(() => '');
  // Only when the composites are the claim's diagnoses as read (anything else: nothing to carry over).
  if (read.length !== before.length || read.some((entry, k) => entry.code !== before[k]!.code)) return tails;
  const score = (j: number, k: number): number => {
    const a = after[j]!;
    const b = before[k]!;
    if (a === b) return 4;
    if (a.code === b.code) return 2;
    return bareCode(a.code) === bareCode(b.code) ? 1 : 0;
  };
  // best[j][k]: the best pairing of after[j..] with before[k..].
  const m = after.length;
  const n = before.length;
  const best: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0));
  for (let j = m - 1; j >= 0; j--) {
    for (let k = n - 1; k >= 0; k--) {
      const pair = score(j, k);
      best[j]![k] = Math.max(pair > 0 ? pair + best[j + 1]![k + 1]! : 0, best[j + 1]![k]!, best[j]![k + 1]!);
    }
  }
  for (let j = 0, k = 0; j < m && k < n; ) {
    const pair = score(j, k);
    if (pair > 0 && best[j]![k] === pair + best[j + 1]![k + 1]!) {
      tails[j] = read[k]!.tail;
      j++;
      k++;
    } else if (best[j]![k] === best[j]![k + 1]) {
      k++;
    } else {
      j++;
    }
  }
  return tails;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sv1Changed(before: ServiceLine, after: ServiceLine): boolean {
  return (
    before.procedureQualifier !== after.procedureQualifier ||
    before.procedure !== after.procedure ||
    !sameList(before.modifiers, after.modifiers) ||
    (before.description ?? '') !== (after.description ?? '') ||
    before.chargeCents !== after.chargeCents ||
    before.unitBasis !== after.unitBasis ||
    before.units !== after.units ||
    (before.placeOfService ?? '') !== (after.placeOfService ?? '') ||
    !sameList(before.pointers, after.pointers)
  );
}

/**
 * A changed claim as written: its rebuilt segments as text, the others as the segments themselves (the writer
 * copies them as read). Throws X12Error, before anything is written, when a value cannot be written.
 */
export function serializeChanged(raw: X12RawClaim, before: Claim, after: Claim): (string | Segment)[] {
  const segs = raw.segments;
  const d = raw.delimiters;
  const clm = segs[0]!;
  const check = new ValueChecker(d, raw.file, before.claimId, clm.ordinal);
  const out: (string | Segment)[] = [];

  // CLM: total, place of service, frequency.
  const totalChanged = parseCents(clm.el(2)) !== after.totalChargeCents;
  const clm05 = clm.components(5);
  const clm05Changed = (clm05[0] ?? '') !== after.placeOfService || (clm05[2] ?? '') !== after.frequencyCode;
  if (totalChanged || clm05Changed) {
    const clmEls = clm.elements.slice();
    if (totalChanged) clmEls[2] = formatX12Amount(after.totalChargeCents);
    if (clm05Changed) {
      while (clm05.length < 3) clm05.push('');
      clm05[0] = check.component(after.placeOfService, 'CLM05-1 place of service');
      clm05[2] = check.component(after.frequencyCode, 'CLM05-3 frequency code');
      while (clmEls.length < 6) clmEls.push('');
      clmEls[5] = clm05.join(d.component);
    }
    out.push(build(clm, clmEls));
  } else {
    out.push(clm);
  }

  // Claim-level loops; HI rebuilt when the diagnoses changed.
  const lineStarts = raw.lineStarts;
  const claimEnd = lineStarts[0] ?? segs.length;
  const diagnosesChanged = !sameDiagnoses(before.diagnoses, after.diagnoses);
  let hiWritten = false;
  for (let i = 1; i < claimEnd; i++) {
    const seg = segs[i]!;
    if (diagnosesChanged && seg.tag === 'HI' && holdsDiagnosis(seg, d.component)) {
      if (!hiWritten) {
        // The components after each code (HI01-3 … HI01-9: date, amount, quantity, version, present on admission)
        // are kept for a diagnosis that is still there (its qualifier may change, ABF → ABK).
        const tails = diagnosisTails(segs, claimEnd, before.diagnoses, after.diagnoses, d.component);
        for (let at = 0; at < after.diagnoses.length; at += 12) {
          const els = ['HI'];
          const upTo = Math.min(at + 12, after.diagnoses.length);
          for (let k = at; k < upTo; k++) {
            const dx = after.diagnoses[k]!;
            const qualifier = principalAware(dx, k === 0);
            els.push(check.component(qualifier, 'HI qualifier') + d.component + check.component(dx.code, 'diagnosis code') + tails[k]!);
          }
          out.push(build(seg, els));
        }
        hiWritten = true;
      }
      // What else the segment carried (anesthesia procedures BP/BO, condition codes BG, unknown qualifiers) is not
      // the diagnoses' to drop: it stays where it was, in an HI of its own.
      const others = nonDiagnosisComposites(seg, d.component);
      if (others.length > 0) out.push(build(seg, ['HI', ...others]));
      continue;
    }
    out.push(seg);
  }

  // Lines, mapped back to their original loops by key.
  if (after.lines.length > 0 && lineStarts.length === 0) {
    throw new X12Error('X12_UNKNOWN_LINE', `${check.where}: the claim has no service line loops to rebuild lines from; the claim was not written`);
  }
  for (let position = 0; position < after.lines.length; position++) {
    const line = after.lines[position]!;
    const plus = line.key.indexOf('+');
    const baseKey = plus < 0 ? line.key : line.key.slice(0, plus);
    const index = lastLineWithKey(before.lines, baseKey);
    const original = index < 0 ? undefined : before.lines[index];
    if (original === undefined || index >= lineStarts.length) {
      throw new X12Error('X12_UNKNOWN_LINE', `${check.where}: line key "${line.key}" matches no line read from the file; the claim was not written`);
    }
    const from = lineStarts[index]!;
    const to = lineStarts[index + 1] ?? segs.length;
    const lx = segs[from]!;
    const number = String(position + 1);
    out.push(lx.elIs(1, number) && lx.elementCount === 2 ? lx : build(lx, ['LX', number]));
    let sv1Done = false;
    for (let i = from + 1; i < to; i++) {
      const seg = segs[i]!;
      if (seg.tag === 'SV1' && !sv1Done) {
        sv1Done = true;
        out.push(sv1Changed(original, line) ? rebuildSv1(seg, line, after.placeOfService, check, lineName(position, line)) : seg);
      } else if (seg.tag === 'LIN' && (original.drug?.ndc ?? '') !== (line.drug?.ndc ?? '') && line.drug?.ndc !== undefined) {
        const els = seg.elements.slice();
        while (els.length < 4) els.push('');
        els[3] = check.simple(line.drug.ndc, lineName(position, line), ' NDC');
        out.push(build(seg, els));
      } else {
        out.push(seg);
      }
    }
  }
  return out;
}

/** Index of the last line keyed `key` (as a map from key to index built in line order would give); -1 when none. */
function lastLineWithKey(lines: readonly ServiceLine[], key: string): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.key === key) return i;
  return -1;
}

/** How messages name a line of a changed claim. */
function lineName(position: number, line: ServiceLine): string {
  return `line ${position + 1} (key ${line.key})`;
}

function rebuildSv1(sv1: Segment, line: ServiceLine, claimPlaceOfService: string, check: ValueChecker, where: string): string {
  const d = sv1.delimiters;
  const els = sv1.elements.slice();
  while (els.length < 8) els.push('');
  if (line.modifiers.length > 4) throw new X12Error('X12_TOO_MANY_MODIFIERS', `${where}: ${line.modifiers.length} modifiers; SV101 holds at most 4; the claim was not written`);
  const composite = [check.component(line.procedureQualifier, where, ' procedure qualifier'), check.component(line.procedure, where, ' procedure code')];
  for (let i = 0; i < 4; i++) composite.push(check.component(line.modifiers[i] ?? '', where, ' modifier'));
  if (line.description !== undefined && line.description !== '') composite.push(check.component(line.description, where, ' description'));
  let last = composite.length - 1;
  while (last > 1 && composite[last] === '') last--;
  els[1] = composite.slice(0, last + 1).join(d.component);
  els[2] = parseCents(sv1.el(2)) === line.chargeCents ? sv1.el(2) : formatX12Amount(line.chargeCents);
  els[3] = check.simple(line.unitBasis, where, ' unit basis');
  els[4] = parseQuantity(sv1.el(4)) === line.units ? sv1.el(4) : formatQuantity(line.units);
  // No line value: the line follows the claim; an SV105 that was there (equal to the claim's) stays, following it.
  els[5] = check.simple(line.placeOfService ?? (sv1.el(5) !== '' ? claimPlaceOfService : ''), where, ' place of service');
  els[7] = line.pointers.map((p) => {
    if (!Number.isInteger(p) || p < 1 || p > 12) throw new X12Error('X12_BAD_POINTER', `${where}: diagnosis pointer ${p} is not 1–12; the claim was not written`);
    return String(p);
  }).join(d.component);
  return build(sv1, els);
}
