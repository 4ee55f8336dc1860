/**
 * Streaming X12 tokenizer. Bytes are decoded as latin1 so that one character is one byte: byte offsets are
 * string indices, a multi-byte UTF-8 character split across chunks cannot be damaged, and writing a raw text
 * back with the latin1 encoding restores the input byte for byte. Element values are decoded as UTF-8 on demand
 * (only when the segment holds a byte above 0x7F).
 *
 * Every byte of the input belongs to exactly one segment's `raw`: a BOM or stray bytes before an ISA are the
 * ISA's prefix, and the line ending / blank lines after a terminator are the segment's suffix. Concatenating
 * the raw texts of all segments gives back the file.
 */

import { isAscii } from 'node:buffer';
import { parseD8, parseD8At, sharedValue } from './values.js';

export interface Delimiters {
  element: string;
  /** ISA11 when it is a separator (005010); undefined for a 004010-style `U`. */
  repetition: string | undefined;
  component: string;
  terminator: string;
}

/** A problem the tokenizer noticed (turned into a FileProblem by the reader). */
export interface TokenizerNote {
  code: 'X12_GARBAGE' | 'X12_BAD_ISA' | 'X12_NO_ISA' | 'X12_TRUNCATED' | 'X12_SEGMENT_TOO_LONG';
  byteOffset: number;
  /** Ordinal of the segment it belongs to (or the next one). */
  segment: number;
  detail: string;
  /** Nothing could be read (no interchange at all). */
  fatal?: boolean;
}

const NON_ASCII = /[\u0080-\u00ff]/;
/** What a segment tag looks like; anything else in a tag's place is not named in messages (they are logged). */
const TAG_SHAPE = /^[A-Z][A-Z0-9]{1,2}$/;
/** A segment longer than this without a terminator is cut (bounded memory on garbage input). */
const MAX_SEGMENT_CHARS = 16 * 1024 * 1024;

/**
 * The element cursor of el(): the segment read last, and index and start (in its source) of the element read
 * last. Reading elements of one segment in ascending order scans it once; one cursor for all segments keeps
 * the segments small (the mapping reads one segment at a time).
 */
let cursorSegment: Segment | undefined;
let cursorIndex = 0;
let cursorFrom = 0;

/**
 * What the segments of one tokenizer text share: the text, its offset in the file, the delimiters and whether it
 * is known to be ASCII (one object per scan and delimiter set, so that a Segment stays small: node has 8-byte
 * fields, and there are millions of segments).
 */
export interface SegmentSource {
  readonly text: string;
  /** Byte offset in the file of text[0]. */
  readonly base: number;
  readonly delimiters: Delimiters;
  /** True when the text is known to hold only ASCII bytes (no UTF-8 decoding needed). */
  readonly ascii: boolean;
}

/**
 * The elements of the segment split last (non-ASCII segments and `elements`): one entry for all segments, as
 * the cursor, so that a Segment has no field for a cache that almost every segment leaves empty.
 */
let splitSegment: Segment | undefined;
let splitElements: string[] = [];

export class Segment {
  constructor(
    /** The text the segment lies in: its own text is never copied out (writers copy runs of segments in one slice). */
    public context: SegmentSource,
    /** Index in source where raw begins (its prefix, if any). */
    public rawFrom: number,
    /** Index in source where the tag begins. */
    public tagFrom: number,
    /** Index in source just after the body (where the terminator is, or rawTo when unterminated). */
    public bodyEnd: number,
    /** Index in source just after raw (after the terminator and the trailing whitespace). */
    public rawTo: number,
    public tag: string,
    /** 1-based ordinal in the file (the first ISA is 1). */
    public ordinal: number,
  ) {}

  /**
   * Points this object at another segment (the assembler recycles the objects of a claim's segments from claim
   * to claim: they never outlive the claim's mapping).
   */
  reset(context: SegmentSource, rawFrom: number, tagFrom: number, bodyEnd: number, rawTo: number, tag: string, ordinal: number): void {
    if (cursorSegment === this) cursorSegment = undefined;
    if (splitSegment === this) splitSegment = undefined;
    this.context = context;
    this.rawFrom = rawFrom;
    this.tagFrom = tagFrom;
    this.bodyEnd = bodyEnd;
    this.rawTo = rawTo;
    this.tag = tag;
    this.ordinal = ordinal;
  }

  /** A copy that may be kept (of a recycled segment). */
  clone(): Segment {
    return new Segment(this.context, this.rawFrom, this.tagFrom, this.bodyEnd, this.rawTo, this.tag, this.ordinal);
  }

