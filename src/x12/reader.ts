/** The X12 ClaimReader: tokenizer → assembler, one claim at a time. */
import { isAscii } from 'node:buffer';
import type { ClaimReader, FileProblem, ReadClaim, ReadyClaims } from '../formats/types.js';
import { ClaimAssembler } from './assembler.js';
import { SegmentBatch, X12Tokenizer } from './tokenizer.js';
import { WARM_UP_837 } from './warm-up.js';

/** Control bytes (0x00–0x08, 0x0B, 0x0C, 0x0E–0x1F, 0x7F): 1; all other bytes (tab, CR and LF too): 0. */
const CONTROL = new Uint8Array(256);
for (let code = 0; code < 0x20; code++) if (code !== 9 && code !== 10 && code !== 13) CONTROL[code] = 1;
CONTROL[0x7f] = 1;

/**
 * Any control byte in a chunk (the assembler then checks each segment for one). Four bytes at a time: a word
 * with no byte below 0x20 and none equal to 0x7F is skipped; the others (line endings, tabs) are looked at.
 */
export function hasControlByte(buffer: Uint8Array): boolean {
  const length = buffer.length;
  let i = 0;
  const head = (4 - (buffer.byteOffset & 3)) & 3;
  if (length < head + 4) {
    for (; i < length; i++) if (CONTROL[buffer[i]!] === 1) return true;
    return false;
  }
  for (; i < head; i++) if (CONTROL[buffer[i]!] === 1) return true;
  const words = new Uint32Array(buffer.buffer, buffer.byteOffset + i, (length - i) >>> 2);
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    const x7f = word ^ 0x7f7f7f7f;
    // Classic "has a byte below N" tests: a high bit survives for a byte below 0x20 or a byte equal to 0x7F.
    if ((((word - 0x20202020) & ~word) | ((x7f - 0x01010101) & ~x7f)) & 0x80808080) {
      const at = i + k * 4;
      if ((CONTROL[buffer[at]!]! | CONTROL[buffer[at + 1]!]! | CONTROL[buffer[at + 2]!]! | CONTROL[buffer[at + 3]!]!) !== 0) return true;
    }
  }
  for (i += words.length * 4; i < length; i++) if (CONTROL[buffer[i]!] === 1) return true;
  return false;
}

/** A partial segment longer than this is joined to the next chunk as a string (the join buffer stays small). */
const MAX_JOINED_PENDING = 64 * 1024;

export function readX12(input: AsyncIterable<Buffer> | NodeJS.ReadableStream, fileName: string): ClaimReader {
  warmUpReader();
  const problems: FileProblem[] = [];
  let started = false;
  return {
    format: 'x12',
    problems,
    claims(): AsyncGenerator<ReadClaim> {
      if (started) return failing(new Error('readX12: claims() can be iterated only once'));
      started = true;
      return new ClaimIterator(input as AsyncIterable<Buffer | string>, fileName, problems);
    },
  };
}

let readerWarmedUp = false;

/** Rounds of the warm-up: V8 keeps type feedback only for a function called several times (8 in node 20). */
const WARM_UP_ROUNDS = 4;
/** Warm-up chunk size: chunks cut segments (the joined-pending path) and start at odd offsets (hasControlByte's edges). */
const WARM_UP_CHUNK = 509;
const NO_INPUT: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ value: undefined, done: true as const }) }) };

/**
 * Runs WARM_UP_837 through the reader's code once per process, before the first real file (warm-up.ts says why);
 * its claims and problems are dropped.
 */
function warmUpReader(): void {
  if (readerWarmedUp) return;
  readerWarmedUp = true;
  try {
    const bytes = Buffer.from(WARM_UP_837, 'latin1');
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      const iterator = new ClaimIterator(NO_INPUT, 'warm-up', []);
      for (let at = 0; at < bytes.length; at += WARM_UP_CHUNK) iterator.feedChunk(bytes.subarray(at, at + WARM_UP_CHUNK));
      iterator.endOfInput();
    }
  } catch {
    // Only a speed-up: it never stops a read (test/x12/warm-up.test.ts reads the interchange clean).
  }
}

