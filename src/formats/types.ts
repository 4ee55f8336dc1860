/**
 * The formats layer: the contract between the format adapters (x12/, csv/) and the pipeline. A reader yields
 * claims one at a time (memory holds one claim per file, never the file); a writer takes each claim back —
 * unchanged claims are written exactly as read, changed ones re-serialized — and produces a complete, valid
 * file. It lives here, below both, so that the adapters import nothing from pipeline/.
 */
import type { Claim, InputFormat, SourceLocation } from '../encounter/model.js';

/** A claim as read, plus the format-specific data its writer needs (raw segments, raw rows). Opaque to rules. */
export interface ReadClaim {
  claim: Claim;
  raw: unknown;
}

/**
 * A problem with the file rather than one claim. `envelope` problems (missing or wrong SE/GE/IEA, counts,
 * truncation, garbage) mean the file's claims cannot be trusted to go out as they are: the run holds them.
 * `fatal` problems stopped the reader: claims yielded before it are still written (to held).
 */
export interface FileProblem {
  /** `X12_*` / `CSV_*`. */
  code: string;
  /** One line: names the file and the segment number / byte offset / CSV line and what was wrong. */
  message: string;
  location: SourceLocation;
  envelope: boolean;
  fatal: boolean;
}

export interface ClaimReader {
  readonly format: InputFormat;
  claims(): AsyncGenerator<ReadClaim>;
  /** File-level problems found so far; complete once claims() is exhausted. */
  readonly problems: FileProblem[];
}

/**
 * What the iterator of claims() may also offer (the X12 reader's does): the next claim it has already read,
 * without a promise (undefined: call next()). A run takes the claims of a read chunk this way, one await a chunk.
 */
export interface ReadyClaims {
  takeReady(): ReadClaim | undefined;
}

export interface ClaimWriter {
  /**
   * Write one claim. `claim` is the corrected claim when `changed`, otherwise `read.claim`.
   * Resolves once the claim is gathered: its bytes reach the stream in chunks, at the writer's flush mark or on
   * close() (respecting back-pressure). A refused claim rejects with nothing of it written.
   */
  write(read: ReadClaim, claim: Claim, changed: boolean): Promise<void>;
  /**
   * Optional: write() without a promise when none is needed. Returns undefined once the claim is written and the
   * writer needs no wait; otherwise the promise to wait for. A refused claim throws (nothing of it written).
   */
  writeNow?(read: ReadClaim, claim: Claim, changed: boolean): Promise<void> | undefined;
  /** Write the trailers, end the stream, and resolve once it is flushed. */
  close(): Promise<{ claims: number }>;
}
