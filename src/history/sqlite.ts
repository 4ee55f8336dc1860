/**
 * The SQLite history store (better-sqlite3, WAL): files, patients, claims and their lines, with a writer lock.
 *
 * - A writer (a run, `history add`) holds SQLite's exclusive lock from open to close, so two runs on one history
 *   serialize, and a run sees every claim recorded before it started. Who holds it is written beside the database
 *   (`<path>.lock`), so a second writer can say whom it waits for.
 * - A file is recorded once (its content hash is unique) in one transaction.
 * - A patient's lines are clustered by patient and date: loading a patient reads a page or two.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { FAMILY_CODES, REGION_CODES, ROLE_CODES, STATUS_CODES, codeOf, type ClaimStatus, type HistoryLine } from './claims.js';
import { DEFAULT_HISTORY_PATH } from './defaults.js';
import { HistoryError } from './errors.js';
import { normalizeMemberId, type PatientIdentity } from './identity.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
import type { ClaimToRecord, FileIdentity, FileWriter, HistoryStats, HistoryStore, LineStats, PatientClaim, PriorClaim, RecordedFile, RecordResult } from './store.js';

/** Page cache of the history database (negative: KiB). */
const CACHE_KIB = -4096;
/** Page cache while a file's lines are sorted into place: SQLite's sorter takes as much memory as the cache may. */
const SORT_CACHE_KIB = -1024;
/** Rows per multi-row INSERT. */
const BATCH_ROWS = 64;
/** Patient rows the write path remembers by identity. */
const PATIENT_IDS_REMEMBERED = 100_000;

export interface OpenOptions {
  /** Open for reading only (stats, patient): the database must exist, and no lock is taken. */
  readonly?: boolean;
  /** How long to wait for another process's lock before HIST_IN_USE (default 0: fail at once). */
  waitSeconds?: number;
}

/** Opens (creating when missing, and migrating) the history database at `path`, or an in-memory one for `:memory:`. */
export function openHistory(path: string = DEFAULT_HISTORY_PATH, options: OpenOptions = {}): SqliteHistoryStore {
  return SqliteHistoryStore.open(path, options);
}

/**
 * A patient's lines as a load reads them: a claim's lines in order, the claim's own columns on its first line only
 * (null on the others: fewer strings to make), the line's facts packed as the table packs them (claims.ts).
 */
const LINE_COLUMNS = `l.claim_row, l.file_id, l.held, CASE l.seq WHEN 0 THEN l.claim_id END, CASE l.seq WHEN 0 THEN l.billing_npi END,
  l.service_date, l.line_number, l.procedure, l.modifiers, l.sides | (l.family << 2) | (l.region << 5) | (l.role << 7) | (l.kx << 9), l.units, l.rendering_npi`;

type LineRow = [
  claimRow: number, fileId: number, held: number, claimId: string | null, billingNpi: string | null, serviceDate: string, lineNumber: number,
  procedure: string, modifiers: string, facts: number, units: number, renderingNpi: string | null,
];

type ClaimRow = [row: number, fileId: number, claimId: string, billingNpi: string, frequency: string, payerClaimNumber: string | null, status: string, awaiting: number];

