/**
 * The grouping index of one CSV file: a "run" is a stretch of consecutive rows with the same claim key. A sorted
 * export has one run per claim; an unsorted one has several runs for some claims. The index lists, per claim in
 * order of first appearance, the byte ranges of its runs, so the reader can re-read one claim at a time.
 *
 * Small files keep their runs in memory. Past `memoryRuns` runs the index moves to a temporary SQLite file
 * (better-sqlite3), which sorts and groups on disk: memory stays flat however large the file.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';

/**
 * Page cache of the grouping index's database (negative: KiB), kept small: SQLite's sorter (CREATE INDEX) takes up
 * to the cache size in one growing buffer, and glibc raises its mmap and trim thresholds to the largest such buffer
 * freed, so a larger cache lets every thread's malloc arena keep twice as much free memory.
 */
const RUN_INDEX_CACHE_KIB = -1024;

export interface Run {
  key: string;
  start: number;
  end: number;
  /** Line of the run's first row. */
  line: number;
}

export class RunIndex {
  private memory: Run[] = [];
  private db: Database.Database | undefined;
  private insert: Database.Statement | undefined;
  private batch: Run[] = [];
  private seq = 0;
  private readonly keys = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly directory: () => Promise<string>,
    private readonly memoryRuns = 20_000,
  ) {}

  /** True when some claim's rows are not contiguous (the file is not sorted by the key). */
  unsorted = false;
  /** Runs recorded. */
  get size(): number {
    return this.seq;
  }

  async add(run: Run): Promise<void> {
    this.seq++;
    if (this.db === undefined) {
      this.memory.push(run);
      if (this.keys.has(run.key)) this.unsorted = true;
      this.keys.set(run.key, this.memory.length - 1);
      if (this.memory.length > this.memoryRuns) await this.spill();
      return;
    }
    this.batch.push(run);
    if (this.batch.length >= 5_000) this.flush();
  }

  private async spill(): Promise<void> {
    const dir = await this.directory();
    const db = new Database(join(dir, 'runs.sqlite'));
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('temp_store = FILE');
    db.pragma(`cache_size = ${RUN_INDEX_CACHE_KIB}`);
    db.exec('CREATE TABLE runs (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, start INTEGER, end INTEGER, line INTEGER)');
    this.db = db;
    this.insert = db.prepare('INSERT INTO runs (seq, key, start, end, line) VALUES (?, ?, ?, ?, ?)');
    this.batch = this.memory;
    this.memory = [];
    this.keys.clear();
    this.flush(1);
  }

  private flush(firstSeq = this.seq - this.batch.length + 1): void {
    const insert = this.insert;
    const db = this.db;
    if (insert === undefined || db === undefined || this.batch.length === 0) return;
    const batch = this.batch;
    db.transaction(() => {
      batch.forEach((run, index) => insert.run(firstSeq + index, run.key, run.start, run.end, run.line));
    })();
    this.batch = [];
  }

  /** Call after the last add(): settles `unsorted`. */
  finish(): void {
    if (this.db === undefined) return;
    this.flush();
    this.db.exec('CREATE INDEX runs_by_key ON runs (key, seq)');
    const repeated = this.db.prepare('SELECT 1 FROM runs GROUP BY key HAVING COUNT(*) > 1 LIMIT 1').get();
    this.unsorted = repeated !== undefined;
  }

  /** The claims, in order of first appearance, each as its runs in file order. Call once, after finish(). */
  *claims(): Generator<Run[]> {
    if (this.db === undefined) {
      yield* this.memoryClaims();
      return;
    }
    const db = this.db;
    // Rows as arrays (raw): no intermediate object per run.
    const toRun = (row: unknown): Run => {
      const [key, start, end, line] = row as [string, number, number, number];
      return { key, start, end, line };
    };
    if (!this.unsorted) {
      for (const row of db.prepare('SELECT key, start, end, line FROM runs ORDER BY seq').raw(true).iterate()) yield [toRun(row)];
      return;
    }
    const runsOf = db.prepare('SELECT key, start, end, line FROM runs WHERE key = ? ORDER BY seq').raw(true);
    // First run of each key, in file order: a run whose key has no earlier run.
    const firsts = db.prepare(
      'SELECT key FROM runs AS r WHERE NOT EXISTS (SELECT 1 FROM runs AS e WHERE e.key = r.key AND e.seq < r.seq) ORDER BY seq',
    );
    for (const row of firsts.iterate()) {
      yield runsOf.all((row as { key: string }).key).map(toRun);
    }
  }

  private *memoryClaims(): Generator<Run[]> {
    if (!this.unsorted) {
      for (const run of this.memory) yield [run];
      return;
    }
    const byKey = new Map<string, Run[]>();
    for (const run of this.memory) {
      const runs = byKey.get(run.key);
      if (runs === undefined) byKey.set(run.key, [run]);
      else runs.push(run);
    }
    yield* byKey.values();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db?.close();
  }
}
