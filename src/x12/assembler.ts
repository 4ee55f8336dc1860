/**
 * 837P claim assembler: walks ISA/GS/ST and the HL 20/22/23 hierarchy and yields one claim at a time (CLM with
 * its 2300/2310x/2400/2410/2420 loops). Envelope and HL context objects are shared between the claims under
 * them (never copied), so memory holds one claim plus its context. Envelope counts and control numbers are
 * checked as the trailers go by; problems become FileProblems, never exceptions.
 */
import type { Claim, Diagnosis, DrugDetail, Person, ReadProblem, ServiceLine, SourceLocation } from '../encounter/model.js';
import { MAX_LINES_PER_CLAIM, MAX_VALUE_CHARS, UNNORMALIZED } from '../encounter/model.js';
import type { FileProblem, ReadClaim } from '../formats/types.js';
import { type Delimiters, Segment, type SegmentBatch, type SegmentSource, type TokenizerNote, isTrailingPadding, segmentsIn } from './tokenizer.js';
import { parseCentsAt, parseD8, parseQuantity, sharedValue } from './values.js';

export interface Interchange {
  isa: Segment;
  /** Set when the IEA has been read. */
  iea?: Segment;
  /**
   * The file's last interchange only: the padding after its IEA (Ctrl-Z, NUL, whitespace after the IEA's line
   * ending), an unterminated segment with no tag. Writers write it after this IEA, so an unchanged padded file
   * stays byte-identical. Set at the end of the file (before any writer closes).
   */
  padding?: Segment;
}
export interface Group {
  gs: Segment;
  ge?: Segment;
  interchange: Interchange;
}
export interface Transaction {
  st: Segment;
  /** BHT, 1000A, 1000B …: the segments between ST and the first HL. */
  header: Segment[];
  se?: Segment;
  group: Group;
}
export interface HlLoop {
  /** The HL segment followed by the loop's own segments (up to the next HL or CLM); made on first use when only their text is kept. */
  readonly segments: Segment[];
  /** The HL segment (segments[0]). */
  readonly hl: Segment;
  /** segments.length, without making them. */
  readonly segmentCount: number;
  /** Set when the segments after the HL lie back to back in one text: `text.text[textFrom, textTo)`. */
  readonly text: SegmentSource | undefined;
  readonly textFrom: number;
  readonly textTo: number;
  /** HL03: '20', '22', '23'. */
  level: string;
  transaction: Transaction;
  /** What claims take from this loop, computed once for all the claims under it (when the loop is complete). */
  facts?: LoopFacts;
}

/**
 * An HL loop as read. While it is the open loop, its segments after the HL are gathered in the assembler's
 * recycled scratch objects; once complete (sealed: a claim or another loop begins) its facts are computed and it
 * keeps the text range of those segments (or copies), as a claim does.
 */
class Loop implements HlLoop {
  facts: LoopFacts | undefined = undefined;
  segmentCount = 1;
  text: SegmentSource | undefined = undefined;
  textFrom = 0;
  textTo = 0;
  /** Still gathering its segments in the assembler's scratch. */
  open = true;
  private firstOrdinal = 0;
  private kept: Segment[] | undefined = undefined;

  constructor(
    readonly hl: Segment,
    public level: string,
    public transaction: Transaction,
  ) {}

  keepRange(context: SegmentSource, from: number, to: number, firstOrdinal: number, count: number): void {
    this.text = context;
    this.textFrom = from;
    this.textTo = to;
    this.firstOrdinal = firstOrdinal;
    this.segmentCount = 1 + count;
  }

  /** The loop's segments as objects of their own (copies of what was gathered, plus `more`). */
  keepSegments(segments: Segment[]): void {
    this.kept = segments;
    this.text = undefined;
    this.segmentCount = segments.length;
  }

  /** A segment that joins the loop after it was sealed (damaged files: a claim ended by a stray envelope segment). */
  append(seg: Segment): void {
    const segments = this.segments;
    segments.push(seg);
    this.keepSegments(segments);
  }

  get segments(): Segment[] {
    if (this.kept === undefined) {
      const segments = [this.hl];
      if (this.text !== undefined) {
        const rest = segmentsIn(this.text, this.textFrom, this.textTo, this.firstOrdinal);
        if (rest.length !== this.segmentCount - 1) throw new Error(`HL loop at segment ${this.hl.ordinal}: its segments could not be found again`);
        for (const seg of rest) segments.push(seg);
      }
      this.kept = segments;
    }
    return this.kept;
  }
}

/*
 * Envelope objects are made with their trailer fields (undefined until the trailer is read): a field added when the
 * trailer comes would give the object another hidden class while the writer still writes its claims, and V8 would
 * throw away the writer's optimized code at every SE.
 */
function newInterchange(isa: Segment): Interchange {
  return { isa, iea: undefined, padding: undefined };
}

function newGroup(gs: Segment, interchange: Interchange): Group {
  return { gs, ge: undefined, interchange };
}

function newTransaction(st: Segment, group: Group): Transaction {
  return { st, header: [], se: undefined, group };
}

/** Provider, subscriber, payer or patient data of one HL loop (shared by its claims; copied into each claim). */
export interface LoopFacts {
  npi?: string;
  person?: Person;
  payerId?: string;
  payerName?: string;
  /** SBR09 of the subscriber loop. */
  claimFilingIndicator?: string;
  problems: { code: string; seg: Segment; what: string }[];
}

/** The format-specific part of a ReadClaim (ReadClaim.raw) for X12. */
export interface X12RawClaim {
  kind: 'x12';
  file: string;
  delimiters: Delimiters;
  transaction: Transaction | undefined;
  hl20: HlLoop | undefined;
  hl22: HlLoop | undefined;
  hl23: HlLoop | undefined;
  /** CLM and everything up to the next CLM/HL/trailer (made on first use when only the claim's text is kept). */
  readonly segments: Segment[];
  /** Index in `segments` of each LX (the start of each line's loop); line i spans lineStarts[i]..next. */
  readonly lineStarts: number[];
  /** Number of segments (segments.length, without making them). */
  readonly segmentCount: number;
  /**
   * Set when the claim's segments lie back to back in one tokenizer text (all but the claims cut by a chunk
   * boundary or around a damaged segment): `text.text[textFrom, textTo)` is the claim as read.
   */
  readonly text: SegmentSource | undefined;
  readonly textFrom: number;
  readonly textTo: number;
}

/**
 * A claim as read. No object per segment: a claim whose segments lie back to back in one text keeps that range,
 * and its segments are found again (segmentsIn) only when a changed claim is re-serialized; other claims keep
 * copies of their segments.
 */
class RawClaim implements X12RawClaim {
  segmentCount = 0;
  text: SegmentSource | undefined = undefined;
  textFrom = 0;
  textTo = 0;
  private firstOrdinal = 0;
  private kept: Segment[] | undefined = undefined;
  private starts: number[] | undefined = undefined;

  constructor(
    readonly file: string,
    readonly delimiters: Delimiters,
    readonly transaction: Transaction | undefined,
    readonly hl20: HlLoop | undefined,
    readonly hl22: HlLoop | undefined,
    readonly hl23: HlLoop | undefined,
  ) {}

  get kind(): 'x12' {
    return 'x12';
  }

  keepRange(context: SegmentSource, from: number, to: number, firstOrdinal: number, count: number): void {
    this.text = context;
    this.textFrom = from;
    this.textTo = to;
    this.firstOrdinal = firstOrdinal;
    this.segmentCount = count;
  }

  keepSegments(segments: Segment[]): void {
    this.kept = segments;
    this.segmentCount = segments.length;
  }

  get segments(): Segment[] {
    if (this.kept === undefined) {
      const segments = segmentsIn(this.text!, this.textFrom, this.textTo, this.firstOrdinal);
      if (segments.length !== this.segmentCount) throw new Error(`${this.file}: claim at segment ${this.firstOrdinal}: its segments could not be found again`);
      this.kept = segments;
    }
    return this.kept;
  }

  get lineStarts(): number[] {
    if (this.starts === undefined) {
      const starts: number[] = [];
      const segments = this.segments;
      for (let i = 0; i < segments.length; i++) if (segments[i]!.tag === 'LX') starts.push(i);
      this.starts = starts;
    }
    return this.starts;
  }
}

export function isX12Raw(raw: unknown): raw is X12RawClaim {
  return typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'x12';
}