  /** The tokenizer's text (latin1) the segment lies in, shared by the segments of one chunk. */
  get source(): string {
    return this.context.text;
  }

  get delimiters(): Delimiters {
    return this.context.delimiters;
  }

  /** True when the segment is known to hold only ASCII bytes (no UTF-8 decoding needed). */
  get ascii(): boolean {
    return this.context.ascii;
  }

  /** Byte offset of the tag in the file. */
  get byteOffset(): number {
    return this.context.base + this.tagFrom;
  }

  /** Whether a terminator ends the segment (only a truncated file's last segment, or a cut one, has none). */
  get terminated(): boolean {
    return this.rawTo > this.bodyEnd;
  }

  /** Latin1 text: prefix + body + terminator + trailing whitespace. */
  get raw(): string {
    return this.source.slice(this.rawFrom, this.rawTo);
  }

  /** Index in raw where the tag begins (0 unless a BOM or stray bytes precede it). */
  get start(): number {
    return this.tagFrom - this.rawFrom;
  }

  /** Index in raw just after the body (where the terminator is, or raw's end when unterminated). */
  get end(): number {
    return this.bodyEnd - this.rawFrom;
  }

  /** The body between tag start and terminator, as latin1. */
  get body(): string {
    return this.source.slice(this.tagFrom, this.bodyEnd);
  }

  /** What follows the terminator (line ending, blank lines). */
  get suffix(): string {
    return this.terminated ? this.source.slice(this.bodyEnd + 1, this.rawTo) : '';
  }

  /** elements[0] is the tag; elements[1] is XX01. Values are UTF-8 decoded. */
  get elements(): string[] {
    if (splitSegment !== this) {
      let body = this.body;
      if (!this.ascii && NON_ASCII.test(body)) body = Buffer.from(body, 'latin1').toString('utf8');
      splitElements = splitOn(body, this.delimiters.element);
      splitSegment = this; // eslint-disable-line @typescript-eslint/no-this-alias -- identity key of a one-entry memo
    }
    return splitElements;
  }

  /**
   * Element n (1-based; 0 is the tag), '' when absent. Slices only the element asked for; a cursor remembers
   * where the last element asked for starts, so reading elements in ascending order scans the segment once
   * and allocates nothing but the values.
   */
  el(n: number): string {
    const from = this.locate(n);
    if (from === -2) return this.elements[n] ?? '';
    if (from < 0) return '';
    const source = this.source;
    let to = source.indexOf(this.delimiters.element, from);
    if (to < 0 || to > this.bodyEnd) to = this.bodyEnd;
    return source.slice(from, to);
  }

  /**
   * Where element n starts in `source` (ASCII segments): -1 when the segment has fewer elements, -2 when the
   * caller must go through `elements` (non-ASCII).
   */
  private locate(n: number): number {
    if (!this.ascii) return -2;
    const source = this.source;
    const separator = this.delimiters.element;
    const end = this.bodyEnd;
    let index = 0;
    let from = this.tagFrom;
    if (cursorSegment === this && n >= cursorIndex) {
      index = cursorIndex;
      from = cursorFrom;
    }
    while (index < n) {
      const at = source.indexOf(separator, from);
      if (at < 0 || at >= end) return -1;
      from = at + 1;
      index++;
    }
    cursorSegment = this; // eslint-disable-line @typescript-eslint/no-this-alias -- identity key of the element cursor
    cursorIndex = index;
    cursorFrom = from;
    return from;
  }

  /**
   * Where element n starts in `source`, to read it in place (its end: elementEnd): -1 when the segment has fewer
   * elements, -2 when the segment is not ASCII (read it with el()).
   */
  elementFrom(n: number): number {
    return this.locate(n);
  }

  /** Where the element that starts at `from` (elementFrom) ends in `source`. */
  elementEnd(from: number): number {
    const to = this.context.text.indexOf(this.context.delimiters.element, from);
    return to < 0 || to > this.bodyEnd ? this.bodyEnd : to;
  }

  /** el(n), the same string as an equal short value read before (sharedValue: codes, qualifiers, NPIs). */
  elShared(n: number): string {
    const from = this.locate(n);
    if (from === -2) return this.elements[n] ?? '';
    if (from < 0) return '';
    return sharedValue(this.context.text, from, this.elementEnd(from));
  }