export class SqliteHistoryStore implements HistoryStore {
  private readonly statements;
  private readonly fileNames = new Map<number, string>();
  /** Loads see files up to this id, except these (beginRun). */
  private lastFile = Number.MAX_SAFE_INTEGER;
  private readonly excludedFiles = new Set<number>();
  /** Counts as of beginRun: while zero, the look-ups they guard are not made. */
  private memberless = 0;
  private pending = 0;
  private readonly patientIds = new Map<string, number>();
  private readonly modifierLists = new Map<string, readonly string[]>();

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    private readonly lockFile: string | null,
  ) {
    db.pragma('temp_store = FILE');
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS staged_lines AS
      SELECT claim_row, seq, service_date, line_number, procedure, modifiers, sides, family, region, role, units, kx, rendering_npi
      FROM main.lines WHERE 0`);
    const read = (sql: string) => db.prepare(sql).raw(true);
    this.statements = {
      fileByHash: db.prepare('SELECT id, name, claims, lines FROM files WHERE hash = ?'),
      fileName: db.prepare('SELECT name FROM files WHERE id = ?').pluck(),
      lastFile: db.prepare('SELECT coalesce(max(id), 0) FROM files').pluck(),
      linesByMember: read(
        `SELECT ${LINE_COLUMNS} FROM patients p JOIN lines l ON l.patient_id = p.id
         WHERE p.member_id = ? AND p.dependent_key = ? AND l.active = 1 AND l.file_id <= ? ORDER BY l.claim_row, l.seq`,
      ),
      linesByPatient: read(`SELECT ${LINE_COLUMNS} FROM lines l WHERE l.patient_id = ? AND l.active = 1 AND l.file_id <= ? ORDER BY l.claim_row, l.seq`),
      claimKey: read('SELECT claim_id, billing_npi FROM claims WHERE id = ?'),
      patientByMember: db.prepare('SELECT id FROM patients WHERE member_id = ? AND dependent_key = ?').pluck(),
      memberlessByName: db.prepare('SELECT id FROM patients WHERE member_id IS NULL AND name_key = ? ORDER BY id').pluck(),
      patientsByName: db.prepare('SELECT id FROM patients WHERE name_key = ? ORDER BY id').pluck(),
      adoptPatient: db.prepare('UPDATE patients SET member_id = ?, dependent_key = ? WHERE id = ?'),
      insertPatient: db.prepare('INSERT INTO patients (member_id, dependent_key, name_key) VALUES (?, ?, ?)'),
      claimsByKey: read(
        `SELECT id, file_id, claim_id, billing_npi, frequency, payer_claim_number, status, awaiting_original FROM claims
         WHERE billing_npi = ? AND (claim_id = ? OR payer_claim_number = ?) AND file_id <= ?
           AND (status IN ('ready', 'held') OR awaiting_original = 1) ORDER BY id`,
      ),
      insertFile: db.prepare('INSERT INTO files (hash, name, format, added_at) VALUES (?, ?, ?, ?)'),
      finishFile: db.prepare('UPDATE files SET claims = ?, lines = ? WHERE id = ?'),
      nextClaimRow: db.prepare('SELECT coalesce(max(id), 0) + 1 FROM claims').pluck(),
      supersede: db.prepare("UPDATE claims SET status = 'superseded', superseded_by = ? WHERE id = ?"),
      deactivateLines: db.prepare('UPDATE lines SET active = 0, held = 0 WHERE claim_row = ?'),
      settle: db.prepare('UPDATE claims SET awaiting_original = 0 WHERE id = ?'),
      moveStaged: db.prepare(
        `INSERT INTO lines
         SELECT c.patient_id, s.service_date, s.claim_row, s.seq, s.line_number, c.claim_id, c.billing_npi, c.file_id, s.procedure,
           s.modifiers, s.sides, s.family, s.region, s.role, s.units, s.kx, s.rendering_npi, c.status IN ('ready', 'held'), c.status = 'held'
         FROM temp.staged_lines s JOIN main.claims c ON c.id = s.claim_row
         ORDER BY c.patient_id, s.service_date, s.claim_row, s.seq`,
      ),
      clearStaged: db.prepare('DELETE FROM temp.staged_lines'),
      memberlessCount: db.prepare('SELECT count(*) FROM patients WHERE member_id IS NULL').pluck(),
      pendingCount: db.prepare("SELECT count(*) FROM claims WHERE status = 'held' OR awaiting_original = 1").pluck(),
    };
    this.memberless = this.statements.memberlessCount.get() as number;
    this.pending = this.statements.pendingCount.get() as number;
  }

  static open(path: string, options: OpenOptions = {}): SqliteHistoryStore {
    const readonly = options.readonly === true;
    const memory = path === ':memory:' || path === '';
    if (readonly && !memory && !existsSync(path)) {
      throw new HistoryError('HIST_NOT_FOUND', `no history database at ${path} (create it with: spinescrub history add FILES… --history ${path})`);
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly, fileMustExist: readonly, timeout: Math.max(0, (options.waitSeconds ?? 0) * 1000) });
    } catch (error) {
      throw new HistoryError('HIST_OPEN_FAILED', `cannot open history database ${path}: ${(error as Error).message}`);
    }
    try {
      db.pragma(`cache_size = ${CACHE_KIB}`);
      if (readonly) {
        const version = (db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0;
        if (version !== SCHEMA_VERSION) {
          throw new HistoryError('HIST_SCHEMA_MISMATCH', `history database ${path} has schema version ${version}, expected ${SCHEMA_VERSION}`);
        }
      } else {
        if (!memory) {
          db.pragma('journal_mode = WAL');
          db.pragma('locking_mode = EXCLUSIVE');
        }
        db.pragma('synchronous = NORMAL');
        migrate(db);
        // A write takes the exclusive lock, held until close (locking_mode = EXCLUSIVE).
        db.prepare('UPDATE schema_version SET version = version').run();
      }
    } catch (error) {
      db.close();
      if (error instanceof HistoryError) throw error;
      if (isBusy(error)) throw inUse(path);
      throw new HistoryError('HIST_OPEN_FAILED', `cannot open history database ${path}: ${(error as Error).message}`);
    }
    const lockFile = readonly || memory ? null : `${path}.lock`;
    if (lockFile !== null) writeFileSync(lockFile, `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`, { mode: 0o600 });
    return new SqliteHistoryStore(path, db, lockFile);
  }

  beginRun(inputHashes: readonly string[]): void {
    this.lastFile = this.statements.lastFile.get() as number;
    this.excludedFiles.clear();
    for (const hash of inputHashes) {
      const file = this.findFile(hash);
      if (file !== undefined) this.excludedFiles.add(file.id);
    }
  }

  findFile(hash: string): RecordedFile | undefined {
    return this.statements.fileByHash.get(hash) as RecordedFile | undefined;
  }

  loadPatient(identity: PatientIdentity): PriorClaim[] {
    const s = this.statements;
    const rowSets: LineRow[][] = [];
    if (identity.memberId !== null) {
      rowSets.push(s.linesByMember.all(identity.memberId, identity.dependentKey, this.lastFile) as LineRow[]);
      if (identity.nameKey !== null && this.memberless > 0) {
        for (const id of s.memberlessByName.all(identity.nameKey) as number[]) rowSets.push(s.linesByPatient.all(id, this.lastFile) as LineRow[]);
      }
    } else if (identity.nameKey !== null) {
      for (const id of s.patientsByName.all(identity.nameKey) as number[]) rowSets.push(s.linesByPatient.all(id, this.lastFile) as LineRow[]);
    }
    const result: PriorClaim[] = [];
    for (const rows of rowSets) {
      let claim: PriorClaim | undefined;
      for (const row of rows) {
        const claimRow = row[0];
        if (claim === undefined || claim.row !== claimRow) {
          if (this.excludedFiles.has(row[1])) continue;
          claim = this.priorClaim(row);
          result.push(claim);
        }
        claim.lines.push(this.lineOf(row));
      }
    }
    if (rowSets.length > 1) result.sort((a, b) => a.row - b.row);
    return result;
  }

  /** The claim of a claim's first line row (its key read apart when that row is not the claim's first line). */
  private priorClaim(row: LineRow): PriorClaim {
    const [claimRow, fileId, held] = row;
    let claimId = row[3];
    let billingNpi = row[4];
    if (claimId === null || billingNpi === null) [claimId, billingNpi] = this.statements.claimKey.get(claimRow) as [string, string];
    return { row: claimRow, file: this.fileName(fileId), claimId, billingNpi, frequency: '', payerClaimNumber: null, status: held === 1 ? 'held' : 'ready', chargeCents: 0, lines: [], awaiting: false };
  }

  private lineOf(row: LineRow): HistoryLine {
    const modifiersText = row[8];
    let modifiers = this.modifierLists.get(modifiersText);
    if (modifiers === undefined) {
      modifiers = Object.freeze(modifiersText === '' ? [] : modifiersText.split(','));
      this.modifierLists.set(modifiersText, modifiers);
    }
    const facts = row[9];
    return {
      serviceDate: row[5],
      lineNumber: row[6],
      procedure: row[7],
      modifiers,
      sides: facts & 3,
      family: FAMILY_CODES[(facts >> 2) & 7]!,
      region: REGION_CODES[(facts >> 5) & 3]!,
      role: ROLE_CODES[(facts >> 7) & 3]!,
      units: row[10],
      kx: (facts & 512) !== 0,
      renderingNpi: row[11],
    };
  }

  findClaims(billingNpi: string, claimId: string, payerClaimNumber: string | null): PriorClaim[] {
    const rows = this.statements.claimsByKey.all(billingNpi, claimId, payerClaimNumber, this.lastFile) as ClaimRow[];
    const claims: PriorClaim[] = [];
    for (const [row, fileId, id, npi, frequency, number, status, awaiting] of rows) {
      if (this.excludedFiles.has(fileId)) continue;
      claims.push({
        row, file: this.fileName(fileId), claimId: id, billingNpi: npi, frequency, payerClaimNumber: number,
        status: status as ClaimStatus, chargeCents: 0, lines: [], awaiting: awaiting === 1,
      });
    }
    return claims;
  }

  /** True when a held claim or a waiting replacement/void may be found by findClaims (false: no need to ask). */
  get holdsPending(): boolean {
    return this.pending > 0;
  }

  recordFile(file: FileIdentity, claims: Iterable<ClaimToRecord>): RecordResult {
    const writer = this.openFile(file);
    if (writer === undefined) {
      const existing = this.findFile(file.hash)!;
      return { ...emptyResult(file, 'already-ingested'), claims: existing.claims, lines: existing.lines };
    }
    let rows: number[];
    try {
      rows = writer.write(claims);
    } catch (error) {
      writer.rollback();
      throw error;
    }
    return { ...writer.commit(), rows };
  }

  openFile(file: FileIdentity): FileWriter | undefined {
    if (this.findFile(file.hash) !== undefined) return undefined;
    if (this.db.inTransaction) throw new HistoryError('HIST_FILE_OPEN', `history: cannot record ${file.name} while another file is being recorded`);
    const s = this.statements;
    const result = emptyResult(file, 'added');
    // The write path gives every row its parents itself (the file row, patient rows, claim rows in order): SQLite's
    // foreign key checks would repeat that at a look-up per line. They cannot change inside a transaction.
    this.db.pragma('foreign_keys = OFF');
    this.db.exec('BEGIN IMMEDIATE');
    let fileId: number;
    let row: number;
    try {
      fileId = Number(s.insertFile.run(file.hash, file.name, file.format ?? null, new Date().toISOString()).lastInsertRowid);
      row = s.nextClaimRow.get() as number;
    } catch (error) {
      this.end('ROLLBACK');
      throw error;
    }
    let open = true;
    const isOpen = () => {
      if (!open) throw new HistoryError('HIST_FILE_CLOSED', `history: file ${file.name} was already committed or rolled back`);
    };
    return {
      write: (claims) => {
        isOpen();
        const rows: number[] = [];
        const claimRows = new RowBatch(this.db, 'INSERT INTO claims (id, file_id, claim_id, billing_npi, frequency, payer_claim_number, patient_id, status, awaiting_original, first_date, last_date, line_count, charge_cents)', 13);
        const lineRows = new RowBatch(this.db, 'INSERT INTO temp.staged_lines (claim_row, seq, service_date, line_number, procedure, modifiers, sides, family, region, role, units, kx, rendering_npi)', 13);
        for (const { claim, identity, awaiting, supersedes, supersededInFile, settles } of claims) {
          const patientId = identity === null ? null : this.patientFor(identity);
          let first: string | null = null;
          let last: string | null = null;
          claim.lines.forEach((line, seq) => {
            if (first === null || line.serviceDate < first) first = line.serviceDate;
            if (last === null || line.serviceDate > last) last = line.serviceDate;
            if (patientId === null) return;
            lineRows.add([
              row, seq, line.serviceDate, line.lineNumber, line.procedure, line.modifiers.join(','), line.sides, codeOf(FAMILY_CODES, line.family),
              codeOf(REGION_CODES, line.region), codeOf(ROLE_CODES, line.role), line.units, line.kx ? 1 : 0, line.renderingNpi,
            ]);
            result.lines++;
          });
          codeOf(STATUS_CODES, claim.status);
          claimRows.add([
            row, fileId, claim.claimId, claim.billingNpi, claim.frequency, claim.payerClaimNumber, patientId, claim.status, awaiting ? 1 : 0,
            first, last, claim.lines.length, claim.chargeCents,
          ]);
          for (const target of supersedes) {
            s.supersede.run(row, target);
            s.deactivateLines.run(target);
            if (claim.frequency === '8') result.voided++;
            else result.replaced++;
          }
          if (claim.frequency === '8') result.voided += supersededInFile;
          else result.replaced += supersededInFile;
          if (claim.status === 'held') this.pending++;
          for (const waiting of settles) s.settle.run(waiting);
          if (settles.length > 0) result.lateOriginals++;
          if (awaiting) {
            result.awaitingOriginal++;
            this.pending++;
          }
          rows.push(row++);
          result.claims++;
        }
        claimRows.flush();
        lineRows.flush();
        // Into the clustered table at once: the run's loads (the same connection) see the claims written so far.
        this.db.pragma(`cache_size = ${SORT_CACHE_KIB}`);
        s.moveStaged.run();
        this.db.pragma(`cache_size = ${CACHE_KIB}`);
        s.clearStaged.run();
        if (rows.length > 0) this.fileNames.set(fileId, file.name);
        return rows;
      },
      commit: () => {
        isOpen();
        open = false;
        try {
          s.finishFile.run(result.claims, result.lines, fileId);
        } catch (error) {
          this.end('ROLLBACK');
          throw error;
        }
        this.end('COMMIT');
        this.fileNames.set(fileId, file.name);
        return result;
      },
      rollback: () => {
        isOpen();
        open = false;
        this.end('ROLLBACK');
      },
    };
  }

  /** Ends a file's transaction (on a rollback, forgets what the write path remembered of it). */
  private end(how: 'COMMIT' | 'ROLLBACK'): void {
    try {
      if (how === 'ROLLBACK') {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        this.patientIds.clear();
        this.fileNames.clear();
        this.statements.clearStaged.run();
        this.memberless = this.statements.memberlessCount.get() as number;
      } else {
        this.db.exec('COMMIT');
      }
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  /** The patient row of an identity, created (or given its member id) as needed. */
  private patientFor(identity: PatientIdentity): number {
    const s = this.statements;
    const { memberId, dependentKey, nameKey } = identity;
    const key = memberId !== null ? `m${memberId}|${dependentKey}` : `n${nameKey ?? ''}`;
    let id = this.patientIds.get(key);
    if (id !== undefined) return id;
    if (memberId !== null) {
      id = s.patientByMember.get(memberId, dependentKey) as number | undefined;
      if (id === undefined && nameKey !== null && this.memberless > 0) {
        id = s.memberlessByName.get(nameKey) as number | undefined;
        if (id !== undefined) {
          s.adoptPatient.run(memberId, dependentKey, id);
          this.memberless--;
        }
      }
    } else {
      id = s.patientsByName.get(nameKey) as number | undefined;
    }
    if (id === undefined) {
      id = Number(s.insertPatient.run(memberId, dependentKey, nameKey).lastInsertRowid);
      if (memberId === null) this.memberless++;
    }
    if (this.patientIds.size >= PATIENT_IDS_REMEMBERED) this.patientIds.clear();
    this.patientIds.set(key, id);
    return id;
  }

  private fileName(fileId: number): string {
    let name = this.fileNames.get(fileId);
    if (name === undefined) {
      name = (this.statements.fileName.get(fileId) as string | undefined) ?? `#${fileId}`;
      this.fileNames.set(fileId, name);
    }
    return name;
  }

  stats(): HistoryStats {
    // Columns named and ordered as HistoryStats names and orders them.
    const claims = this.db
      .prepare(
        `SELECT (SELECT count(*) FROM files) AS files, count(*) AS claims, coalesce(sum(status = 'ready'), 0) AS readyClaims,
           coalesce(sum(status = 'held'), 0) AS heldClaims, coalesce(sum(status = 'superseded'), 0) AS supersededClaims,
           coalesce(sum(status = 'void'), 0) AS voids, coalesce(sum(awaiting_original), 0) AS awaitingOriginal
         FROM claims`,
      )
      .get() as Omit<HistoryStats, 'path' | 'schemaVersion' | LineStats | 'sizeBytes'>;
    const lines = this.db
      .prepare(
        `SELECT count(*) AS lines, coalesce(sum(active), 0) AS activeLines, (SELECT count(*) FROM patients) AS patients,
           min(service_date) AS firstServiceDate, max(service_date) AS lastServiceDate
         FROM lines`,
      )
      .get() as Pick<HistoryStats, LineStats>;
    return { path: this.path, schemaVersion: SCHEMA_VERSION, ...claims, ...lines, sizeBytes: this.sizeBytes() };
  }

  private sizeBytes(): number {
    if (this.path === ':memory:' || this.path === '') return 0;
    let size = 0;
    for (const suffix of ['', '-wal']) if (existsSync(this.path + suffix)) size += statSync(this.path + suffix).size;
    return size;
  }

  patientClaims(memberId: string): PatientClaim[] {
    const normalized = normalizeMemberId(memberId);
    if (normalized === null) return [];
    const claims = this.db
      .prepare(
        `SELECT c.id, f.name AS file, c.claim_id AS claimId, c.billing_npi AS billingNpi, c.frequency, c.status,
           p.dependent_key <> '' AS dependent, c.first_date AS firstDate, c.last_date AS lastDate, c.charge_cents AS chargeCents
         FROM claims c JOIN patients p ON p.id = c.patient_id JOIN files f ON f.id = c.file_id
         WHERE p.member_id = ? ORDER BY c.id`,
      )
      .all(normalized) as (Omit<PatientClaim, 'lines' | 'dependent'> & { id: number; dependent: number })[];
    const linesOf = this.db.prepare(
      'SELECT line_number AS lineNumber, service_date AS serviceDate, procedure, modifiers, units, active FROM lines WHERE claim_row = ? ORDER BY seq',
    );
    return claims.map(({ id, dependent, ...claim }) => ({
      ...claim,
      dependent: dependent === 1,
      lines: (linesOf.all(id) as { lineNumber: number; serviceDate: string; procedure: string; modifiers: string; units: number; active: number }[]).map(
        (line) => ({ ...line, modifiers: line.modifiers === '' ? [] : line.modifiers.split(','), active: line.active === 1 }),
      ),
    }));
  }

  /** Merges the WAL into the database file (after a large ingest, so the file size is the real one). */
  checkpoint(): void {
    if (this.path !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    if (this.lockFile !== null) rmSync(this.lockFile, { force: true });
  }
}