/** Lines above this are read but reported (shared with the CSV reader: model.ts). */
export const MAX_LINES = MAX_LINES_PER_CLAIM;
/** An element longer than this is reported (shared with the CSV reader: model.ts). */
export const MAX_ELEMENT_CHARS = MAX_VALUE_CHARS;
/** The ISA's fixed length, its terminator included. */
const ISA_LENGTH = 106;
/** The 837P implementation guide and its errata (ST03 / GS08). */
const PROFESSIONAL = new Set(['005010X222A1', '005010X222A2']);

/** What an interchange interrupted by a nested ISA was doing (resumed at the inner IEA). */
interface EnvelopeState {
  interchange: Interchange;
  group: Group | undefined;
  transaction: Transaction | undefined;
  hl20: HlLoop | undefined;
  hl22: HlLoop | undefined;
  hl23: HlLoop | undefined;
  current: Loop | undefined;
  hlIds: Map<string, Segment>;
  expectedHl: number;
  segmentsInTransaction: number;
  transactionsInGroup: number;
  groupsInInterchange: number;
}

/** The transaction sets an 837P file gets mistaken for, by ST01. */
const TRANSACTION_NAMES: Record<string, string> = {
  '999': 'a 999 acknowledgment',
  '997': 'a 997 functional acknowledgment',
  '277': 'a 277 claim status response',
  '276': 'a 276 claim status inquiry',
  '835': 'an 835 remittance advice',
  '270': 'a 270 eligibility inquiry',
  '271': 'a 271 eligibility response',
  '278': 'a 278 authorization request',
  '834': 'an 834 benefit enrollment',
  '820': 'an 820 premium payment',
};

/** A transaction set named by its ST01 and implementation reference. */
function transactionName(kind: string, version: string): string {
  if (kind === '837') {
    if (version.includes('X223')) return 'an 837I (institutional)';
    if (version.includes('X224')) return 'an 837D (dental)';
    return `an 837 of implementation "${printable(version)}"`;
  }
  return TRANSACTION_NAMES[kind] ?? `a "${printable(kind)}" transaction set`;
}

/**
 * A segment made up in the file's delimiters (`*` and `:` in `text` stand for the element and component
 * separators), placed where `seg` is: the envelope of claims found outside one, so a held file stays X12.
 */
function madeSegment(seg: Segment, text: string): Segment {
  const delimiters = seg.delimiters;
  const body = text.replaceAll('*', delimiters.element).replaceAll(':', delimiters.component) + delimiters.terminator;
  const context: SegmentSource = { text: body, base: seg.byteOffset, delimiters, ascii: true };
  return new Segment(context, 0, 0, body.length - 1, body.length, body.slice(0, body.indexOf(delimiters.element)), seg.ordinal);
}

/** ISA/IEA, GS/GE, ST/SE. */
function isEnvelope(tag: string): boolean {
  return tag === 'ISA' || tag === 'IEA' || tag === 'GS' || tag === 'GE' || tag === 'ST' || tag === 'SE';
}

/** After this many problems with the same code, the rest are counted in one summary problem. */
const MAX_PROBLEMS_PER_CODE = 10;

/** Other HI composites allowed in an 837P (anesthesia procedure, condition codes): not diagnoses. */
const OTHER_HI_QUALIFIERS = new Set(['BP', 'BO', 'BG']);

export class ClaimAssembler {
  readonly problems: FileProblem[] = [];
  private readonly problemCounts = new Map<string, number>();
  private interchange: Interchange | undefined;
  private group: Group | undefined;
  private transaction: Transaction | undefined;
  private hl20: HlLoop | undefined;
  private hl22: HlLoop | undefined;
  private hl23: HlLoop | undefined;
  private current: Loop | undefined;
  private segmentsInTransaction = 0;
  private transactionsInGroup = 0;
  private groupsInInterchange = 0;
  /** The last HL of each level (its HL01 is the parent id its children must name). */
  private hlIds = new Map<string, Segment>();
  private expectedHl = 1;
  private lastSegment: Segment | undefined;
  /** The interchange whose IEA was read last (padding after it belongs to it). */
  private lastInterchange: Interchange | undefined;
  /**
   * The current claim's segments and LX indices (scratch, reused from claim to claim): the Segment objects are
   * recycled (reset to the next claim's segments), so a claim costs no object per segment.
   */
  private readonly claimSegments: Segment[] = [];
  private claimSegmentCount = 0;
  private claim: RawClaim | undefined;
  /** The open loop's segments after its HL (scratch, recycled as the claim's). */
  private readonly loopSegments: Segment[] = [];
  private loopSegmentCount = 0;
  private readonly claimLineStarts: number[] = [];
  private claimLineCount = 0;
  private sawIsa = false;
  /** Inside a transaction set that is not an 837P (a 999, an 837I …): its segments are passed over, none is a claim. */
  private foreign = false;
  /** The last transaction set opened: a claim or loop found outside any is written inside it (never bare). */
  private lastTransaction: Transaction | undefined;
  /** The interchanges an ISA interrupted (a nested ISA): each is resumed at the inner interchange's IEA. */
  private readonly outer: EnvelopeState[] = [];
  claimsRead = 0;

  constructor(readonly fileName: string) {}

  /** Feed segments; completed claims are appended to `out`. */
  feed(segments: Segment[], out: ReadClaim[]): void {
    for (const seg of segments) this.segment(seg, out);
  }