  /** The body from the separator before element n to its end ('' when there is no element n); latin1 for ASCII segments. */
  textFrom(n: number): string {
    const from = this.locate(n);
    if (from === -2) {
      const elements = this.elements;
      return n < elements.length ? this.delimiters.element + elements.slice(n).join(this.delimiters.element) : '';
    }
    return from < 0 ? '' : this.source.slice(from - 1, this.bodyEnd);
  }

  /** Length of element n ('' and absent: 0). */
  elLength(n: number): number {
    const from = this.locate(n);
    if (from === -2) return (this.elements[n] ?? '').length;
    if (from < 0) return 0;
    let to = this.source.indexOf(this.delimiters.element, from);
    if (to < 0 || to > this.bodyEnd) to = this.bodyEnd;
    return to - from;
  }

  /** Element n as a D8 date (parseD8), without slicing it out; undefined when it is not one. */
  d8(n: number): string | undefined {
    const from = this.locate(n);
    if (from === -2) return parseD8(this.elements[n] ?? '');
    if (from < 0) return undefined;
    const after = from + 8;
    if (after > this.bodyEnd || (after < this.bodyEnd && this.source[after] !== this.delimiters.element)) return undefined;
    return parseD8At(this.source, from);
  }

  /** Whether element n equals `value`, without slicing it out (the hot qualifier checks: NM101, DTP01, REF01). */
  elIs(n: number, value: string): boolean {
    const from = this.locate(n);
    if (from === -2) return (this.elements[n] ?? '') === value;
    if (from < 0) return value === '';
    const after = from + value.length;
    if (after > this.bodyEnd || !this.source.startsWith(value, from)) return false;
    return after === this.bodyEnd || this.source[after] === this.delimiters.element;
  }

  /** Whether element n is `value` written as String(value) does (digits, no leading zero), without slicing it out. */
  elIsNumber(n: number, value: number): boolean {
    const from = this.locate(n);
    if (from === -2) return (this.elements[n] ?? '') === String(value);
    if (from < 0) return false;
    const source = this.source;
    const end = this.bodyEnd;
    const separator = this.delimiters.element.charCodeAt(0);
    let length = 0;
    let parsed = 0;
    for (let i = from; i < end; i++) {
      const code = source.charCodeAt(i);
      if (code === separator) break;
      if (code < 48 || code > 57 || length === 15) return false;
      parsed = parsed * 10 + (code - 48);
      length++;
    }
    if (length === 0 || (length > 1 && source.charCodeAt(from) === 48)) return false;
    return parsed === value;
  }

  /** Whether element 1 equals `value`, without slicing it out. */
  firstIs(value: string): boolean {
    if (!this.ascii) return this.elements[1] === value;
    const from = this.tagFrom + this.tag.length + 1;
    const after = from + value.length;
    if (after > this.bodyEnd || !this.source.startsWith(value, from)) return false;
    return after === this.bodyEnd || this.source[after] === this.delimiters.element;
  }

  /** Number of elements including the tag (elements.length). */
  get elementCount(): number {
    if (!this.ascii) return this.elements.length;
    const source = this.source;
    const separator = this.delimiters.element;
    const end = this.bodyEnd;
    let count = 1;
    for (let at = source.indexOf(separator, this.tagFrom); at >= 0 && at < end; at = source.indexOf(separator, at + 1)) count++;
    return count;
  }

  /** Components of element n. */
  components(n: number): string[] {
    return splitOn(this.el(n), this.delimiters.component);
  }
}

/**
 * Segments completed by one push, column-wise in reused typed arrays (no object per segment: the assembler
 * makes a Segment only of what it keeps beyond the claim, and recycles the objects of a claim's segments).
 */
export class SegmentBatch {
  count = 0;
  rawFrom = new Int32Array(256);
  tagFrom = new Int32Array(256);
  bodyEnd = new Int32Array(256);
  rawTo = new Int32Array(256);
  ordinal = new Float64Array(256);
  readonly tags: string[] = [];
  readonly contexts: (SegmentSource | undefined)[] = [];

  add(context: SegmentSource, rawFrom: number, tagFrom: number, bodyEnd: number, rawTo: number, tag: string, ordinal: number): void {
    const at = this.count++;
    if (at === this.rawFrom.length) this.grow();
    this.rawFrom[at] = rawFrom;
    this.tagFrom[at] = tagFrom;
    this.bodyEnd[at] = bodyEnd;
    this.rawTo[at] = rawTo;
    this.ordinal[at] = ordinal;
    this.tags[at] = tag;
    this.contexts[at] = context;
  }

