/**
 * What a run needs from the history index, independent of how the store keeps it: for each file, the view its
 * claims are checked against and a recorder for the claims it releases. A claim sees the history as it was before the run
 * plus the claims before it in the run (files in input order), so the findings never depend on which file
 * finished first (`--jobs`), and a re-run of files already recorded sees exactly what their first run saw.
 */
import type { Claim, InputFormat } from '../encounter/model.js';
import { emptyHistory, type HistoryView } from '../encounter/history-view.js';
import type { HistoryStore } from '../history/store.js';
import type { HistoryOutcome } from '../report/types.js';

export interface FileIdentity {
  name: string;
  /** sha256 of the file's bytes (hex). */
  hash: string;
  format: InputFormat;
}

export interface FileHistory {
  readonly view: HistoryView;
  /**
   * Makes ready what the view will be asked about this claim before it is checked: a store whose reads are
   * asynchronous (a database server) loads the claim's patient here; undefined when nothing needs awaiting.
   */
  prepare(claim: Claim): Promise<void> | undefined;
  /**
   * As prepare, for several claims at once (a database server: one round trip), before they are checked in order;
   * the claims then see what they would see prepared one by one. Absent when prepare needs no awaiting (SQLite).
   */
  prepareMany?(claims: readonly Claim[]): Promise<void> | undefined;
  /** A checked claim (normalized, as corrected) and its fate: visible to later claims, recorded on commit. */
  add(claim: Claim, fate: 'ready' | 'held'): void;
  /**
   * Records the file's claims (one transaction), unless recording is off or the file is already recorded. Rejects
   * with HistoryError HIST_CONFLICT when another run recorded one of the file's patients while it was checked
   * (a shared history): nothing is recorded, the history reads those patients again, and the file is checked again.
   */
  commit(): Promise<HistoryOutcome>;
  /** Forgets what was added (the file is processed again). */
  abort(): void;
}

export interface PriorResult {
  name: string;
  outcome: 'added' | 'already-added';
  claims: number;
}

export interface RunHistory {
  /** True when a history index is configured. */
  readonly available: boolean;
  /** Ingests a prior file (`--prior`), before any input is checked. */
  addPrior(path: string, name: string): Promise<PriorResult>;
  /** Freezes what the run's files see: call once, after `--prior`, before the first file. */
  startRun(): void;
  openFile(file: FileIdentity, record: boolean): FileHistory;
  /** The store, for check workers (`--threads`): the run's thread reads it for them and records their files. */
  sharedStore?(): HistoryStore;
  close(): void | Promise<void>;
}

/** A run without a history index: an empty view, nothing recorded. */
export const noRunHistory: RunHistory = {
  available: false,
  addPrior: () => Promise.reject(new Error('no history index configured')),
  startRun: () => {},
  openFile: () => ({
    view: emptyHistory,
    prepare: () => undefined,
    add: () => {},
    commit: () => Promise.resolve('not-recorded'),
    abort: () => {},
  }),
  close: () => {},
};