  /**
   * feed() from a tokenizer batch. The segments of a claim go into the recycled scratch objects; only what
   * outlives the claim (envelope, HL loops, transaction header) becomes a Segment of its own.
   */
  feedBatch(batch: SegmentBatch, out: ReadClaim[]): void {
    const tags = batch.tags;
    const count = batch.count;
    for (let i = 0; i < count; i++) {
      const tag = tags[i]!;
      if (this.checkControlBytes || this.foreign || batch.rawTo[i]! <= batch.bodyEnd[i]!) {
        this.segment(batch.segment(i), out);
      } else if (!isStructural(tag)) {
        let seg: Segment;
        if (this.claim !== undefined) seg = this.addToClaimAt(batch, i);
        else if (this.current?.open === true) seg = this.addToLoopAt(batch, i);
        else {
          this.segment(batch.segment(i), out);
          continue;
        }
        this.lastSegment = seg;
        if (this.transaction !== undefined) this.segmentsInTransaction++;
        if (!isSegmentTag(tag) && seg.terminated) this.fileProblem('X12_GARBAGE', seg, 'the segment does not start with a segment tag', true, false);
      } else if (tag === 'CLM') {
        if (this.transaction !== undefined) this.segmentsInTransaction++;
        this.flushClaim(out);
        this.openClaim(batch.contexts[i]!.delimiters);
        const seg = this.addToClaimAt(batch, i);
        this.lastSegment = seg;
        if (this.transaction === undefined) this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'CLM outside a transaction set (no ST before it)', true, false);
      } else {
        this.segment(batch.segment(i), out);
      }
    }
  }

  /** End of input: flushes the last claim and reports unclosed envelopes. */
  finish(out: ReadClaim[]): void {
    this.flushClaim(out);
    const last = this.lastSegment;
    if (!this.sawIsa) {
      if (!this.problemCounts.has('X12_NO_ISA') && !this.problemCounts.has('X12_TRUNCATED')) this.fileProblem('X12_NO_ISA', last, 'no ISA segment: this is not an X12 interchange', true, true);
    } else if (this.transaction !== undefined || this.group !== undefined || this.interchange !== undefined) {
      const missing = [this.transaction && 'SE', this.group && 'GE', this.interchange && 'IEA'].filter(Boolean).join(', ');
      this.fileProblem('X12_TRUNCATED', last, `the file ends without ${missing}: it is truncated`, true, false);
    }
    this.summarizeProblems();
  }

  /** Tokenizer notes become file problems. */
  addNotes(notes: TokenizerNote[]): void {
    for (const note of notes) {
      const location: SourceLocation = { file: this.fileName, segment: note.segment, byteOffset: note.byteOffset };
      this.pushProblem({
        code: note.code,
        message: `${this.fileName}: byte ${note.byteOffset} (segment ${note.segment}): ${note.detail}`,
        location,
        envelope: true,
        fatal: note.code === 'X12_NO_ISA' || note.fatal === true,
      });
    }
  }

  /**
   * Set by the reader once the input shows a control byte (so clean files pay nothing): from then on every
   * segment is checked, and one with a control byte inside it is garbage (X12 data never carries one).
   */
  checkControlBytes = false;

  private segment(seg: Segment, out: ReadClaim[]): void {
    this.lastSegment = seg;
    if (seg.tag === '' && this.paddingAfterLastIea(seg)) return;
    // A segment without its terminator (the cut end of a truncated file, an endless segment) is dropped: the
    // tokenizer reported it, and a writer would glue it to the trailer it adds.
    if (!seg.terminated) return;
    if (this.checkControlBytes) this.checkControlByte(seg);
    if (this.transaction !== undefined) this.segmentsInTransaction++;
    if (this.foreign && !isEnvelope(seg.tag)) return;
    // Fast path: most segments are neither envelope, HL, CLM nor junk.
    if (this.claim !== undefined && !isStructural(seg.tag)) {
      this.addToClaim(seg);
      if (!isSegmentTag(seg.tag) && seg.terminated) this.fileProblem('X12_GARBAGE', seg, 'the segment does not start with a segment tag', true, false);
      return;
    }
    switch (seg.tag) {
      case 'ISA':
        this.flushClaim(out);
        this.sawIsa = true;
        this.foreign = false;
        if (this.interchange !== undefined) this.nestInterchange(seg);
        this.interchange = newInterchange(seg);
        this.groupsInInterchange = 0;
        this.checkIsaLength(seg);
        return;
      case 'GS':
        this.flushClaim(out);
        if (this.interchange === undefined) this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'GS outside an interchange (no ISA before it)', true, false);
        if (this.group !== undefined) this.closeOpen(seg, 'GS');
        if (this.interchange === undefined) {
          this.interchange = this.madeInterchange(seg);
          this.groupsInInterchange = 0;
        }
        this.group = newGroup(seg, this.interchange);
        this.groupsInInterchange++;
        this.transactionsInGroup = 0;
        return;
      case 'ST':
        this.flushClaim(out);
        if (this.group === undefined) this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'ST outside a functional group (no GS before it)', true, false);
        if (this.transaction !== undefined) this.closeOpen(seg, 'ST');
        if (this.group === undefined) {
          this.group = this.madeGroup(seg);
          this.transactionsInGroup = 0;
        }
        this.transaction = newTransaction(seg, this.group);
        this.lastTransaction = this.transaction;
        this.transactionsInGroup++;
        this.segmentsInTransaction = 1;
        this.foreign = this.notProfessional(seg);
        this.sealLoop();
        this.hl20 = this.hl22 = this.hl23 = this.current = undefined;
        this.hlIds.clear();
        this.expectedHl = 1;
        return;
      case 'SE':
        this.flushClaim(out);
        if (this.transaction === undefined) {
          this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'SE without ST', true, false);
          return;
        }
        this.transaction.se = seg;
        this.foreign = false;
        this.checkCount(seg, 'SE01', this.segmentsInTransaction, 'segments in the transaction', 'X12_SE_COUNT');
        this.checkControl(seg, 'SE02', this.transaction.st, 'ST02', 2, 'X12_SE_CONTROL');
        this.transaction = undefined;
        this.sealLoop();
        this.hl20 = this.hl22 = this.hl23 = this.current = undefined;
        return;
      case 'GE':
        this.flushClaim(out);
        this.foreign = false;
        if (this.transaction !== undefined) this.closeOpen(seg, 'GE');
        if (this.group === undefined) {
          this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'GE without GS', true, false);
          return;
        }
        this.group.ge = seg;
        this.checkCount(seg, 'GE01', this.transactionsInGroup, 'transaction sets (ST) in the group', 'X12_GE_COUNT');
        this.checkControl(seg, 'GE02', this.group.gs, 'GS06', 6, 'X12_GE_CONTROL');
        this.group = undefined;
        return;
      case 'IEA':
        this.flushClaim(out);
        if (this.transaction !== undefined || this.group !== undefined) this.closeOpen(seg, 'IEA');
        if (this.interchange === undefined) {
          this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'IEA without ISA', true, false);
          return;
        }
        this.interchange.iea = seg;
        this.checkCount(seg, 'IEA01', this.groupsInInterchange, 'functional groups (GS) in the interchange', 'X12_IEA_COUNT');
        this.checkControl(seg, 'IEA02', this.interchange.isa, 'ISA13', 13, 'X12_IEA_CONTROL');
        this.lastInterchange = this.interchange;
        this.interchange = undefined;
        this.foreign = false;
        this.resumeOuter();
        return;
      case 'HL':
        this.flushClaim(out);
        this.startHl(seg);
        return;
      case 'CLM':
        this.flushClaim(out);
        if (this.transaction === undefined) this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'CLM outside a transaction set (no ST before it)', true, false);
        this.openClaim(seg.delimiters);
        this.addToClaim(seg);
        return;
      default:
        // Unterminated junk after the last IEA: the tokenizer reported it. A terminated segment without a tag (an empty
        // one too: two terminators in a row) is kept where it is, and reported as garbage below.
        if (seg.tag === '' && !seg.terminated) return;
        if (this.claim !== undefined) {
          this.addToClaim(seg);
        } else if (this.current !== undefined) {
          if (this.current.open) this.addToLoop(seg);
          else this.current.append(seg.clone());
        } else if (this.transaction !== undefined) {
          this.transaction.header.push(seg);
        } else if (seg.terminated) {
          this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, `${tagName(seg)} outside a transaction set`, true, false);
        }
        if (!isSegmentTag(seg.tag) && seg.terminated) {
          this.fileProblem('X12_GARBAGE', seg, seg.tag === '' ? 'an empty segment (two segment terminators in a row)' : 'the segment does not start with a segment tag', true, false);
        }
    }
  }

  private startHl(seg: Segment): void {
    if (this.transaction === undefined) this.fileProblem('X12_UNEXPECTED_SEGMENT', seg, 'HL outside a transaction set', true, false);
    // HL01 and HL02 are compared in place (sliced only for a message).
    const level = seg.elShared(3);
    const transaction = this.transaction ?? this.stand(seg);
    this.sealLoop();
    const loop = new Loop(seg, level, transaction);
    if (!seg.elIsNumber(1, this.expectedHl)) {
      this.fileProblem('X12_HL_NUMBER', seg, `HL01 is "${printable(seg.el(1))}", expected ${this.expectedHl}`, true, false);
    }
    this.expectedHl++;
    /** The HL whose HL01 must be this one's HL02 ('' for level 20: none; undefined: no parent loop). */
    let expectedParent: Segment | '' | undefined;
    if (level === '20') {
      this.hl20 = loop;
      this.hl22 = this.hl23 = undefined;
      expectedParent = '';
    } else if (level === '22') {
      this.hl22 = loop;
      this.hl23 = undefined;
      expectedParent = this.hl20 ? this.hlIds.get('20') : undefined;
    } else if (level === '23') {
      this.hl23 = loop;
      expectedParent = this.hl22 ? this.hlIds.get('22') : undefined;
    } else {
      this.fileProblem('X12_HL_LEVEL', seg, `HL03 level "${printable(level)}" is not 20, 22 or 23`, true, false);
    }
    if (expectedParent !== undefined && !(expectedParent === '' ? seg.elIs(2, '') : sameElement(seg, 2, expectedParent, 1))) {
      const expected = expectedParent === '' ? '' : expectedParent.el(1);
      this.fileProblem('X12_HL_PARENT', seg, `HL02 parent is "${printable(seg.el(2))}", expected "${expected}"`, true, false);
    } else if (expectedParent === undefined && (level === '22' || level === '23')) {
      this.fileProblem('X12_HL_PARENT', seg, `HL ${level} has no parent loop before it`, true, false);
    }
    this.hlIds.set(level, seg);
    this.current = loop;
  }

  /**
   * An ISA while an interchange is open: a nested interchange (or one whose IEA is missing). The open
   * interchange is put aside and resumed at the inner one's IEA, so the claims after it stay in their envelope.
   */
  private nestInterchange(seg: Segment): void {
    const interchange = this.interchange!;
    this.fileProblem(
      'X12_NESTED_ISA',
      seg,
      `an ISA inside the interchange opened at segment ${interchange.isa.ordinal} (a nested interchange, or IEA missing before it): every claim of both is held`,
      true,
      false,
    );
    this.sealLoop();
    this.outer.push({
      interchange,
      group: this.group,
      transaction: this.transaction,
      hl20: this.hl20,
      hl22: this.hl22,
      hl23: this.hl23,
      current: this.current,
      hlIds: this.hlIds,
      expectedHl: this.expectedHl,
      segmentsInTransaction: this.segmentsInTransaction,
      transactionsInGroup: this.transactionsInGroup,
      groupsInInterchange: this.groupsInInterchange,
    });
    this.group = this.transaction = this.hl20 = this.hl22 = this.hl23 = this.current = undefined;
    this.hlIds = new Map();
    this.expectedHl = 1;
  }

  /** The IEA of a nested interchange: the interchange it interrupted goes on. */
  private resumeOuter(): void {
    const state = this.outer.pop();
    if (state === undefined) return;
    this.interchange = state.interchange;
    this.group = state.group;
    this.transaction = state.transaction;
    this.hl20 = state.hl20;
    this.hl22 = state.hl22;
    this.hl23 = state.hl23;
    this.current = state.current;
    this.hlIds = state.hlIds;
    this.expectedHl = state.expectedHl;
    this.segmentsInTransaction = state.segmentsInTransaction;
    this.transactionsInGroup = state.transactionsInGroup;
    this.groupsInInterchange = state.groupsInInterchange;
  }

  /**
   * The transaction set a loop or claim found outside any is written in (so a held file stays well-formed X12;
   * the reader reported the segment as out of place): the last one opened, else one made up with the file's
   * delimiters, inside the open group and interchange or made-up ones. It becomes the open transaction set.
   */
  private stand(seg: Segment): Transaction {
    if (this.interchange === undefined && this.lastTransaction !== undefined) return this.lastTransaction;
    if (this.group === undefined) {
      this.group = this.madeGroup(seg);
      this.transactionsInGroup = 0;
    }
    this.transaction = newTransaction(madeSegment(seg, 'ST*837*0000*005010X222A1'), this.group);
    this.lastTransaction = this.transaction;
    this.transactionsInGroup++;
    this.segmentsInTransaction = 1;
    return this.transaction;
  }

  /** A functional group made up for a transaction set found outside any (inside the open interchange, or a made-up one). */
  private madeGroup(seg: Segment): Group {
    if (this.interchange === undefined) {
      this.interchange = this.madeInterchange(seg);
      this.groupsInInterchange = 0;
    }
    this.groupsInInterchange++;
    return newGroup(madeSegment(seg, 'GS*HC*UNKNOWN*UNKNOWN*20000101*0000*0*X*005010X222A1'), this.interchange);
  }

  /** An interchange made up for a group found outside any: an ISA of 106 characters in the file's delimiters. */
  private madeInterchange(seg: Segment): Interchange {
    const repetition = seg.delimiters.repetition ?? '^';
    return newInterchange(madeSegment(seg, `ISA*00*${' '.repeat(10)}*00*${' '.repeat(10)}*ZZ*${'UNKNOWN'.padEnd(15)}*ZZ*${'UNKNOWN'.padEnd(15)}*000101*0000*${repetition}*00501*000000000*0*P*:`));
  }

  /** The ISA is fixed-width: 106 characters from `ISA` to its terminator (ISA16 one character). */
  private checkIsaLength(seg: Segment): void {
    const length = seg.bodyEnd - seg.tagFrom + 1;
    if (length !== ISA_LENGTH) {
      this.fileProblem(
        'X12_BAD_ISA',
        seg,
        `the ISA segment is ${length} characters long, not ${ISA_LENGTH} (its elements are fixed-width: check the padding of ISA06 and ISA08): a broken envelope`,
        true,
        false,
      );
    }
  }

  /**
   * Whether the transaction set of this ST is something other than an 837P (ST01 837 and implementation
   * 005010X222A1, or its errata X222A2, in ST03 or else GS08): then it is reported by name and passed over.
   */
  private notProfessional(st: Segment): boolean {
    const kind = st.el(1);
    const version = st.el(3) || (this.group?.gs.el(8) ?? '');
    if (kind === '837' && PROFESSIONAL.has(version)) return false;
    const name = transactionName(kind, version);
    this.fileProblem('X12_NOT_837P', st, `${name}, not an 837P (ST01 "${printable(kind)}", implementation "${printable(version)}"; spinescrub reads 005010X222A1 professional claims)`, true, false);
    return true;
  }

  /** A header arrives while an inner envelope is still open: its trailers are missing. */
  private closeOpen(seg: Segment, arriving: string): void {
    const missing: string[] = [];
    if (this.transaction !== undefined && arriving !== 'SE') missing.push('SE');
    if (this.group !== undefined && (arriving === 'GS' || arriving === 'ISA' || arriving === 'IEA')) missing.push('GE');
    if (this.interchange !== undefined && arriving === 'ISA') missing.push('IEA');
    if (missing.length > 0) {
      this.fileProblem(`X12_MISSING_${missing[0]}`, seg, `${missing.join(', ')} missing before this ${arriving}`, true, false);
    }
    if (arriving !== 'SE') this.transaction = undefined;
    if (arriving === 'GS' || arriving === 'ISA' || arriving === 'IEA') this.group = undefined;
    if (arriving === 'ISA') this.interchange = undefined;
    this.sealLoop();
    this.hl20 = this.hl22 = this.hl23 = this.current = undefined;
  }

  private checkCount(seg: Segment, name: string, actual: number, what: string, code: string): void {
    const value = seg.el(1);
    if (value !== String(actual) && !(/^\d+$/.test(value) && Number(value) === actual)) {
      this.fileProblem(code, seg, `${name} is "${printable(value)}" but there are ${actual} ${what}`, true, false);
    }
  }

  private checkControl(seg: Segment, name: string, header: Segment, headerName: string, index: number, code: string): void {
    const value = seg.el(2);
    const expected = header.el(index);
    const same = value === expected || (/^\d+$/.test(value) && /^\d+$/.test(expected) && Number(value) === Number(expected));
    if (!same) {
      this.fileProblem(code, seg, `${name} "${printable(value)}" does not match ${headerName} "${printable(expected)}" (segment ${header.ordinal})`, true, false);
    }
  }

  private openClaim(delimiters: Delimiters): void {
    this.sealLoop();
    this.claim = new RawClaim(this.fileName, delimiters, this.transaction ?? (this.lastSegment === undefined ? undefined : this.stand(this.lastSegment)), this.hl20, this.hl22, this.hl23);
    this.claimSegmentCount = 0;
    this.claimLineCount = 0;
  }

  /** A copy of `seg` into the claim's next scratch object. */
  private addToClaim(seg: Segment): void {
    const at = this.claimSegmentCount++;
    if (seg.tag === 'LX') this.claimLineStarts[this.claimLineCount++] = at;
    const slot = this.claimSegments[at];
    if (slot === undefined) this.claimSegments[at] = seg.clone();
    else slot.reset(seg.context, seg.rawFrom, seg.tagFrom, seg.bodyEnd, seg.rawTo, seg.tag, seg.ordinal);
  }

  /** A copy of `seg` into the open loop's next scratch object. */
  private addToLoop(seg: Segment): void {
    const at = this.loopSegmentCount++;
    const slot = this.loopSegments[at];
    if (slot === undefined) this.loopSegments[at] = seg.clone();
    else slot.reset(seg.context, seg.rawFrom, seg.tagFrom, seg.bodyEnd, seg.rawTo, seg.tag, seg.ordinal);
  }

  /** Segment `i` of the batch into the open loop's next scratch object (returned). */
  private addToLoopAt(batch: SegmentBatch, i: number): Segment {
    const at = this.loopSegmentCount++;
    let slot = this.loopSegments[at];
    if (slot === undefined) this.loopSegments[at] = slot = batch.segment(i);
    else slot.reset(batch.contexts[i]!, batch.rawFrom[i]!, batch.tagFrom[i]!, batch.bodyEnd[i]!, batch.rawTo[i]!, batch.tags[i]!, batch.ordinal[i]!);
    return slot;
  }

  /**
   * The open loop is complete (a claim or another loop begins, or the transaction ends): its facts are computed
   * from the scratch objects, which it then gives back, keeping its text range or copies.
   */
  private sealLoop(): void {
    const loop = this.current;
    if (loop === undefined || !loop.open) return;
    loop.open = false;
    const count = this.loopSegmentCount;
    const segments = this.loopSegments;
    this.loopSegmentCount = 0;
    const level = loop.level;
    if (level === '20' || level === '22' || level === '23') loop.facts = computeFacts(segments, count, level);
    if (count === 0) return;
    if (isRun(segments, count)) {
      const first = segments[0]!;
      loop.keepRange(first.context, first.tagFrom, segments[count - 1]!.rawTo, first.ordinal, count);
    } else {
      const kept: Segment[] = [loop.hl];
      for (let i = 0; i < count; i++) kept.push(segments[i]!.clone());
      loop.keepSegments(kept);
    }
  }

  /** Segment `i` of the batch into the claim's next scratch object (returned). */
  private addToClaimAt(batch: SegmentBatch, i: number): Segment {
    const at = this.claimSegmentCount++;
    const tag = batch.tags[i]!;
    if (tag === 'LX') this.claimLineStarts[this.claimLineCount++] = at;
    let slot = this.claimSegments[at];
    if (slot === undefined) this.claimSegments[at] = slot = batch.segment(i);
    else slot.reset(batch.contexts[i]!, batch.rawFrom[i]!, batch.tagFrom[i]!, batch.bodyEnd[i]!, batch.rawTo[i]!, tag, batch.ordinal[i]!);
    return slot;
  }

  private flushClaim(out: ReadClaim[]): void {
    const raw = this.claim;
    if (raw === undefined) return;
    this.claim = undefined;
    const count = this.claimSegmentCount;
    const segments = this.claimSegments;
    // The scratch objects are reused for the next claim: the claim keeps its text range, or copies.
    if (isRun(segments, count)) {
      const first = segments[0]!;
      raw.keepRange(first.context, first.tagFrom, segments[count - 1]!.rawTo, first.ordinal, count);
    } else {
      const kept: Segment[] = [];
      for (let i = 0; i < count; i++) kept.push(segments[i]!.clone());
      raw.keepSegments(kept);
    }
    const claim = mapSegments(raw, segments, count, this.claimLineStarts, this.claimLineCount);
    this.claimSegmentCount = this.claimLineCount = 0;
    this.claimsRead++;
    out.push({ claim, raw });
  }

  /**
   * The tokenizer's last, unterminated text after an IEA when it is only padding (Ctrl-Z, NUL, whitespace): kept
   * with the interchange it follows (no problem: the tokenizer accepted it too).
   */
  private paddingAfterLastIea(seg: Segment): boolean {
    if (seg.terminated || this.interchange !== undefined || this.lastInterchange === undefined || !isTrailingPadding(seg.raw)) return false;
    this.lastInterchange.padding = seg;
    return true;
  }

  /** A control byte inside the segment (the file's delimiters aside): garbage, the file is held. */
  private checkControlByte(seg: Segment): void {
    const d = seg.delimiters;
    const source = seg.source;
    for (let at = seg.tagFrom; at < seg.bodyEnd; at++) {
      const code = source.charCodeAt(at);
      if (code >= 0x20 ? code !== 0x7f : code === 9 || code === 10 || code === 13) continue;
      const char = source[at]!;
      if (char === d.element || char === d.component || char === d.repetition || char === d.terminator) continue;
      const hex = code.toString(16).padStart(2, '0');
      this.fileProblem('X12_GARBAGE', seg, `control byte 0x${hex} at byte ${seg.byteOffset + at - seg.tagFrom}: not X12 data`, true, false);
      return;
    }
  }

  private fileProblem(code: string, seg: Segment | undefined, what: string, envelope: boolean, fatal: boolean): void {
    const location: SourceLocation = { file: this.fileName };
    let where = 'end of file';
    if (seg !== undefined) {
      location.segment = seg.ordinal;
      location.tag = seg.tag;
      location.byteOffset = seg.byteOffset;
      where = `segment ${seg.ordinal} (${tagName(seg)}, byte ${seg.byteOffset})`;
    }
    this.pushProblem({ code, message: `${this.fileName}: ${where}: ${what}`, location, envelope, fatal });
  }

  private pushProblem(problem: FileProblem): void {
    const count = (this.problemCounts.get(problem.code) ?? 0) + 1;
    this.problemCounts.set(problem.code, count);
    if (count <= MAX_PROBLEMS_PER_CODE) this.problems.push(problem);
  }

  private summarizeProblems(): void {
    for (const [code, count] of this.problemCounts) {
      if (count > MAX_PROBLEMS_PER_CODE) {
        const first = this.problems.find((p) => p.code === code)!;
        this.problems.push({
          ...first,
          message: `${this.fileName}: ${count - MAX_PROBLEMS_PER_CODE} more ${code} problems like the ones above (${count} in all)`,
        });
      }
    }
  }
}