  /** Segment `at` as an object of its own. */
  segment(at: number): Segment {
    return new Segment(this.contexts[at]!, this.rawFrom[at]!, this.tagFrom[at]!, this.bodyEnd[at]!, this.rawTo[at]!, this.tags[at]!, this.ordinal[at]!);
  }

  /** Forgets the segments (keeping the arrays, but not the segments' text alive). */
  clear(): void {
    this.contexts.fill(undefined, 0, this.count);
    this.count = 0;
  }

  toArray(): Segment[] {
    const segments: Segment[] = [];
    for (let at = 0; at < this.count; at++) segments.push(this.segment(at));
    return segments;
  }

  private grow(): void {
    const size = this.rawFrom.length * 2;
    const grown = <T extends Int32Array | Float64Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.rawFrom = grown(this.rawFrom, new Int32Array(size));
    this.tagFrom = grown(this.tagFrom, new Int32Array(size));
    this.bodyEnd = grown(this.bodyEnd, new Int32Array(size));
    this.rawTo = grown(this.rawTo, new Int32Array(size));
    this.ordinal = grown(this.ordinal, new Float64Array(size));
  }
}

/** String.prototype.split for a one-character separator, about twice as fast on short V8 strings. */
export function splitOn(text: string, separator: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf(separator, from);
    if (at < 0) {
      parts.push(from === 0 ? text : text.slice(from));
      return parts;
    }
    parts.push(text.slice(from, at));
    from = at + 1;
  }
}

const WHITESPACE = new Set(['\r', '\n', '\t', ' ', '\f', '\v']);

const PADDING = /^(?:[\x00\x1a\t\n\v\f\r ]|\u00ef\u00bb\u00bf)*$/;

/**
 * Whether text is only the padding real files carry after their last IEA: Ctrl-Z (0x1A, DOS end of file), NUL
 * bytes, whitespace, and UTF-8 byte-order marks (an empty file's, left by concatenation). Accepted there (and kept:
 * see the assembler's Interchange.padding), nowhere else.
 */
export function isTrailingPadding(text: string): boolean {
  return PADDING.test(text);
}
/** \t \n \v \f \r and space. */
function isWhitespaceCode(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}
const BOM_LATIN1 = '\u00ef\u00bb\u00bf';

function isTagChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Incremental tokenizer: push latin1 text, get complete segments. Keeps at most one partial segment.
 * Not chunk-sensitive: the same input gives the same segments whatever the chunking.
 */
export class X12Tokenizer {
  readonly notes: TokenizerNote[] = [];
  private pending = '';
  /** Offset in the file of pending[0]. */
  private pendingOffset = 0;
  /** Extra text received while looking for a terminator (avoids re-scanning long partial segments). */
  private parts: string[] = [];
  private partsLength = 0;
  private delimiters: Delimiters | undefined;
  private ordinal = 0;
  private sawIsa = false;
  /** True while every byte of `pending` (and `parts`) is ASCII. */
  private pendingAscii = true;
  /** What the segments of the current scan share (new at each scan and each delimiter change). */
  private context: SegmentSource | undefined;
  /** Offset of the malformed ISA already reported (re-scans must not report it again). */
  private lastBadIsa = -1;
  /** The delimiters of the interchange whose IEA was read last (segments after it that are no ISA use them). */
  private afterIea: Delimiters | undefined;

  /**
   * Feed one chunk (latin1). Returns the segments it completed. `ascii`: the caller knows the chunk is pure
   * ASCII (saves a scan per segment); when omitted the chunk is treated as possibly non-ASCII.
   */
  push(text: string, ascii = false): Segment[] {
    const batch = new SegmentBatch();
    this.pushTo(text, ascii, batch);
    return batch.toArray();
  }

  /** push() into a reusable batch (the reader's: no new array per chunk). */
  pushTo(text: string, ascii: boolean, out: SegmentBatch): void {
    this.pendingAscii = this.pendingAscii && ascii;
    if (this.parts.length > 0 || (this.delimiters !== undefined && this.pending.length > 0 && !this.pendingHasTerminator())) {
      // Waiting for a terminator: only the new text needs scanning.
      if (this.delimiters !== undefined && text.indexOf(this.delimiters.terminator) < 0 && this.partsLength + this.pending.length + text.length < MAX_SEGMENT_CHARS) {
        this.parts.push(text);
        this.partsLength += text.length;
        return;
      }
    }
    if (this.parts.length > 0) {
      this.pending = this.pending + this.parts.join('') + text;
      this.parts = [];
      this.partsLength = 0;
    } else {
      this.pending = this.pending.length === 0 ? text : this.pending + text;
    }
    this.scan(out, false);
    // What is left is a partial segment: re-derive its flag so one non-ASCII chunk does not stick.
    this.pendingAscii = this.pending.length === 0 || !NON_ASCII.test(this.pending);
  }

