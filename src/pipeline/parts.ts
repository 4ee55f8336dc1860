/**
 * The real parts a run is made of, wired in one place: the x12/ and csv/ readers and writers, the choice of a
 * CSV file's column map, and the history store behind the run's history interface (the engine is bound in run.ts).
 */
import { existsSync, type ReadStream, type WriteStream } from 'node:fs';
export { loadCsvMap } from '../csv/map.js';
import type { InputFormat } from '../encounter/model.js';
import { patientKeyOf } from '../encounter/history-view.js';
import { isPostgresUrl } from '../history/defaults.js';
import { HistoryError } from '../history/errors.js';
import type { PostgresHistoryStore } from '../history/postgres.js';
import { prepareKeyOf, RunHistory as StoreRun } from '../history/run.js';
import { openHistory, type SqliteHistoryStore } from '../history/sqlite.js';
import type { HistoryStore } from '../history/store.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { bindHeader, type CsvColumnMap } from '../csv/columns.js';
import { detectDelimiter } from '../csv/rows.js';
import { createCsvWriter } from '../csv/writer.js';
import { readCsv, type CsvReader } from '../csv/reader.js';
import type { ReferenceData } from '../reference/types.js';
import type { HistoryOutcome } from '../report/types.js';
import { createX12Writer } from '../x12/writer.js';
import { readX12 } from '../x12/reader.js';
import type { FileHistory, FileIdentity, PriorResult, RunHistory } from './history.js';
import type { FormatParts } from './process-file.js';
import { addPriorFile } from './prior.js';
import type { ClaimReader, ClaimWriter } from '../formats/types.js';

export interface FormatOptions {
  /** Column maps (`--csv-map`, in the order given): a CSV file is read with the first one its header fits. */
  csvMaps?: CsvColumnMap[];
  /** Where the CSV reader may spill its grouping index (the run's staging directory). */
  tempDir?: string;
}

export function formatParts(options: FormatOptions = {}): FormatParts {
  return {
    open(format: InputFormat, input: ReadStream, name: string, csvMap?: CsvColumnMap): ClaimReader {
      if (format === 'x12') return readX12(input, name);
      return readCsv(input, name, { ...(csvMap ? { map: csvMap } : {}), ...(options.tempDir ? { tempDir: options.tempDir } : {}) });
    },
    writer(format: InputFormat, reader: ClaimReader, out: WriteStream): ClaimWriter {
      if (format === 'x12') return createX12Writer(out);
      return createCsvWriter(out, (reader as CsvReader).layout);
    },
  };
}

