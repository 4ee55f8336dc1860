/**
 * The messages between a run's thread and its check workers (`--threads N`, check-pool.ts and check-worker.ts).
 *
 * Every worker reads the file itself. The run's thread reads it too, deals each claim to the worker of its patient
 * and sends, per batch of claims, which worker checks which (`plan`), with the prior claims and key look-ups the
 * worker's claims need: the run's thread holds the history's connection. Results come back in batches, as bytes
 * where they can be. Everything is plain data (structured clone); bytes are transferred.
 */
import type { CsvColumnMap } from '../csv/columns.js';
import type { Claim, InputFormat, IsoDate } from '../encounter/model.js';
import type { PriorClaim } from '../history/store.js';
import type { ImportedTable } from '../reference/imported/files.js';
import type { ReportAggregate } from '../report/aggregate.js';
import type { HoldingProblem, HoldOn } from '../report/rows.js';

/** What a check worker is started with (workerData). */
export interface CheckWorkerData {
  /** Profile name or policy file (as the run loads it). */
  policy?: string;
  /** The imported reference database the run opened, or null for the shipped tables alone. */
  referencePath: string | null;
  asOf: IsoDate;
  fix: boolean;
  holdOn: HoldOn;
  /** A history index is configured: the worker keeps a run history of its patients. */
  history: boolean;
  record: boolean;
  /** Where a CSV reader may spill its grouping index (the run's staging directory). */
  tempDir: string;
  /** This worker's number (0 … threads - 1): the `owners` of a plan name workers by it. */
  worker: number;
}

export type ToWorker =
  /**
   * A pass over a file starts: the worker reads it (a file may be passed again: broken envelope, a corrected claim
   * the writer refused). `refused`: claims (by number in the file) to hold as read, with the writer's message.
   */
  | {
      type: 'open';
      pass: number;
      path: string;
      name: string;
      hash: string;
      format: InputFormat;
      csvMap: CsvColumnMap | null;
      holding: HoldingProblem[] | null;
      refused: [number, string][];
      holdsPending: boolean;
    }
  /**
   * The workers of the claims numbered `from` on (one byte each); for this worker's claims, the prior claims of the
   * patients met for the first time (by identity string) and the store's answers to findClaims (findKey).
   * `barriers`: claims whose superseding may reach prior claims of another worker's patients: a worker checks no
   * claim after one of them before it knows what that claim superseded (`effects`).
   */
  | { type: 'plan'; pass: number; from: number; owners: Uint8Array; loads: [string, PriorClaim[]][]; finds: [string, PriorClaim[]][]; barriers: number[] }
  /** The rows of recorded claims a barrier claim superseded (relayed from the worker that checked it). */
  | { type: 'effects'; pass: number; seq: number; rows: number[] }
  /** Every claim of the pass has come back: reply `ended`. */
  | { type: 'end'; pass: number }
  /** Record the pass's claims: reply `to-record`. */
  | { type: 'commit'; pass: number }
  /** The rows the store gave this worker's claims; `letGo`: drop the claims held (history/run.ts letGo). */
  | { type: 'rows'; pass: number; rows: number[]; letGo: boolean }
  /** Forget the pass's claims (the file is passed again, or not recorded). */
  | { type: 'discard'; pass: number }
  /**
   * Another run recorded some of the file's patients while it was checked (HIST_CONFLICT): drop every pass and every
   * claim held; the run's thread reads the patients again and sends them with their next claims.
   */
  | { type: 'reset' }
  /** The run is done: reply `finished` and exit. */
  | { type: 'finish' };

export interface ResultBatch {
  type: 'results';
  pass: number;
  /** Per claim of this worker, in input order: 0 ready, 1 held. */
  fates: Uint8Array;
  /** Per claim: its corrected claim (the engine changed it), else null (written as read). */
  changed: (Claim | null)[];
  /** Report records of the batch as bytes, and where each claim's end (per claim, from the batch's start). */
  json: Uint8Array;
  jsonEnds: Uint32Array;
  csv: Uint8Array;
  csvEnds: Uint32Array;
  junit: Uint8Array;
  junitEnds: Uint32Array;
  held: Uint8Array;
  heldEnds: Uint32Array;
  /** Per claim: its charges (the held-claims index ranks by them). */
  charges: Float64Array;
}

export type FromWorker =
  | { type: 'ready' }
  | ResultBatch
  | { type: 'effects'; pass: number; seq: number; rows: number[] }
  /** The pass's counts and the claims the worker read; `payers`: each payer key's first held claim (seq) and name. */
  | { type: 'ended'; pass: number; claims: number; aggregate: ReportAggregate; payers: [string, number, string | null][] }
  /**
   * The pass's claims to record with their numbers in the file: ClaimToRecord lists as v8.serialize writes them, in
   * chunks (the run's thread reads one chunk at a time as the store records); the bytes and patients the worker holds.
   */
  | { type: 'to-record'; pass: number; seqs: number[]; chunks: Uint8Array[]; bytesHeld: number; patientsHeld: number }
  | { type: 'finished'; asked: [ImportedTable, IsoDate[]][] }
  | { type: 'error'; message: string };

/** Check workers at most (a plan names a claim's worker in one byte). */
export const MAX_THREADS = 64;

/** ClaimToRecord objects per serialized chunk of a `to-record` answer. */
export const RECORD_CHUNK = 1024;

/** The key of a findClaims question. */
export function findKey(billingNpi: string, claimId: string, payerClaimNumber: string | null): string {
  return `${billingNpi}\u0000${claimId}\u0000${payerClaimNumber ?? '\u0001'}`;
}