  /** End of input: returns the remaining segments (an unterminated tail becomes an unterminated segment). */
  end(): Segment[] {
    const out = new SegmentBatch();
    if (this.parts.length > 0) {
      this.pending += this.parts.join('');
      this.parts = [];
      this.partsLength = 0;
    }
    this.scan(out, true);
    if (this.pending.length > 0) {
      const rest = this.pending;
      // Whitespace after a terminator was absorbed by the scan: what is left is text without a terminator
      // (or a file of nothing but whitespace). It becomes one unterminated segment so no byte is lost.
      const startInRest = skipLeading(rest);
      const offset = this.pendingOffset;
      const delims = this.delimiters ?? DEFAULT_DELIMITERS;
      const body = rest.slice(startInRest);
      const tag = readTag(body, delims.element);
      this.ordinal++;
      if (body.length > 0) {
        if (!this.sawIsa && body.startsWith('ISA')) {
          this.notes.push({ code: 'X12_TRUNCATED', byteOffset: offset + startInRest, segment: this.ordinal, detail: 'the ISA segment is incomplete: the file is truncated', fatal: true });
        } else if (!this.sawIsa) {
          this.notes.push({ code: 'X12_NO_ISA', byteOffset: offset + startInRest, segment: this.ordinal, detail: 'no ISA segment found' });
        } else if (this.delimiters === undefined) {
          // After the last IEA: padding is accepted, anything else is garbage.
          if (!isTrailingPadding(rest)) this.notes.push({ code: 'X12_GARBAGE', byteOffset: offset + startInRest, segment: this.ordinal, detail: `unexpected text after the last IEA` });
        } else {
          this.notes.push({ code: 'X12_TRUNCATED', byteOffset: offset + startInRest, segment: this.ordinal, detail: `segment ${TAG_SHAPE.test(tag) ? tag : '(no tag)'} has no terminator: the file is truncated; the cut segment is dropped` });
        }
      }
      const context: SegmentSource = { text: rest, base: offset, delimiters: delims, ascii: false };
      out.add(context, 0, startInRest, rest.length, rest.length, this.delimiters === undefined ? '' : tag, this.ordinal);
      this.pending = '';
    }
    return out.toArray();
  }

  /**
   * The partial segment waiting for the next chunk, when pushJoined() may be given it joined with that chunk
   * (undefined: nothing waits, or a long segment is being gathered in parts; push the chunk alone).
   */
  get joinablePending(): string | undefined {
    return this.parts.length > 0 || this.pending.length === 0 ? undefined : this.pending;
  }

  /**
   * pushTo() of a chunk that the caller decoded together with `joinablePending` in front of it (`joined`): the
   * tokenizer would otherwise join the two strings, which copies the chunk a second time.
   */
  pushJoined(joined: string, ascii: boolean, out: SegmentBatch): void {
    const pendingLength = this.pending.length;
    if (this.delimiters !== undefined && !this.pendingHasTerminator() && joined.indexOf(this.delimiters.terminator, pendingLength) < 0) {
      // Still no terminator: pushTo() gathers the chunk in parts.
      this.pushTo(joined.slice(pendingLength), ascii, out);
      return;
    }
    this.pendingAscii = this.pendingAscii && ascii;
    this.pending = joined;
    this.scan(out, false);
    this.pendingAscii = this.pending.length === 0 || !NON_ASCII.test(this.pending);
  }

  private pendingHasTerminator(): boolean {
    return this.delimiters !== undefined && this.pending.indexOf(this.delimiters.terminator) >= 0;
  }