/**
 * Whether the first `count` segments are consecutive segments of one tokenizer text, each terminated and without
 * a prefix: then segmentsIn() finds them again from their text range.
 */
function isRun(segments: readonly Segment[], count: number): boolean {
  let previous = segments[0]!;
  if (previous.rawFrom !== previous.tagFrom || previous.rawTo <= previous.bodyEnd) return false;
  for (let i = 1; i < count; i++) {
    const seg = segments[i]!;
    if (seg.context !== previous.context || seg.tagFrom !== previous.rawTo || seg.rawFrom !== seg.tagFrom || seg.rawTo <= seg.bodyEnd || seg.ordinal !== previous.ordinal + 1) return false;
    previous = seg;
  }
  return true;
}

/** The tags the assembler acts on (envelope, HL, CLM; '' is junk): every other segment in a claim just joins it. */
function isStructural(tag: string): boolean {
  switch (tag.charCodeAt(0)) {
    case 73: // I
      return tag === 'ISA' || tag === 'IEA';
    case 71: // G
      return tag === 'GS' || tag === 'GE';
    case 83: // S
      return tag === 'ST' || tag === 'SE';
    case 72: // H
      return tag === 'HL';
    case 67: // C
      return tag === 'CLM';
    default:
      return tag.length === 0;
  }
}

