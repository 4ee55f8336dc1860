/**
 * Synchronous file writing for the end-of-run reports: small pieces gathered in one reused buffer, and spill files
 * copied through another. A stream copy allocates a buffer per chunk, and those dead buffers, not yet collected,
 * would set a large run's peak memory.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** Calls `chunk` with the bytes of a file, read through `buffer` (the view is only valid during the call). */
export function readChunks(file: string, buffer: Buffer, chunk: (bytes: Buffer) => void): void {
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) chunk(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** Writes a file with synchronous calls, gathering small pieces in one reused 64 KiB buffer. */
export class SyncFileWriter {
  private readonly fd: number;
  private readonly pending = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  /** Text as UTF-8, written into the buffer when it fits (no Buffer per piece). */
  text(text: string): void {
    if (text.length * 3 <= this.pending.length - this.used) {
      this.used += this.pending.write(text, this.used, 'utf8');
      return;
    }
    this.bytes(Buffer.from(text, 'utf8'));
  }

  bytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.pending.length) this.flush();
    if (bytes.length >= this.pending.length) {
      this.writeAll(bytes, bytes.length);
      return;
    }
    this.pending.set(bytes, this.used);
    this.used += bytes.length;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    this.writeAll(this.pending, this.used);
    this.used = 0;
  }

  private writeAll(bytes: Uint8Array, length: number): void {
    for (let written = 0; written < length; ) written += writeSync(this.fd, bytes, written, length - written);
  }
}

/** Room a record gets in a spill's buffer (a record that does not fit is written the general way). */
const RECORD_ROOM = 8 * 1024;

/** A table for SpillFile.ascii: 1 marks an ASCII code the caller's format must escape or quote. */
export function asciiRejecting(test: (code: number) => boolean): Uint8Array {
  const table = new Uint8Array(128);
  for (let code = 0; code < 128; code++) table[code] = test(code) ? 1 : 0;
  return table;
}

/** Accepts every ASCII code (constant text). */
export const ANY_ASCII = asciiRejecting(() => false);

/** Whether every char of `text` is ASCII and none is marked in `reject` (what SpillFile.ascii copies as it is). */
export function isPlainAscii(text: string, reject: Uint8Array): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127 || reject[code] === 1) return false;
  }
  return true;
}

/**
 * A spill file written with synchronous calls from one reused 64 KiB buffer. Records are written into it as
 * bytes: a record opens with begin() (which makes room), its pieces are copied (plain ASCII straight from the
 * strings; other values in their general form, as UTF-8), and a record that does not fit in the room left is
 * rewound and written as its general form's text. No string per record or per batch is made.
 */
export class SpillFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private start = 0;
  private closed = false;
  /** Bytes handed to the file so far. */
  private written = 0;

  /** For a subclass that takes the bytes itself: counts them as written. */
  protected handedOn(length: number): void {
    this.written += length;
  }

  /** `file` null: no file (a subclass takes the bytes, MemorySpill). */
  constructor(file: string | null) {
    this.fd = file === null ? -1 : openSync(file, 'w');
  }

  /** Opens a record (flushes first when less than RECORD_ROOM bytes are free). */
  begin(): void {
    if (this.buffer.length - this.used < RECORD_ROOM) this.flush();
    this.start = this.used;
  }

  /** Drops what was copied since begin(). */
  rewind(): void {
    this.used = this.start;
  }

  /**
   * Copies `text` when every char is ASCII, none is marked in `reject`, and it fits; otherwise copies nothing
   * (or part: the caller rewinds) and returns false.
   */
  ascii(text: string, reject: Uint8Array): boolean {
    const length = text.length;
    const buffer = this.buffer;
    let used = this.used;
    if (used + length > buffer.length) return false;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 127 || reject[code] === 1) return false;
      buffer[used++] = code;
    }
    this.used = used;
    return true;
  }

  /** The file offset the next byte goes to. */
  position(): number {
    return this.written + this.used;
  }

  /** Where the next byte goes (for reset). */
  mark(): number {
    return this.used;
  }

  /** Drops what was copied since mark() returned `at` (within the current record). */
  reset(at: number): void {
    this.used = at;
  }

  /** Copies bytes (false: no room). */
  bytes(bytes: Uint8Array): boolean {
    if (this.used + bytes.length > this.buffer.length) return false;
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
    return true;
  }

  /** Copies text as UTF-8 (false: perhaps no room, nothing copied). */
  utf8(text: string): boolean {
    if (this.used + text.length * 3 > this.buffer.length) return false;
    this.used += this.buffer.write(text, this.used, 'utf8');
    return true;
  }

  /** Copies one ASCII byte (false: no room). */
  byte(code: number): boolean {
    if (this.used >= this.buffer.length) return false;
    this.buffer[this.used++] = code;
    return true;
  }

  /** Copies a safe integer as String() writes it (false: not a safe integer, or no room). */
  integer(value: number): boolean {
    if (!Number.isSafeInteger(value)) return false;
    let rest = value < 0 ? -value : value;
    let digits = 1;
    for (let scale = 10; scale <= rest; scale *= 10) digits++;
    const negative = value < 0 ? 1 : 0;
    const end = this.used + negative + digits;
    if (end > this.buffer.length) return false;
    if (negative) this.buffer[this.used] = 0x2d;
    for (let at = end - 1; at >= end - digits; at--) {
      this.buffer[at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.used = end;
    return true;
  }

  /** Any text, as UTF-8 (the general form of a record). */
  text(text: string): void {
    if (this.used + text.length * 3 > this.buffer.length) this.flush();
    if (text.length * 3 <= this.buffer.length) {
      this.used += this.buffer.write(text, this.used, 'utf8');
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    this.writeAll(bytes, bytes.length);
  }

  /** Any bytes (records another thread made: MemorySpill), copied through the buffer or written as they are. */
  append(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length > this.buffer.length) {
      this.writeAll(bytes, bytes.length);
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Writes what is buffered and closes the file (once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      if (this.fd >= 0) closeSync(this.fd);
    }
  }

  protected flush(): void {
    this.writeAll(this.buffer, this.used);
    this.used = 0;
    this.start = 0;
  }

  protected writeAll(bytes: Uint8Array, length: number): void {
    for (let written = 0; written < length; ) written += writeSync(this.fd, bytes, written, length - written);
    this.written += length;
  }
}

/**
 * A SpillFile whose bytes stay in memory until taken: a check worker spills its claims' records here and hands
 * the bytes to the run's thread, which appends them to the files in input order.
 */
export class MemorySpill extends SpillFile {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor() {
    super(null);
  }

  /** Everything spilled since the last take, as one buffer of its own (transferable). */
  take(): Uint8Array {
    this.flush();
    const bytes = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    this.chunks = [];
    this.size = 0;
    return bytes;
  }

  protected override writeAll(bytes: Uint8Array, length: number): void {
    if (length === 0) return;
    this.chunks.push(Buffer.from(bytes.subarray(0, length)));
    this.size += length;
    // position() counts what was handed on, as it counts what a file was given.
    this.handedOn(length);
  }
}