  private scan(out: SegmentBatch, final: boolean): void {
    const text = this.pending;
    // Text, offset and ASCII flag are fixed for one scan; the delimiters may change inside it.
    this.context = undefined;
    let pos = 0;
    const n = text.length;
    for (;;) {
      if (this.delimiters === undefined && this.afterIea !== undefined) {
        // After an IEA: another ISA, padding, or segments in the last interchange's delimiters (the IEA of a
        // nested interchange, or a stray one: the assembler reports them, and no claim among them is lost).
        const next = segmentAfterIea(text, pos, this.afterIea.element, final);
        if (next === 'short') break;
        if (next === 'segment') {
          this.delimiters = this.afterIea;
          this.afterIea = undefined;
          continue;
        }
        this.afterIea = undefined;
      }
      if (this.delimiters === undefined) {
        // Looking for an ISA: skip BOM, whitespace and stray bytes (kept as the ISA's prefix).
        const isaAt = findIsa(text, pos);
        if (isaAt < 0) break;
        const header = readIsaDelimiters(text, isaAt);
        if (header === 'short') break;
        if (header === 'bad') {
          const badAt = this.pendingOffset + isaAt;
          if (badAt !== this.lastBadIsa) this.notes.push({ code: 'X12_BAD_ISA', byteOffset: badAt, segment: this.ordinal + 1, detail: 'ISA segment is malformed: delimiters cannot be read' });
          this.lastBadIsa = badAt;
          // Skip this "ISA" and keep looking.
          const next = findIsa(text, isaAt + 3);
          if (next < 0) break;
          // Treat the skipped bytes as prefix of the next ISA: do not advance pos.
          const header2 = readIsaDelimiters(text, next);
          if (header2 === 'short' || header2 === 'bad') break;
          this.delimiters = header2;
          const after = this.emitSegment(out, text, pos, next, final);
          if (after < 0) {
            // Not complete yet: look for the ISA again once more bytes arrive.
            this.delimiters = undefined;
            break;
          }
          this.noteGarbage(text, pos, next);
          pos = after;
          continue;
        }
        this.delimiters = header;
        const next = this.emitSegment(out, text, pos, isaAt, final);
        if (next < 0) {
          // Not complete yet (the line ending may continue): look for the ISA again with more bytes.
          this.delimiters = undefined;
          break;
        }
        this.noteGarbage(text, pos, isaAt);
        pos = next;
        continue;
      }
      if (pos >= n) break;
      // Another ISA: re-read delimiters (they may change between interchanges).
      if (text.charCodeAt(pos) === 73 && text.startsWith('ISA', pos) && n - pos >= 4 && !isTagChar(text.charCodeAt(pos + 3))) {
        const header = readIsaDelimiters(text, pos);
        if (header === 'short') break;
        if (header !== 'bad') this.delimiters = header;
      }
      const next = this.emitSegment(out, text, pos, pos, final);
      if (next < 0) { pos = -next - 1; break; }
      pos = next;
    }
    this.pendingOffset += pos;
    this.pending = pos === 0 ? text : text.slice(pos);
  }

  private noteGarbage(text: string, from: number, isaAt: number): void {
    let junk = text.slice(from, isaAt);
    if (junk.startsWith(BOM_LATIN1)) junk = junk.slice(3);
    for (let i = 0; i < junk.length; i++) {
      if (!WHITESPACE.has(junk[i]!)) {
        this.notes.push({ code: 'X12_GARBAGE', byteOffset: this.pendingOffset + from, segment: this.ordinal, detail: `${isaAt - from} unexpected bytes before the ISA` });
        return;
      }
    }
  }

  /**
   * Emits the segment whose raw starts at `rawStart` and whose tag starts at `tagStart`. Returns the index after
   * it, or -(rawStart + 1) when the segment (or its trailing whitespace) is not complete yet.
   */
  private emitSegment(out: SegmentBatch, text: string, rawStart: number, tagStart: number, final: boolean): number {
    const delims = this.delimiters!;
    const termAt = terminatorIndex(text, tagStart, delims);
    if (termAt < 0) {
      if (!final && text.length - rawStart > MAX_SEGMENT_CHARS) {
        // Bounded memory: cut an endless segment.
        this.notes.push({ code: 'X12_SEGMENT_TOO_LONG', byteOffset: this.pendingOffset + tagStart, segment: this.ordinal + 1, detail: `no segment terminator in ${MAX_SEGMENT_CHARS} bytes` });
        this.ordinal++;
        const context: SegmentSource = { text, base: this.pendingOffset, delimiters: delims, ascii: false };
        out.add(context, rawStart, tagStart, text.length, text.length, cutTag(text, tagStart, delims.element), this.ordinal);
        return text.length;
      }
      return -(rawStart + 1);
    }
    const after = suffixEnd(text, termAt, delims, text.length);
    if (after === text.length && !final) return -(rawStart + 1);
    const tagEnd = tagEndIndex(text, tagStart, termAt, delims.element);
    const tag = internTag(text, tagStart, tagEnd);
    this.ordinal++;
    if (tag === 'ISA') this.sawIsa = true;
    let context = this.context;
    if (context === undefined || context.delimiters !== delims) {
      context = { text, base: this.pendingOffset, delimiters: delims, ascii: this.pendingAscii };
      this.context = context;
    }
    out.add(context, rawStart, tagStart, termAt, after, tag, this.ordinal);
    if (tag === 'IEA') {
      this.afterIea = this.delimiters;
      this.delimiters = undefined;
    }
    return after;
  }
}