/** Whether element n of `a` equals element m of `b` (ASCII segments compared in place). */
function sameElement(a: Segment, n: number, b: Segment, m: number): boolean {
  const fromB = b.elementFrom(m);
  if (fromB === -2) return a.el(n) === b.el(m);
  const fromA = a.elementFrom(n);
  if (fromA === -2) return a.el(n) === b.el(m);
  if (fromA < 0 || fromB < 0) return (fromA < 0 ? 0 : a.elementEnd(fromA) - fromA) === (fromB < 0 ? 0 : b.elementEnd(fromB) - fromB);
  const length = a.elementEnd(fromA) - fromA;
  if (b.elementEnd(fromB) - fromB !== length) return false;
  const textA = a.source;
  const textB = b.source;
  for (let i = 0; i < length; i++) if (textA.charCodeAt(fromA + i) !== textB.charCodeAt(fromB + i)) return false;
  return true;
}

/** Two or three characters, A–Z then A–Z/0–9. */
function isSegmentTag(tag: string): boolean {
  if (tag.length < 2 || tag.length > 3) return false;
  const first = tag.charCodeAt(0);
  if (first < 65 || first > 90) return false;
  for (let i = 1; i < tag.length; i++) {
    const code = tag.charCodeAt(i);
    if (!((code >= 65 && code <= 90) || (code >= 48 && code <= 57))) return false;
  }
  return true;
}

/**
 * The tag for a message — only when it has a tag's shape: what stands in a tag's place in a damaged segment may
 * be anything (part of a patient's name after a stray terminator, megabytes of garbage), and messages are logged.
 */
function tagName(seg: Segment): string {
  if (isSegmentTag(seg.tag)) return seg.tag;
  return seg.tag === '' ? '(no tag)' : 'not a tag';
}

