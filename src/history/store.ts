/**
 * What a history store does (the SQLite store in sqlite.ts, the shared PostgreSQL store in postgres.ts): record a
 * file's claims, load a patient's prior claims, find prior claims by their key. Everything a run asks the view is
 * answered in memory from what the store loaded (run.ts): the store is asked only when a claim arrives (its
 * patient, its key) and when a file ends. A store whose reads are asynchronous reads them ahead in `prepare` (the
 * run awaits it before the claim is checked; `prepareMany` for the claims a reader has ready) and answers
 * loadPatient and findClaims from what it read; its recordFile, stats and look-ups by hash return promises.
 */
import type { PatientKey } from '../encounter/history-view.js';
import type { IsoDate } from '../encounter/model.js';
import type { HistoryClaim } from './claims.js';
import type { PatientIdentity } from './identity.js';

/** A file as the history knows it: the name messages cite, and the sha256 of its bytes. */
export interface FileIdentity {
  name: string;
  hash: string;
  format?: string;
}

export interface RecordedFile {
  id: number;
  name: string;
  claims: number;
  lines: number;
}

/** A claim the store already holds: its row, and the name of the file it came from. */
export interface PriorClaim extends HistoryClaim {
  row: number;
  file: string;
  /** A replacement or void whose original has not arrived yet. */
  awaiting: boolean;
}

/** A claim to record, with what it does to claims already recorded. */
export interface ClaimToRecord {
  claim: HistoryClaim;
  /** Null: no patient identity at all (the claim is recorded without lines). */
  identity: PatientIdentity | null;
  /** A replacement or void that found nothing to supersede (yet). */
  awaiting: boolean;
  /** Rows of recorded claims this claim supersedes. */
  supersedes: readonly number[];
  /** Claims of the same file it superseded (recorded superseded already; counted in the result). */
  supersededInFile: number;
  /** Rows of recorded replacements or voids that were waiting for this claim (it arrives superseded). */
  settles: readonly number[];
  /**
   * The versions of the claim's patient the run saw when it loaded the patient (PostgreSQL: a patient's version
   * keys and their versions; a recorder refuses the file when another run has recorded the patient since). Null:
   * the store does not version patients (SQLite: one writer at a time).
   */
  seen: PatientVersions | null;
}

/** Version key of a patient (postgres.ts versionKeys) → the version seen (0: no claim recorded yet). */
export type PatientVersions = Readonly<Record<string, number>>;

/** A value, or a promise of it (a store on a server answers asynchronously, SQLite at once). */
export type MaybePromise<T> = T | Promise<T>;

/** What a store reads ahead for a claim: its patient, and the key its look-ups (findClaims) use. */
export interface PrepareKey {
  billingNpi: string;
  claimId: string;
  payerClaimNumber: string | null;
}

/** One claim to read ahead for (HistoryStore.prepareMany). */
export interface PrepareRequest {
  patient: PatientKey;
  key: PrepareKey | null;
}

export interface RecordResult {
  file: string;
  hash: string;
  /** `already-ingested`: the same bytes were added before; nothing changed. `not-recorded`: a `--no-record` run. */
  status: 'added' | 'already-ingested' | 'not-recorded';
  claims: number;
  lines: number;
  /** Claims this file's replacements and voids superseded. */
  replaced: number;
  voided: number;
  /** Replacements and voids of this file whose original has not arrived yet. */
  awaitingOriginal: number;
  /** Originals of this file that a replacement or void received earlier superseded on arrival. */
  lateOriginals: number;
  /** The rows given to the file's claims, in order (empty unless added). */
  rows: number[];
}

/** A file being recorded in parts (HistoryStore.openFile): one transaction from open to commit or rollback. */
export interface FileWriter {
  /** Writes claims in order (later loads of the same store see them); returns the rows they were given. */
  write(claims: Iterable<ClaimToRecord>): number[];
  /** Ends the transaction: the file's counts (its rows were given by write). */
  commit(): RecordResult;
  /** Undoes every write of the file. */
  rollback(): void;
}

export interface HistoryStats {
  path: string;
  schemaVersion: number;
  files: number;
  claims: number;
  readyClaims: number;
  heldClaims: number;
  supersededClaims: number;
  voids: number;
  awaitingOriginal: number;
  lines: number;
  activeLines: number;
  patients: number;
  firstServiceDate: IsoDate | null;
  lastServiceDate: IsoDate | null;
  /** Bytes of the database file (plus its WAL), 0 for `:memory:`. */
  sizeBytes: number;
}

/** The stats a store counts in its lines query (the rest, but the path, version and size, in its claims query). */
export type LineStats = 'lines' | 'activeLines' | 'patients' | 'firstServiceDate' | 'lastServiceDate';

export interface PatientClaim {
  file: string;
  claimId: string;
  billingNpi: string;
  frequency: string;
  status: string;
  dependent: boolean;
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
  chargeCents: number;
  lines: { lineNumber: number; serviceDate: IsoDate; procedure: string; modifiers: string[]; units: number; active: boolean }[];
}

export interface HistoryStore {
  readonly path: string;
  /**
   * Fixes what loads see for a run: the claims recorded before it, less those of files with these hashes (the run
   * reads them again, so a re-run sees what the first run saw). Claims the run records later are not loaded again.
   */
  beginRun(inputHashes: readonly string[]): void;
  findFile(hash: string): MaybePromise<RecordedFile | undefined>;
  /**
   * Reads ahead what a run will ask the store about a claim (its patient's prior claims, the claims of its key);
   * undefined when the store answers at once (SQLite). Stores that need it answer nothing not read ahead.
   */
  prepare?(patient: PatientKey, key: PrepareKey | null): Promise<void> | undefined;
  /**
   * Reads ahead for several claims at once (one round trip to a server): what prepare reads for each of them, the
   * answers then the same as after preparing them one by one. The claims are checked in order after it resolves.
   */
  prepareMany?(requests: readonly PrepareRequest[]): Promise<void> | undefined;
  /** The versions of a loaded patient the run saw (ClaimToRecord.seen); undefined: the store does not version patients. */
  seenVersions?(identity: PatientIdentity): PatientVersions | null;
  /** False when the store holds no held claim and no waiting replacement/void (then findClaims need not be asked for them). */
  readonly holdsPending: boolean;
  /** A patient's live (ready or held) claims with lines, oldest first. */
  loadPatient(identity: PatientIdentity): PriorClaim[];
  /** Live claims and waiting replacements/voids of any patient with this key, or with this payer claim number. */
  findClaims(billingNpi: string, claimId: string, payerClaimNumber: string | null): PriorClaim[];
  /** Records a file's claims in one transaction (nothing when its bytes were recorded before). */
  recordFile(file: FileIdentity, claims: Iterable<ClaimToRecord>): MaybePromise<RecordResult>;
  /**
   * Opens a file's recording in parts, all in one transaction (undefined when its bytes were recorded before): a run
   * holding more than its memory budget writes a large file's claims so far and lets go of them. Optional: a store
   * without it (PostgreSQL) records each file whole (recordFile).
   */
  openFile?(file: FileIdentity): FileWriter | undefined;
  stats(): MaybePromise<HistoryStats>;
  /** Every claim stored for a member id (all dependents on it), oldest first. */
  patientClaims(memberId: string): MaybePromise<PatientClaim[]>;
  close(): MaybePromise<void>;
}