/**
 * Where the segment whose tag starts at `tagStart` ends: its terminator (-1: none in `text`). For an ISA it is the
 * byte after ISA16 (which may itself equal other delimiters in odd files).
 */
function terminatorIndex(text: string, tagStart: number, delims: Delimiters): number {
  const isIsa = text.charCodeAt(tagStart) === 73 && text.startsWith('ISA', tagStart);
  return isIsa ? isaTerminatorIndex(text, tagStart, delims.element) : text.indexOf(delims.terminator, tagStart);
}

/** The end of the whitespace (line ending, blank lines) after the terminator at `termAt`, at most `limit`. */
function suffixEnd(text: string, termAt: number, delims: Delimiters, limit: number): number {
  let after = termAt + 1;
  const elementCode = delims.element.charCodeAt(0);
  const termCode = delims.terminator.charCodeAt(0);
  const termIsLineBreak = termCode === 10 || termCode === 13;
  while (after < limit) {
    const code = text.charCodeAt(after);
    if (!isWhitespaceCode(code) || code === elementCode) break;
    if (code === termCode && !termIsLineBreak) break;
    after++;
  }
  return after;
}

/** The end of the tag: the first element separator (mostly 2 or 3 characters in), at most the terminator, 8 characters. */
function tagEndIndex(text: string, tagStart: number, termAt: number, element: string): number {
  const elementCode = element.charCodeAt(0);
  let tagEnd: number;
  if (text.charCodeAt(tagStart) === elementCode || text.charCodeAt(tagStart + 1) === elementCode) tagEnd = text.indexOf(element, tagStart);
  else if (text.charCodeAt(tagStart + 2) === elementCode) tagEnd = tagStart + 2;
  else if (text.charCodeAt(tagStart + 3) === elementCode) tagEnd = tagStart + 3;
  else tagEnd = text.indexOf(element, tagStart);
  if (tagEnd < 0 || tagEnd > termAt) tagEnd = termAt;
  if (tagEnd - tagStart > 8) tagEnd = tagStart + 8;
  return tagEnd;
}

/** The tag of a segment cut for having no terminator. */
function cutTag(text: string, tagStart: number, element: string): string {
  return readTag(text.slice(tagStart, tagStart + 8), element);
}

/**
 * The segments that lie back to back in `context.text[from, to)`, the first with ordinal `firstOrdinal`, found again
 * as the tokenizer found them (same boundaries, tags, ordinals): a claim keeps its text range instead of one object per
 * segment, and the segments are made again only when a changed claim is re-serialized. Only for ranges the tokenizer
 * emitted as consecutive segments of one scan (the assembler checks that before it keeps a range).
 */
export function segmentsIn(context: SegmentSource, from: number, to: number, firstOrdinal: number): Segment[] {
  const text = context.text;
  const delims = context.delimiters;
  const segments: Segment[] = [];
  let tagStart = from;
  let ordinal = firstOrdinal;
  while (tagStart < to) {
    const termAt = terminatorIndex(text, tagStart, delims);
    if (termAt < 0 || termAt >= to) {
      // Cut for having no terminator (the tokenizer's bounded memory): it runs to the end.
      segments.push(new Segment(context, tagStart, tagStart, to, to, cutTag(text, tagStart, delims.element), ordinal));
      break;
    }
    const after = suffixEnd(text, termAt, delims, to);
    const tag = internTag(text, tagStart, tagEndIndex(text, tagStart, termAt, delims.element));
    segments.push(new Segment(context, tagStart, tagStart, termAt, after, tag, ordinal++));
    tagStart = after;
  }
  return segments;
}

/** One shared string per 2–3 character tag (A–Z, 0–9): no allocation per segment, and fast `===` compares. */
const TAG_CACHE: (string | undefined)[] = new Array<string | undefined>(43 * 43 * 44).fill(undefined);