/** A value safe to put in a one-line message (no control characters, bounded length). */
function printable(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}… (${value.length} bytes)` : clean;
}

// ---------------------------------------------------------------------------------------------------------
// Mapping one raw claim to the model.

class ProblemSink {
  readonly problems: ReadProblem[] = [];
  constructor(private readonly file: string) {}
  add(code: string, seg: Segment, what: string): void {
    this.problems.push({
      code,
      message: `${this.file}: segment ${seg.ordinal} (${tagName(seg)}): ${what}`,
      location: locationOf(this.file, seg),
    });
  }
}

function locationOf(file: string, seg: Segment): SourceLocation {
  return { file, segment: seg.ordinal, tag: seg.tag, byteOffset: seg.byteOffset };
}

interface ProblemTarget {
  add(code: string, seg: Segment, what: string): void;
}

function nm1Person(nm1: Segment, dmg: Segment | undefined, sink: ProblemTarget, withMemberId: boolean): Person {
  const person: Person = {};
  const lastName = nm1.el(3);
  if (lastName !== '') person.lastName = lastName;
  const firstName = nm1.el(4);
  if (firstName !== '') person.firstName = firstName;
  if (withMemberId) {
    const memberId = nm1.el(9);
    if (memberId !== '') person.memberId = memberId;
  }
  if (dmg !== undefined) {
    const isD8 = dmg.elIs(1, 'D8');
    if (dmg.elLength(2) !== 0) {
      const dob = isD8 ? dmg.d8(2) : undefined;
      if (dob === undefined) sink.add('X12_BAD_DATE', dmg, `DMG02 date of birth "${printable(dmg.el(2))}" is not a ${dmg.el(1) || 'D8'} date`);
      else person.dateOfBirth = dob;
    }
    const sex = dmg.el(3);
    if (sex !== '') person.sex = sex;
  }
  return person;
}

/**
 * `{ ...person }` for the people nm1Person makes (same keys, same order: lastName, firstName, memberId,
 * dateOfBirth, sex — as they were set): a spread is several times slower on these varying shapes.
 */
function copyPerson(person: Person | undefined): Person {
  const copy: Person = {};
  if (person === undefined) return copy;
  if (person.lastName !== undefined) copy.lastName = person.lastName;
  if (person.firstName !== undefined) copy.firstName = person.firstName;
  if (person.memberId !== undefined) copy.memberId = person.memberId;
  if (person.dateOfBirth !== undefined) copy.dateOfBirth = person.dateOfBirth;
  if (person.sex !== undefined) copy.sex = person.sex;
  return copy;
}

/** Index of the NM1 with entity code `entity` in the first `count` segments; -1 when there is none. */
function findPerson(segments: readonly Segment[], count: number, entity: string): number {
  for (let i = 0; i < count; i++) {
    const seg = segments[i]!;
    if (seg.tag === 'NM1' && seg.firstIs(entity)) return i;
  }
  return -1;
}

/** The DMG that follows the NM1 at `nm1` (before the next NM1). */
function dmgAfter(segments: readonly Segment[], count: number, nm1: number): Segment | undefined {
  for (let j = nm1 + 1; j < count; j++) {
    const next = segments[j]!;
    if (next.tag === 'NM1') return undefined;
    if (next.tag === 'DMG') return next;
  }
  return undefined;
}

function npiOf(nm1: Segment | undefined): string | undefined {
  if (nm1 === undefined || !nm1.elIs(8, 'XX')) return undefined;
  const npi = nm1.elShared(9);
  return npi === '' ? undefined : npi;
}

/** DTP02/DTP03 into line.serviceDate (and serviceDateEnd for a range). */
function readServiceDate(seg: Segment, line: ServiceLine, sink: ProblemSink): void {
  if (seg.elIs(2, 'D8')) {
    const start = seg.d8(3);
    if (start === undefined) sink.add('X12_BAD_DATE', seg, `DTP03 "${printable(seg.el(3))}" is not a valid D8 date (CCYYMMDD)`);
    else line.serviceDate = start;
    return;
  }
  const format = seg.el(2);
  const value = seg.el(3);
  if (format === 'RD8') {
    const [a = '', b = ''] = value.split('-');
    const start = parseD8(a);
    const end = parseD8(b);
    if (start === undefined || end === undefined || value.split('-').length !== 2) {
      sink.add('X12_BAD_DATE', seg, `DTP03 "${printable(value)}" is not a valid RD8 range (CCYYMMDD-CCYYMMDD)`);
      return;
    }
    if (end < start) sink.add('X12_BAD_DATE', seg, `DTP03 range "${value}" ends before it starts`);
    line.serviceDate = start;
    line.serviceDateEnd = end;
    return;
  }
  sink.add('X12_BAD_DATE', seg, `DTP02 date format "${printable(format)}" is not D8 or RD8`);
}

/**
 * Maximum lengths of the elements the 837P guide (005010X222A1) bounds and spinescrub reads or writes, by tag and
 * element number: names (NM103 60, NM104 35, NM105 25, NM109 80), CLM01 38, the amounts (CLM02, SV102 18),
 * SV104 15, REF02 50, N3 55, N4 30/2/15, DMG02 35, PRV03 50, CTP04 15. A longer value holds its claim.
 */
const GUIDE_MAX_LENGTHS: ReadonlyMap<string, readonly (readonly [number, number])[]> = new Map([
  ['NM1', [[3, 60], [4, 35], [5, 25], [7, 10], [9, 80]]],
  ['CLM', [[1, 38], [2, 18]]],
  ['SV1', [[2, 18], [4, 15]]],
  ['REF', [[1, 3], [2, 50]]],
  ['N3', [[1, 55], [2, 55]]],
  ['N4', [[1, 30], [2, 2], [3, 15]]],
  ['DMG', [[2, 35]]],
  ['PRV', [[3, 50]]],
  ['CTP', [[4, 15]]],
]);

function checkGuideLengths(seg: Segment, sink: ProblemTarget): void {
  const limits = GUIDE_MAX_LENGTHS.get(seg.tag);
  if (limits === undefined) return;
  for (const [element, max] of limits) {
    const length = seg.elLength(element);
    if (length > max) {
      sink.add('X12_ELEMENT_TOO_LONG', seg, `${seg.tag}${String(element).padStart(2, '0')} is ${length} characters long (the 837P guide allows at most ${max})`);
    }
  }
}

class FactProblems implements ProblemTarget {
  readonly problems: LoopFacts['problems'] = [];
  add(code: string, seg: Segment, what: string): void {
    // A copy: the loop's segments are recycled scratch objects when its facts are computed.
    this.problems.push({ code, seg: seg.clone(), what });
  }
}

function factsOf(loop: HlLoop | undefined, role: '20' | '22' | '23'): LoopFacts | undefined {
  if (loop === undefined) return undefined;
  if (loop.facts === undefined) loop.facts = computeFacts(loop.segments, loop.segments.length, role);
  return loop.facts;
}

/** What the claims of a loop of level `role` take from its first `count` segments. */
function computeFacts(segments: readonly Segment[], count: number, role: '20' | '22' | '23'): LoopFacts {
  const sink = new FactProblems();
  const facts: LoopFacts = { problems: sink.problems };
  for (let i = 0; i < count; i++) checkGuideLengths(segments[i]!, sink);
  if (role === '20') {
    const billing = findPerson(segments, count, '85');
    const npi = npiOf(billing < 0 ? undefined : segments[billing]);
    if (npi !== undefined) facts.npi = npi;
  } else if (role === '22') {
    const subscriber = findPerson(segments, count, 'IL');
    if (subscriber >= 0) facts.person = nm1Person(segments[subscriber]!, dmgAfter(segments, count, subscriber), sink, true);
    for (let i = 0; i < count; i++) {
      if (segments[i]!.tag !== 'SBR') continue;
      const indicator = segments[i]!.el(9).trim();
      if (indicator !== '') facts.claimFilingIndicator = indicator;
      break;
    }
    const payer = findPerson(segments, count, 'PR');
    if (payer >= 0) {
      const nm1 = segments[payer]!;
      const payerName = nm1.el(3);
      const payerId = nm1.elShared(9);
      if (payerId !== '') facts.payerId = payerId;
      if (payerName !== '') facts.payerName = payerName;
    }
  } else {
    const patient = findPerson(segments, count, 'QC');
    // The patient's member id is the subscriber's (mapClaim).
    if (patient >= 0) facts.person = nm1Person(segments[patient]!, dmgAfter(segments, count, patient), sink, false);
  }
  return facts;
}

export function mapClaim(raw: X12RawClaim): Claim {
  return mapSegments(raw, raw.segments, raw.segments.length, raw.lineStarts, raw.lineStarts.length);
}

/** The claim of `raw` from its first `count` segments (`lineCount` LX indices in lineStarts). */
function mapSegments(raw: X12RawClaim, segs: readonly Segment[], count: number, lineStarts: readonly number[], lineCount: number): Claim {
  const file = raw.file;
  const sink = new ProblemSink(file);
  const clm = segs[0]!;

  for (let i = 0; i < count; i++) {
    const seg = segs[i]!;
    checkGuideLengths(seg, sink);
    if (seg.bodyEnd - seg.tagFrom > MAX_ELEMENT_CHARS) {
      const els = seg.elements;
      for (let i = 1; i < els.length; i++) {
        if (els[i]!.length > MAX_ELEMENT_CHARS) {
          sink.add('X12_ELEMENT_TOO_LONG', seg, `${seg.tag}${String(i).padStart(2, '0')} is ${els[i]!.length} bytes long (limit ${MAX_ELEMENT_CHARS})`);
        }
      }
    }
  }

  const claimId = clm.el(1);
  if (claimId === '') sink.add('X12_MISSING_VALUE', clm, 'CLM01 claim id is empty');
  const total = elementIn(clm, 2);
  let totalChargeCents = parseCentsAt(total.text, total.from, total.to);
  if (totalChargeCents === undefined) {
    sink.add('X12_BAD_AMOUNT', clm, `CLM02 total charge "${printable(clm.el(2))}" is not a decimal amount`);
    totalChargeCents = 0;
  }
  // CLM05: place of service : facility qualifier : frequency code.
  const clm05 = elementIn(clm, 5);
  const component = clm.delimiters.component;
  const firstSeparator = indexIn(clm05.text, component, clm05.from, clm05.to);
  const placeOfService = sharedValue(clm05.text, clm05.from, firstSeparator < 0 ? clm05.to : firstSeparator);
  let frequencyCode = '';
  if (firstSeparator >= 0) {
    const second = indexIn(clm05.text, component, firstSeparator + 1, clm05.to);
    if (second >= 0) {
      const third = indexIn(clm05.text, component, second + 1, clm05.to);
      frequencyCode = sharedValue(clm05.text, second + 1, third < 0 ? clm05.to : third);
    }
  }
  if (placeOfService === '') sink.add('X12_MISSING_VALUE', clm, 'CLM05-1 place of service is empty');

  const claimEnd = lineCount > 0 ? lineStarts[0]! : count;
  let payerClaimNumber: string | undefined;
  let renderingNpi: string | undefined;
  const diagnoses = DIAGNOSES;
  diagnoses.reset();
  LINES.reset();
  for (let i = 1; i < claimEnd; i++) {
    const seg = segs[i]!;
    if (seg.tag === 'REF' && seg.firstIs('F8') && payerClaimNumber === undefined) payerClaimNumber = seg.el(2);
    else if (seg.tag === 'NM1' && seg.firstIs('82') && renderingNpi === undefined) renderingNpi = npiOf(seg);
    else if (seg.tag === 'HI') readDiagnoses(seg, diagnoses, sink);
  }

  const gatheredLines = LINES;
  for (let n = 0; n < lineCount; n++) {
    const from = lineStarts[n]!;
    const to = n + 1 < lineCount ? lineStarts[n + 1]! : count;
    gatheredLines.add(readLine(segs, from, to, String(n + 1), n + 1, sink, file, placeOfService));
  }
  const lines = gatheredLines.take();
  if (lines.length === 0) sink.add('X12_NO_LINES', clm, 'claim has no service lines (LX/SV1)');
  if (lines.length > MAX_LINES) sink.add('X12_TOO_MANY_LINES', clm, `claim has ${lines.length} service lines (an 837P claim allows ${MAX_LINES})`);

  const billing = factsOf(raw.hl20, '20');
  const subscriberFacts = factsOf(raw.hl22, '22');
  const patientFacts = factsOf(raw.hl23, '23');
  if (raw.hl22 === undefined) sink.add('X12_NO_SUBSCRIBER', clm, 'claim is not inside a subscriber loop (HL 22)');
  if (billing !== undefined) for (const p of billing.problems) sink.add(p.code, p.seg, p.what);
  if (subscriberFacts !== undefined) for (const p of subscriberFacts.problems) sink.add(p.code, p.seg, p.what);
  if (patientFacts !== undefined) for (const p of patientFacts.problems) sink.add(p.code, p.seg, p.what);
  const subscriber = copyPerson(subscriberFacts?.person);
  let patient: Person;
  if (patientFacts?.person !== undefined) {
    patient = copyPerson(patientFacts.person);
    if (subscriber.memberId !== undefined) patient.memberId = subscriber.memberId;
  } else {
    patient = copyPerson(subscriber);
  }

  const claim: Claim = {
    claimId,
    frequencyCode,
    placeOfService,
    totalChargeCents,
    subscriber,
    patient,
    diagnoses: diagnoses.take(),
    lines,
    format: 'x12',
    source: locationOf(file, clm),
    readProblems: sink.problems,
  };
  if (payerClaimNumber !== undefined) claim.payerClaimNumber = payerClaimNumber;
  if (billing?.npi !== undefined) claim.billingNpi = billing.npi;
  if (renderingNpi !== undefined) claim.renderingNpi = renderingNpi;
  if (subscriberFacts?.payerId !== undefined) claim.payerId = subscriberFacts.payerId;
  if (subscriberFacts?.payerName !== undefined) claim.payerName = subscriberFacts.payerName;
  if (subscriberFacts?.claimFilingIndicator !== undefined) claim.claimFilingIndicator = subscriberFacts.claimFilingIndicator;
  return claim;
}

/**
 * Items gathered for one claim into a reused array, handed out as an array of the exact size (a push onto a new
 * [] reserves 17 slots).
 */
class Gather<T> {
  private readonly items: T[] = [];
  private count = 0;

  add(item: T): void {
    this.items[this.count++] = item;
  }

  take(): T[] {
    const taken = this.items.slice(0, this.count);
    this.count = 0;
    return taken;
  }

  /** Drops what a claim whose mapping failed half-way left. */
  reset(): void {
    this.count = 0;
  }
}

const DIAGNOSES = new Gather<Diagnosis>();
const LINES = new Gather<ServiceLine>();

function readDiagnoses(seg: Segment, diagnoses: Gather<Diagnosis>, sink: ProblemSink): void {
  const count = seg.elementCount;
  const component = seg.delimiters.component;
  for (let i = 1; i < count; i++) {
    // In place: the composite is not sliced out, the code is shared with equal codes read before.
    const { text, from, to } = elementIn(seg, i);
    if (from === to) continue;
    const separator = indexIn(text, component, from, to);
    if (separator < 0) {
      sink.add('X12_BAD_DIAGNOSIS', seg, `${hiName(i)} "${printable(text.slice(from, to))}" is not a qualifier${component}code composite`);
      continue;
    }
    const next = indexIn(text, component, separator + 1, to);
    const codeTo = next < 0 ? to : next;
    const qualifier = diagnosisQualifier(text, from, separator - from);
    if (qualifier !== undefined) {
      if (codeTo === separator + 1) {
        sink.add('X12_BAD_DIAGNOSIS', seg, `${hiName(i)} "${printable(text.slice(from, to))}" has qualifier ${qualifier} but no code`);
        continue;
      }
      diagnoses.add({ code: sharedValue(text, separator + 1, codeTo), qualifier, icd9: qualifier === 'BK' || qualifier === 'BF' });
    } else {
      const other = text.slice(from, separator);
      if (!OTHER_HI_QUALIFIERS.has(other)) sink.add('X12_UNKNOWN_QUALIFIER', seg, `${hiName(i)} qualifier "${printable(other)}" is not ABK, ABF, BK or BF`);
    }
  }
}

/**
 * Where element n of `seg` can be read: its span of the segment's text (ASCII segments), or the decoded value
 * (from 0). One object reused by every call: read it before the next call.
 */
const ELEMENT: { text: string; from: number; to: number } = { text: '', from: 0, to: 0 };

function elementIn(seg: Segment, n: number): { text: string; from: number; to: number } {
  const from = seg.elementFrom(n);
  if (from >= 0) {
    ELEMENT.text = seg.source;
    ELEMENT.from = from;
    ELEMENT.to = seg.elementEnd(from);
  } else {
    ELEMENT.text = from === -1 ? '' : seg.el(n);
    ELEMENT.from = 0;
    ELEMENT.to = ELEMENT.text.length;
  }
  return ELEMENT;
}

/** text.indexOf(char, from) within [from, to) (-1: none); a loop, as the spans are short and the text is long. */
function indexIn(text: string, char: string, from: number, to: number): number {
  const code = char.charCodeAt(0);
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}

function hiName(i: number): string {
  return `HI${String(i).padStart(2, '0')}`;
}

/** The diagnosis qualifier (ABK, ABF, BK, BF) that is text[from, from + length); else undefined. */
function diagnosisQualifier(text: string, from: number, length: number): string | undefined {
  if (length === 3) {
    if (text.startsWith('ABK', from)) return 'ABK';
    if (text.startsWith('ABF', from)) return 'ABF';
  } else if (length === 2) {
    if (text.startsWith('BK', from)) return 'BK';
    if (text.startsWith('BF', from)) return 'BF';
  }
  return undefined;
}

function isProcedureQualifier(value: string): boolean {
  return value === 'HC' || value === 'ER' || value === 'IV' || value === 'WK';
}

/** text[from, to) as a diagnosis pointer: "1".."12" (one or two digits) → the number; anything else → undefined. */
function parsePointerAt(text: string, from: number, to: number): number | undefined {
  const length = to - from;
  if (length < 1 || length > 2) return undefined;
  let value = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
    value = value * 10 + (code - 48);
  }
  return value >= 1 && value <= 12 ? value : undefined;
}

function readLine(segs: readonly Segment[], from: number, to: number, key: string, lineNumber: number, sink: ProblemSink, file: string, claimPlaceOfService: string): ServiceLine {
  const lx = segs[from]!;
  let sv1: Segment | undefined;
  let dtp: Segment | undefined;
  let lin: Segment | undefined;
  let ctp: Segment | undefined;
  let renderingNpi: string | undefined;
  for (let i = from + 1; i < to; i++) {
    const seg = segs[i]!;
    switch (seg.tag) {
      case 'SV1':
        if (sv1 === undefined) sv1 = seg;
        break;
      case 'DTP':
        if (dtp === undefined && seg.firstIs('472')) dtp = seg;
        break;
      case 'LIN':
        if (lin === undefined) lin = seg;
        break;
      case 'CTP':
        if (ctp === undefined && lin !== undefined) ctp = seg;
        break;
      case 'NM1':
        if (renderingNpi === undefined && seg.firstIs('82')) renderingNpi = npiOf(seg);
        break;
    }
  }
  // SV1 read into locals first: the line is made once with its final arrays (no [] replaced afterwards).
  let procedureQualifier = '';
  let procedure = '';
  let description: string | undefined;
  let modifiers: string[] | undefined;
  let chargeCents = 0;
  let unitBasis = '';
  let units = 0;
  let placeOfService: string | undefined;
  let pointers: number[] | undefined;
  if (sv1 === undefined) {
    sink.add('X12_MISSING_SV1', lx, `service line ${lineNumber} has no SV1 segment`);
  } else {
    const count = sv1.elementCount;
    if (count < 5) sink.add('X12_SHORT_SV1', sv1, `SV1 has ${count - 1} elements; it needs at least SV101 to SV104`);
    const component = sv1.delimiters.component;
    // SV101: qualifier : procedure : up to four modifiers : description (read in place; codes shared).
    const { text: composite, from: compositeFrom, to: compositeTo } = elementIn(sv1, 1);
    let partFrom = compositeFrom;
    // Modifiers gathered first: an array literal of the exact size (a push onto [] reserves 17 slots).
    let m0 = '';
    let m1 = '';
    let m2 = '';
    let m3 = '';
    let modifierCount = 0;
    for (let part = 0; ; part++) {
      const at = indexIn(composite, component, partFrom, compositeTo);
      const partTo = at < 0 ? compositeTo : at;
      if (part === 0) procedureQualifier = sharedValue(composite, partFrom, partTo);
      else if (part === 1) procedure = sharedValue(composite, partFrom, partTo);
      else if (part < 6) {
        if (partTo > partFrom) {
          const text = sharedValue(composite, partFrom, partTo);
          if (modifierCount === 0) m0 = text;
          else if (modifierCount === 1) m1 = text;
          else if (modifierCount === 2) m2 = text;
          else m3 = text;
          modifierCount++;
        }
      } else {
        if (partTo > partFrom) description = composite.slice(partFrom, partTo);
        break;
      }
      if (at < 0) break;
      partFrom = at + 1;
    }
    if (modifierCount > 0) modifiers = modifierCount === 1 ? [m0] : modifierCount === 2 ? [m0, m1] : modifierCount === 3 ? [m0, m1, m2] : [m0, m1, m2, m3];
    if (!isProcedureQualifier(procedureQualifier)) {
      sink.add('X12_UNKNOWN_QUALIFIER', sv1, `SV101-1 procedure qualifier "${printable(procedureQualifier)}" is not HC, ER, IV or WK`);
    }
    if (procedure === '') sink.add('X12_MISSING_VALUE', sv1, 'SV101-2 procedure code is empty');
    if (count >= 3) {
      const chargeText = elementIn(sv1, 2);
      const charge = parseCentsAt(chargeText.text, chargeText.from, chargeText.to);
      if (charge === undefined) sink.add('X12_BAD_AMOUNT', sv1, `SV102 charge "${printable(sv1.el(2))}" is not a decimal amount`);
      else chargeCents = charge;
    }
    unitBasis = sv1.elShared(3);
    if (count >= 5) {
      const unitsText = sv1.el(4);
      const parsed = parseQuantity(unitsText);
      if (parsed === undefined) sink.add('X12_BAD_QUANTITY', sv1, `SV104 units "${printable(unitsText)}" is not a number`);
      else units = parsed;
    }
    // SV105 only when it differs from the claim's (model.ts); the writer restores an equal one.
    const sv105 = sv1.elShared(5);
    if (sv105 !== '' && sv105 !== claimPlaceOfService) placeOfService = sv105;
    const { text: pointerText, from: pointersFrom, to: pointersTo } = elementIn(sv1, 7);
    if (pointersTo > pointersFrom) {
      let pointerFrom = pointersFrom;
      // As the modifiers: up to four gathered for an exact-size array, more pushed.
      let p0 = 0;
      let p1 = 0;
      let p2 = 0;
      let p3 = 0;
      let pointerCount = 0;
      let more: number[] | undefined;
      for (;;) {
        let at = indexIn(pointerText, component, pointerFrom, pointersTo);
        const last = at < 0;
        if (last) at = pointersTo;
        const pointer = parsePointerAt(pointerText, pointerFrom, at);
        if (pointer === undefined) sink.add('X12_BAD_POINTER', sv1, `SV107 diagnosis pointer "${printable(pointerText.slice(pointerFrom, at))}" is not a number from 1 to 12`);
        else {
          if (pointerCount === 0) p0 = pointer;
          else if (pointerCount === 1) p1 = pointer;
          else if (pointerCount === 2) p2 = pointer;
          else if (pointerCount === 3) p3 = pointer;
          else (more ??= []).push(pointer);
          pointerCount++;
        }
        if (last) break;
        pointerFrom = at + 1;
      }
      if (pointerCount > 0) {
        pointers = pointerCount === 1 ? [p0] : pointerCount === 2 ? [p0, p1] : pointerCount === 3 ? [p0, p1, p2] : [p0, p1, p2, p3];
        if (more !== undefined) for (const pointer of more) pointers.push(pointer);
      }
    }
  }
  const line: ServiceLine = {
    key,
    lineNumber,
    procedureQualifier,
    procedure,
    modifiers: modifiers ?? [],
    chargeCents,
    unitBasis,
    units,
    pointers: pointers ?? [],
    serviceDate: '',
    source: locationOf(file, sv1 ?? lx),
    facts: UNNORMALIZED,
  };
  // Optional keys in the order they were always added (description, then SV105).
  if (description !== undefined) line.description = description;
  if (placeOfService !== undefined) line.placeOfService = placeOfService;
  if (dtp === undefined) {
    sink.add('X12_MISSING_DATE', sv1 ?? lx, `service line ${lineNumber} has no DTP*472 date of service`);
  } else {
    readServiceDate(dtp, line, sink);
  }
  if (lin !== undefined) {
    const drug: DrugDetail = {};
    const ndcQualifier = lin.elShared(2);
    const ndc = lin.elShared(3);
    if (ndc !== '') drug.ndc = ndc;
    if (ndcQualifier !== '') drug.ndcQualifier = ndcQualifier;
    if (ctp !== undefined) {
      const quantityText = ctp.el(4);
      const quantity = parseQuantity(quantityText);
      if (quantity === undefined) sink.add('X12_BAD_QUANTITY', ctp, `CTP04 quantity "${printable(quantityText)}" is not a number`);
      else drug.quantity = quantity;
      const ctp05 = elementIn(ctp, 5);
      const unitEnd = indexIn(ctp05.text, ctp.delimiters.component, ctp05.from, ctp05.to);
      const unit = sharedValue(ctp05.text, ctp05.from, unitEnd < 0 ? ctp05.to : unitEnd);
      if (unit !== '') drug.unit = unit;
      if (unit === 'ME' && quantity !== undefined) drug.doseMg = quantity;
    }
    line.drug = drug;
  }
  if (renderingNpi !== undefined) line.renderingNpi = renderingNpi;
  return line;
}