function emptyResult(file: FileIdentity, status: RecordResult['status']): RecordResult {
  return { file: file.name, hash: file.hash, status, claims: 0, lines: 0, replaced: 0, voided: 0, awaitingOriginal: 0, lateOriginals: 0, rows: [] };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** HIST_IN_USE, naming the holder from its lock note when there is one. */
function inUse(path: string): HistoryError {
  let holder = 'another process';
  try {
    const note = JSON.parse(readFileSync(`${path}.lock`, 'utf8')) as { pid?: number; since?: string };
    if (note.pid !== undefined) holder = `pid ${note.pid}${note.since === undefined ? '' : ` since ${note.since}`}`;
  } catch {
    // no note (the holder has not written it yet): the plain message
  }
  return new HistoryError('HIST_IN_USE', `history ${path} in use by ${holder} (another run or history add); try again later, or pass --wait SECONDS`);
}

/** Rows gathered into multi-row INSERTs of BATCH_ROWS rows (one call into SQLite per batch). */
class RowBatch {
  private values: unknown[] = [];
  private readonly statements = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly insertInto: string,
    private readonly width: number,
  ) {}

  add(row: readonly unknown[]): void {
    for (const value of row) this.values.push(value);
    if (this.values.length === this.width * BATCH_ROWS) this.flush();
  }

  flush(): void {
    const rows = this.values.length / this.width;
    if (rows === 0) return;
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      const row = `(${new Array<string>(this.width).fill('?').join(', ')})`;
      statement = this.db.prepare(`${this.insertInto} VALUES ${new Array<string>(rows).fill(row).join(', ')}`);
      this.statements.set(rows, statement);
    }
    statement.run(this.values);
    this.values = [];
  }
}