function internTag(text: string, from: number, to: number): string {
  const length = to - from;
  if (length === 2 || length === 3) {
    const c0 = text.charCodeAt(from) - 48;
    const c1 = text.charCodeAt(from + 1) - 48;
    const c2 = length === 3 ? text.charCodeAt(from + 2) - 48 : 43;
    if (c0 >= 0 && c0 < 43 && c1 >= 0 && c1 < 43 && c2 >= 0 && c2 <= 43) {
      const key = (c0 * 43 + c1) * 44 + c2;
      const cached = TAG_CACHE[key];
      if (cached !== undefined) return cached;
      // Internalized (a property key): compares against the tag literals of the switches are pointer compares.
      const tag = Object.keys({ [text.slice(from, to)]: 0 })[0]!;
      TAG_CACHE[key] = tag;
      return tag;
    }
  }
  return text.slice(from, to);
}

const DEFAULT_DELIMITERS: Delimiters = Object.freeze({ element: '*', repetition: '^', component: ':', terminator: '~' });

function skipLeading(text: string): number {
  let i = text.startsWith(BOM_LATIN1) ? 3 : 0;
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}

function readTag(body: string, element: string): string {
  const at = body.indexOf(element);
  return at < 0 ? body : body.slice(0, at);
}

/**
 * What follows an IEA at `from` (after whitespace): 'segment' when a segment tag and the element separator come
 * first (not an ISA), 'short' when more bytes are needed to tell, 'other' for an ISA, padding or garbage.
 */
function segmentAfterIea(text: string, from: number, element: string, final: boolean): 'segment' | 'short' | 'other' {
  let at = from;
  while (at < text.length && WHITESPACE.has(text[at]!)) at++;
  let end = at;
  while (end < text.length && end - at < 3 && isUpperOrDigit(text.charCodeAt(end))) end++;
  if (end === text.length) return final ? 'other' : 'short';
  const tag = text.slice(at, end);
  if (tag === 'ISA' || !TAG_SHAPE.test(tag) || text[end] !== element) return 'other';
  return 'segment';
}

function isUpperOrDigit(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/** The next "ISA" followed by a non-alphanumeric byte, from `from`. */
function findIsa(text: string, from: number): number {
  let at = text.indexOf('ISA', from);
  while (at >= 0) {
    if (at + 3 >= text.length) return at; // decide once more bytes arrive
    if (!isTagChar(text.charCodeAt(at + 3))) return at;
    at = text.indexOf('ISA', at + 1);
  }
  return -1;
}

/** Index of the byte after ISA16 (the terminator), or -1 when not all of the ISA has arrived. */
function isaTerminatorIndex(text: string, isaAt: number, element: string): number {
  let at = isaAt + 3;
  for (let count = 1; count < 16; count++) {
    at = text.indexOf(element, at + 1);
    if (at < 0) return -1;
  }
  // at = the separator before ISA16; ISA16 is one byte; the terminator follows.
  return at + 2 < text.length ? at + 2 : -1;
}

/** Reads the delimiters of the ISA at `isaAt`: 'short' when more bytes are needed, 'bad' when malformed. */
function readIsaDelimiters(text: string, isaAt: number): Delimiters | 'short' | 'bad' {
  if (text.length - isaAt < 4) return 'short';
  const element = text[isaAt + 3]!;
  if (isTagChar(element.charCodeAt(0)) || WHITESPACE.has(element) && element !== '\t') return 'bad';
  // Fixed width (positions 82, 104, 105) is the norm; count separators to tolerate variable-width ISAs.
  let at = isaAt + 3;
  let sep11 = -1;
  for (let count = 1; count < 16; count++) {
    const next = text.indexOf(element, at + 1);
    if (next < 0) return text.length - isaAt > 512 ? 'bad' : 'short';
    if (next - isaAt > 400) return 'bad';
    at = next;
    if (count === 10) sep11 = next;
  }
  if (at + 2 >= text.length) return 'short';
  const component = text[at + 1]!;
  const terminator = text[at + 2]!;
  if (isTagChar(terminator.charCodeAt(0)) || terminator === element) return 'bad';
  const isa11 = text.slice(sep11 + 1, text.indexOf(element, sep11 + 1));
  const repetition = isa11.length === 1 && !isTagChar(isa11.charCodeAt(0)) ? isa11 : undefined;
  return { element, repetition, component, terminator };
}

/** Tokenizes a byte stream: yields the segments completed by each chunk (batches keep the hot loop synchronous). */
export async function* tokenize(input: AsyncIterable<Buffer | string>, tokenizer = new X12Tokenizer()): AsyncGenerator<Segment[]> {
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const segments = tokenizer.push(buffer.toString('latin1'), isAscii(buffer));
    if (segments.length > 0) yield segments;
  }
  const rest = tokenizer.end();
  if (rest.length > 0) yield rest;
}