/** An iterator whose first next() rejects with `error` (as a generator that throws at once). */
// eslint-disable-next-line require-yield -- it yields nothing: its first next() rejects
async function* failing(error: Error): AsyncGenerator<ReadClaim> {
  throw error;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * claims() as a hand-written async iterator rather than an async generator: a generator's yield awaits its value
 * and queues a request per next(), several objects per claim; here a claim costs one resolved promise and its
 * result. Claims are assembled a chunk at a time (the input is read only when the assembled ones are handed out).
 */
class ClaimIterator implements AsyncGenerator<ReadClaim>, ReadyClaims {
  private readonly tokenizer = new X12Tokenizer();
  private readonly assembler: ClaimAssembler;
  private readonly segments = new SegmentBatch();
  private source: AsyncIterator<Buffer | string> | undefined;
  /** Assembled claims not handed out yet: batch[head..]. */
  private readonly batch: ReadClaim[] = [];
  private head = 0;
  /** The input is exhausted (or failed) and the assembler finished: what is in the batch is all. */
  private finished = false;
  private closed = false;
  private reading: Promise<unknown> | undefined;
  private notesSeen = 0;
  private bytesRead = 0;
  private joinBuffer = Buffer.allocUnsafe(0);

  constructor(
    private readonly input: AsyncIterable<Buffer | string>,
    private readonly fileName: string,
    private readonly problems: FileProblem[],
  ) {
    this.assembler = new ClaimAssembler(fileName);
  }

  [Symbol.asyncIterator](): AsyncGenerator<ReadClaim> {
    return this;
  }

  next(): Promise<IteratorResult<ReadClaim>> {
    // One read at a time (a caller that does not wait for next() gets its claims in order all the same).
    if (this.reading !== undefined) return this.reading.then(() => this.next());
    if (this.head < this.batch.length) {
      const value = this.batch[this.head]!;
      this.head++;
      return Promise.resolve({ value, done: false });
    }
    if (this.finished || this.closed) return Promise.resolve(DONE);
    const reading = this.fill();
    this.reading = reading;
    return reading.then(
      () => {
        this.reading = undefined;
        return this.next();
      },
      (error: unknown) => {
        // As a generator that threw: done from now on.
        this.reading = undefined;
        this.finished = true;
        throw error;
      },
    );
  }

  /** The next claim already assembled, without a promise (undefined: next() reads on, or the claims are done). */
  takeReady(): ReadClaim | undefined {
    if (this.reading !== undefined || this.head >= this.batch.length) return undefined;
    return this.batch[this.head++];
  }

  async return(): Promise<IteratorResult<ReadClaim>> {
    const source = this.source;
    const reading = !this.finished && !this.closed && source !== undefined;
    this.closed = true;
    this.batch.length = this.head = 0;
    // As a generator left inside its for-await: the input is closed (a file stream is destroyed).
    if (reading) await source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ReadClaim>> {
    await this.return();
    throw error;
  }

  /** Reads chunks until some claims are assembled or the input ends. */
  private async fill(): Promise<void> {
    this.batch.length = this.head = 0;
    try {
      this.source ??= this.input[Symbol.asyncIterator]();
      while (this.batch.length === 0) {
        const step = await this.source.next();
        if (this.closed) return;
        if (step.done === true) break;
        this.feedChunk(step.value);
      }
      if (this.batch.length > 0) return;
    } catch (error) {
      // The stream failed (I/O error): claims read so far are out; the rest cannot be trusted.
      this.endOfInput();
      this.problems.push({
        code: 'X12_READ_ERROR',
        message: `${this.fileName}: reading failed after byte ${this.bytesRead}: ${(error as Error).message}`,
        location: { file: this.fileName },
        envelope: true,
        fatal: true,
      });
      return;
    }
    this.endOfInput();
  }

  /** The input is done: the tokenizer's last segments and the assembler's end (trailers, the last claim) go into the batch. */
  endOfInput(): void {
    this.assembler.feed(this.tokenizer.end(), this.batch);
    this.syncProblems();
    this.assembler.finish(this.batch);
    this.syncProblems();
    this.finished = true;
  }

  /** One chunk read: its claims are assembled into the batch (warm-up: fed without an input). */
  feedChunk(chunk: Buffer | string): void {
    const tokenizer = this.tokenizer;
    const assembler = this.assembler;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.bytesRead += buffer.length;
    if (!assembler.checkControlBytes && hasControlByte(buffer)) assembler.checkControlBytes = true;
    const pending = tokenizer.joinablePending;
    if (pending !== undefined && pending.length <= MAX_JOINED_PENDING) {
      // The partial segment and the chunk decoded as one string (joining two strings copies the chunk again).
      const length = pending.length + buffer.length;
      if (this.joinBuffer.length < length) this.joinBuffer = Buffer.allocUnsafe(Math.max(length, this.joinBuffer.length * 2));
      this.joinBuffer.write(pending, 0, 'latin1');
      buffer.copy(this.joinBuffer, pending.length);
      tokenizer.pushJoined(this.joinBuffer.toString('latin1', 0, length), isAscii(buffer), this.segments);
    } else {
      tokenizer.pushTo(buffer.toString('latin1'), isAscii(buffer), this.segments);
    }
    assembler.feedBatch(this.segments, this.batch);
    this.segments.clear();
    this.syncProblems();
  }

  private syncProblems(): void {
    const tokenizer = this.tokenizer;
    const assembler = this.assembler;
    if (tokenizer.notes.length > this.notesSeen) {
      assembler.addNotes(tokenizer.notes.slice(this.notesSeen));
      this.notesSeen = tokenizer.notes.length;
    }
    if (assembler.problems.length > this.problems.length) this.problems.push(...assembler.problems.slice(this.problems.length));
  }
}