/** The header fields of a CSV file's first line (BOM removed), with the map's delimiter or the detected one. */
function headerFields(head: Buffer, map: CsvColumnMap): string[] {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = map.delimiter ?? detectDelimiter(Buffer.from(text, 'utf8'));
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  try {
    return (parseCsv(firstLine, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    return [];
  }
}

/**
 * The column map a CSV file is read with: the default column set when its header has the required columns,
 * otherwise the first `--csv-map` whose header fits. When none fits: the map if exactly one was given, else
 * undefined (the default set), so the reader reports the columns missing for it.
 */
export function chooseCsvMap(head: Buffer, maps: readonly CsvColumnMap[]): CsvColumnMap | undefined {
  for (const map of [{}, ...maps]) {
    const header = headerFields(head, map);
    if (header.length > 0 && bindHeader(header, map).problems.length === 0) return Object.keys(map).length === 0 ? undefined : map;
  }
  return maps.length === 1 ? maps[0] : undefined;
}

function outcomeOf(status: 'added' | 'already-ingested' | 'not-recorded'): HistoryOutcome {
  return status === 'added' ? 'recorded' : status === 'already-ingested' ? 'already-recorded' : 'not-recorded';
}

/** What the SQLite and PostgreSQL run histories share: the store's run, `--prior` files, and opening a file. */
abstract class StoreRunHistory<Store extends HistoryStore> implements RunHistory {
  readonly available = true;
  protected run: StoreRun | null = null;

  constructor(
    protected readonly store: Store,
    protected readonly inputHashes: readonly string[],
    protected readonly record: boolean,
    private readonly reference: ReferenceData,
    private readonly csvOptions: FormatOptions,
  ) {}

  async addPrior(path: string, name: string): Promise<PriorResult> {
    const result = await addPriorFile(this.store, path, { name, reference: this.reference, csvMaps: this.csvOptions.csvMaps ?? [] });
    return { name, outcome: result.status === 'added' ? 'added' : 'already-added', claims: result.claims };
  }

  startRun(): void {
    this.run = new StoreRun(this.store, { record: this.record, inputHashes: this.inputHashes });
  }

  /** The run (started on the first file) and a recorder for the file's claims. */
  protected openRecorder(file: FileIdentity): { run: StoreRun; recorder: ReturnType<StoreRun['file']> } {
    if (!this.run) this.startRun();
    const run = this.run!;
    return { run, recorder: run.file({ name: file.name, hash: file.hash, format: file.format }) };
  }

  sharedStore(): Store {
    return this.store;
  }

  abstract openFile(file: FileIdentity, record: boolean): FileHistory;
  abstract close(): void | Promise<void>;
}

/**
 * The run's history over the SQLite store: the store's run (history/run.ts) makes each claim visible to the claims
 * after it (in the file, and in the files after it); the pipeline checks files in input order, so what each claim
 * sees never depends on `--jobs`. The store's rows of this run's own inputs (a re-run) are left out: the run's own
 * reading of them counts instead, so a re-run sees exactly what the first run saw.
 */
export class SqliteRunHistory extends StoreRunHistory<SqliteHistoryStore> {

  /**
   * Opens the history at `path`, waiting up to `waitSeconds` for another run's lock. Without recording
   * (`--no-record`) and without `--prior` files to add, an existing database is opened read-only, and a missing one
   * is not created: the run's claims are then checked against each other only (an empty history).
   */
  static open(path: string, inputHashes: readonly string[], record: boolean, reference: ReferenceData, csvOptions: FormatOptions, waitSeconds = 0, addsPrior = false): SqliteRunHistory {
    const store = record || addsPrior ? openHistory(path, { waitSeconds }) : existsSync(path) ? openHistory(path, { readonly: true }) : openHistory(':memory:');
    return new SqliteRunHistory(store, inputHashes, record, reference, csvOptions);
  }

  openFile(file: FileIdentity): FileHistory {
    const { run, recorder } = this.openRecorder(file);
    let open = true;
    return {
      view: run.view,
      prepare: () => undefined,
      add: (claim, fate) => recorder.add(claim, fate),
      commit: async () => {
        open = false;
        return outcomeOf((await recorder.commit()).status);
      },
      abort: () => {
        if (open) recorder.discard();
        open = false;
      },
    };
  }

  close(): void {
    this.store.close();
  }
}

/**
 * The run's history over the shared PostgreSQL store: as SqliteRunHistory, with each claim's patient and key read
 * ahead before it is checked (prepare; the claims a reader has ready, in one round trip: prepareMany). When another
 * run recorded one of a file's patients while the file was checked (HIST_CONFLICT at commit), the run lets go of what
 * it holds and reads it again from the store, where its own earlier files now are: the file is then checked again
 * (process-file.ts) against what the other run recorded.
 */
export class PostgresRunHistory extends StoreRunHistory<PostgresHistoryStore> {
  /** Hashes of the inputs this run has committed (recorded, or found recorded). */
  private readonly committed = new Set<string>();

  static async open(url: string, inputHashes: readonly string[], record: boolean, reference: ReferenceData, csvOptions: FormatOptions): Promise<PostgresRunHistory> {
    const { PostgresHistoryStore } = await import('../history/postgres.js');
    return new PostgresRunHistory(await PostgresHistoryStore.open(url), inputHashes, record, reference, csvOptions);
  }

  openFile(file: FileIdentity): FileHistory {
    const { run, recorder } = this.openRecorder(file);
    let open = true;
    return {
      view: run.view,
      prepare: (claim) => this.store.prepare(patientKeyOf(claim), prepareKeyOf(claim)),
      prepareMany: (claims) => this.store.prepareMany(claims.map((claim) => ({ patient: patientKeyOf(claim), key: prepareKeyOf(claim) }))),
      add: (claim, fate) => recorder.add(claim, fate),
      commit: async () => {
        open = false;
        try {
          const outcome = outcomeOf((await recorder.commit()).status);
          this.committed.add(file.hash);
          return outcome;
        } catch (error) {
          // The earlier recordings of the inputs committed so far are theirs again; the others stay left out.
          if (error instanceof HistoryError && error.code === 'HIST_CONFLICT') {
            this.run = new StoreRun(this.store, { record: this.record, inputHashes: this.inputHashes.filter((hash) => !this.committed.has(hash)) });
          }
          throw error;
        }
      },
      abort: () => {
        if (open) recorder.discard();
        open = false;
      },
    };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Opens the run's history: the shared PostgreSQL database of a `postgres://` URL, else the SQLite file (see
 * SqliteRunHistory.open for a run that does not record).
 */
export async function openRunHistory(
  target: string, inputHashes: readonly string[], record: boolean, reference: ReferenceData, csvOptions: FormatOptions, waitSeconds = 0, addsPrior = false,
): Promise<RunHistory> {
  if (isPostgresUrl(target)) return PostgresRunHistory.open(target, inputHashes, record, reference, csvOptions);
  return SqliteRunHistory.open(target, inputHashes, record, reference, csvOptions, waitSeconds, addsPrior);
}
