/**
 * The history index: an SQLite database (better-sqlite3, WAL) of the claims of prior files and runs, and the
 * read-only view over it that the rules receive.
 *
 * - A file is ingested once: its content hash (sha256 of the bytes) is unique; adding it again changes nothing.
 * - One transaction per file: an exception or a crash mid-file leaves the database as it was before that file.
 * - Claim frequency: 7 replaces the latest active claim with the same CLM01 and billing NPI, 8 voids it. A 7/8
 *   that arrives before its original is kept (`awaiting_original`) and applied when the original comes: the
 *   original is then stored already superseded.
 * - Patients: see identity.ts.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Claim, IsoDate, Region } from '../encounter/model.js';
import { identityOf, normalizeMemberId, type PatientIdentity } from './identity.js';
import { bitsToSides, claimKey, codeOf, FAMILY_CODES, REGION_CODES, ROLE_CODES, toClaimRecord, type ClaimRecord, type LineRecord } from './records.js';
import { HistoryError, migrate, SCHEMA_VERSION } from './schema.js';
import { patientKeyOf, type HistoryFamily, type HistoryView, type PatientKey, type PriorLine, type PriorSession } from './view.js';
import { DEFAULT_HISTORY_PATH } from './defaults.js';
import { DB_LINES_CACHE_BYTES, IDENTITY_CACHE_LIMIT, INGEST_CACHE_KIB, MAIN_CACHE_KIB, OVERLAY_CACHE_KIB, OVERLAY_LINES_BUDGET_BYTES, SORT_CACHE_KIB, TEMP_CACHE_KIB } from './tuning.js';
import { OverlayLines, type HeldClaimFields, type ViewLine } from './overlay-lines.js';
import { factFamily, factKx, factRegion, factRole, factSides } from './packed-lines.js';
import { collectGarbage } from './collect-garbage.js';
import { DbLinesCache } from './db-lines.js';
export { HistoryError } from './schema.js';

export { DEFAULT_HISTORY_PATH } from './defaults.js';

/** A file as the history knows it: the name messages cite, and the sha256 of its bytes. */
export interface FileIdentity {
  name: string;
  hash: string;
  format?: string;
}

export interface IngestResult {
  file: string;
  hash: string;
  /** `already-ingested`: the same bytes were added before; nothing changed. `not-recorded`: a `--no-record` run. */
  status: 'added' | 'already-ingested' | 'not-recorded';
  claims: number;
  lines: number;
  /** Earlier claims this file's 7s replaced / 8s voided. */
  replaced: number;
  voided: number;
  /** 7s and 8s of this file whose original has not arrived yet (applied when it comes). */
  awaitingOriginal: number;
  /** Originals of this file that a 7/8 received earlier superseded on arrival. */
  lateOriginals: number;
}

export interface HistoryStats {
  path: string;
  schemaVersion: number;
  files: number;
  claims: number;
  activeClaims: number;
  replacedClaims: number;
  voidedClaims: number;
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

/** One line as the view holds it (from the database or recorded earlier in this run). */
type HistLine = ViewLine;

/** A row of LINE_COLUMNS, raw. */
type RawLineRow = [
  claimId: string,
  billingNpi: string,
  fileId: number,
  serviceDate: string,
  lineNumber: number,
  procedure: string,
  modifiers: string,
  sides: number,
  family: number,
  region: number,
  role: number,
  units: number,
  kx: number,
  renderingNpi: string | null,
];


const LINE_COLUMNS = 'claim_id, billing_npi, file_id, service_date, line_number, procedure, modifiers, sides, family, region, role, units, kx, rendering_npi';

/** The view's query: one patient's active lines, in key order (the clustered primary key: no sort). */
function linesQueries(db: Database.Database) {
  return {
    // Raw rows (arrays, in LINE_COLUMNS order): no property names to build per row on the hot path.
    linesByPatient: db
      .prepare(`SELECT ${LINE_COLUMNS} FROM lines WHERE patient_id = ? AND service_date >= ? AND active = 1 ORDER BY service_date, claim_row, seq`)
      .raw(true),
    // The same for the patient row of a member id (unique): one statement instead of two per claim.
    linesByMember: db
      .prepare(
        `SELECT ${LINE_COLUMNS} FROM patients p JOIN lines l ON l.patient_id = p.id
         WHERE p.member_id = ? AND p.dependent_key = ? AND l.service_date >= ? AND l.active = 1 ORDER BY l.service_date, l.claim_row, l.seq`,
      )
      .raw(true),
    // The same two, for the lines dated before a date too (a question reaching further back than an answer held).
    linesByPatientBefore: db
      .prepare(`SELECT ${LINE_COLUMNS} FROM lines WHERE patient_id = ? AND service_date >= ? AND service_date < ? AND active = 1 ORDER BY service_date, claim_row, seq`)
      .raw(true),
    linesByMemberBefore: db
      .prepare(
        `SELECT ${LINE_COLUMNS} FROM patients p JOIN lines l ON l.patient_id = p.id
         WHERE p.member_id = ? AND p.dependent_key = ? AND l.service_date >= ? AND l.service_date < ? AND l.active = 1 ORDER BY l.service_date, l.claim_row, l.seq`,
      )
      .raw(true),
    anyLine: db.prepare('SELECT EXISTS (SELECT 1 FROM lines)').pluck(),
  };
}

export interface OpenOptions {
  /** Open for reading only (stats, patient): the database must exist. */
  readonly?: boolean;
  /** How long to wait for another process's write lock before HIST_BUSY (default 5000 ms). */
  busyTimeoutMs?: number;
}

/** Opens (creating when missing, and migrating) the history database at `path`, or an in-memory one for `:memory:`. */
export function openHistory(path: string = DEFAULT_HISTORY_PATH, options: OpenOptions = {}): HistoryStore {
  return HistoryStore.open(path, options);
}

export class HistoryStore {
  readonly path: string;
  private readonly db: Database.Database;
  /** Bumped by every committed write: cached patient lines of an older generation are stale. */
  private generation = 0;
  /** Patients' database lines read so far (cleared by every committed write). */
  private readonly cache = new DbLinesCache(DB_LINES_CACHE_BYTES);
  private readonly fileNames = new Map<number, string>();
  private writeQueue: Promise<unknown> = Promise.resolve();
  /**
   * Patient ids for the write path, by member id (a subscriber), by member id + '|' + dependent key (a dependent: the
   * key holds no '|') and by name key (no member id); dropped on a rollback (the rows may be gone). Three maps, so a
   * claim's look-up builds no key string.
   */
  private readonly patientIds = { subscriber: new Map<string, number>(), dependent: new Map<string, number>(), name: new Map<string, number>() };
  /** 7/8 claims waiting for their original: while there are none, an original needs no look-up. */
  private awaitingOriginals = 0;
  /** The database holds no line at all (a first run): the view needs no query. */
  private noLines = false;
  /** The database holds no claim at all (a first run): a 7/8 needs no look-up of an active claim. */
  private noClaims = false;
  /** Patients known by name only: while there are none, a member id needs no name look-up. */
  private memberlessPatients = 0;
  private readonly statements;
  /** The write path's multi-row INSERTs (prepared on the first write). */
  private writeBatches: ReturnType<typeof writeBatches> | undefined;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    // A file's staged lines are written to SQLite's temp file behind a small page cache: they grow with the file,
    // memory must not. (Setting temp_store drops temporary tables: it comes first.)
    db.pragma('temp_store = FILE');
    // A file's lines are staged in a temporary table and moved into lines in key order when the file ends:
    // the clustered table then grows page by page instead of at a random place per line.
    // (No index on it: a 7/8 that replaces or voids a claim of the same file is applied when the lines move.) A staged
    // line holds its own columns and its claim row: what every line of a claim shares (patient, claim id, billing NPI,
    // file, active) is read from the claim's row when the lines move (fewer values bound per line, a smaller table).
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS staged_lines AS
      SELECT claim_row, seq, service_date, line_number, procedure, modifiers, sides, family, region, role, units, kx, rendering_npi
      FROM main.lines WHERE 0`);
    db.pragma(`temp.cache_size = ${TEMP_CACHE_KIB}`);
    this.statements = {
      fileByHash: db.prepare('SELECT id, name, claims, lines, added_at AS addedAt FROM files WHERE hash = ?'),
      insertFile: db.prepare('INSERT INTO files (hash, name, format, added_at) VALUES (?, ?, ?, ?)'),
      finishFile: db.prepare('UPDATE files SET claims = ?, lines = ? WHERE id = ?'),
      allFiles: db.prepare('SELECT id, name FROM files'),
      patientByMember: db.prepare('SELECT id FROM patients WHERE member_id = ? AND dependent_key = ?').pluck(),
      patientWithoutMemberByName: db.prepare('SELECT id FROM patients WHERE member_id IS NULL AND name_key = ? ORDER BY id').pluck(),
      patientsByName: db.prepare('SELECT id FROM patients WHERE name_key = ? ORDER BY id').pluck(),
      adoptPatient: db.prepare('UPDATE patients SET member_id = ?, dependent_key = ? WHERE id = ?'),
      insertPatient: db.prepare('INSERT INTO patients (member_id, dependent_key, name_key) VALUES (?, ?, ?)'),
      activeClaim: db.prepare(
        "SELECT id FROM claims WHERE claim_id = ? AND billing_npi = ? AND status = 'active' ORDER BY id DESC LIMIT 1",
      ).pluck(),
      awaitingClaim: db.prepare(
        'SELECT id, frequency FROM claims WHERE claim_id = ? AND billing_npi = ? AND awaiting_original = 1 ORDER BY id LIMIT 1',
      ),
      maxClaimId: db.prepare('SELECT max(id) FROM claims').pluck(),
      supersede: db.prepare('UPDATE claims SET status = ?, superseded_by = ? WHERE id = ?'),
      settleAwaiting: db.prepare('UPDATE claims SET awaiting_original = 0 WHERE id = ?'),
      deactivateLines: db.prepare('UPDATE lines SET active = 0 WHERE claim_row = ?'),
      flushStaged: db.prepare(
        `INSERT INTO lines
         SELECT c.patient_id, s.service_date, s.claim_row, s.seq, s.line_number, c.claim_id, c.billing_npi, c.file_id, s.procedure,
           s.modifiers, s.sides, s.family, s.region, s.role, s.units, s.kx, s.rendering_npi, c.status = 'active'
         FROM temp.staged_lines s JOIN main.claims c ON c.id = s.claim_row
         ORDER BY c.patient_id, s.service_date, s.claim_row, s.seq`,
      ),
      clearStaged: db.prepare('DELETE FROM temp.staged_lines'),
      awaitingCount: db.prepare('SELECT count(*) FROM claims WHERE awaiting_original = 1').pluck(),
      anyClaim: db.prepare('SELECT EXISTS (SELECT 1 FROM claims)').pluck(),
      memberlessCount: db.prepare('SELECT count(*) FROM patients WHERE member_id IS NULL').pluck(),
      ...linesQueries(db),
    };
    for (const row of this.statements.allFiles.all() as { id: number; name: string }[]) this.fileNames.set(row.id, row.name);
    this.awaitingOriginals = this.statements.awaitingCount.get() as number;
    this.memberlessPatients = this.statements.memberlessCount.get() as number;
    this.noLines = this.statements.anyLine.get() === 0;
    this.noClaims = this.statements.anyClaim.get() === 0;
  }

  static open(path: string, options: OpenOptions = {}): HistoryStore {
    if (options.readonly === true && path !== ':memory:' && !existsSync(path)) {
      throw new HistoryError('HIST_NOT_FOUND', `no history database at ${path} (create it with: spinescrub history add FILES… --history ${path})`);
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: options.readonly === true, fileMustExist: options.readonly === true, timeout: options.busyTimeoutMs ?? 5000 });
    } catch (error) {
      throw new HistoryError('HIST_OPEN_FAILED', `cannot open history database ${path}: ${(error as Error).message}`);
    }
    try {
      if (path !== ':memory:' && options.readonly !== true) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`cache_size = ${MAIN_CACHE_KIB}`);
      if (options.readonly === true) {
        const version = (db.prepare("SELECT max(version) FROM schema_version").pluck().get() as number | null) ?? 0;
        if (version !== SCHEMA_VERSION) {
          throw new HistoryError('HIST_SCHEMA_MISMATCH', `history database ${path} has schema version ${version}, expected ${SCHEMA_VERSION}`);
        }
      } else {
        migrate(db);
      }
    } catch (error) {
      db.close();
      if (error instanceof HistoryError) throw error;
      throw new HistoryError('HIST_OPEN_FAILED', `cannot open history database ${path}: ${(error as Error).message}`);
    }
    return new HistoryStore(path, db);
  }

  close(): void {
    for (const companion of this.companions.splice(0)) companion.close();
    this.db.close();
  }

  private readonly companions: Database.Database[] = [];

  /** A database closed with this store (a run's overlay). */
  closeWith(db: Database.Database): Database.Database {
    this.companions.push(db);
    return db;
  }

  /** Changes with every committed write (views cache what they read per generation). */
  get dataGeneration(): number {
    return this.generation;
  }

  /** The file with these bytes, when it was ingested (or recorded by a run) before. */
  findFile(hash: string): { id: number; name: string; claims: number; lines: number; addedAt: string } | undefined {
    return this.statements.fileByHash.get(hash) as { id: number; name: string; claims: number; lines: number; addedAt: string } | undefined;
  }

  /**
   * Ingests one file's claims (normalized: line facts filled) in one transaction. Claims may be yielded
   * asynchronously (a streaming reader); an exception from the iterable rolls the whole file back and is rethrown.
   */
  ingestClaims(file: FileIdentity, claims: AsyncIterable<Claim> | Iterable<Claim>): Promise<IngestResult> {
    const run = async (): Promise<IngestResult> => {
      const existing = this.findFile(file.hash);
      if (existing !== undefined) return this.alreadyIngested(file, existing);
      // A large file's inserts touch pages all over the indexes: a bigger page cache for the ingest, then back.
      const cacheSize = this.db.pragma('cache_size', { simple: true }) as number;
      this.db.pragma(`cache_size = ${INGEST_CACHE_KIB}`);
      this.db.pragma('foreign_keys = OFF'); // on again in `finally`: see writeWithoutForeignKeyChecks
      try {
        this.db.exec('BEGIN IMMEDIATE');
        // Another process may have added the same bytes since the check above: check again under the lock.
        const raced = this.findFile(file.hash);
        if (raced !== undefined) {
          this.db.exec('ROLLBACK');
          return this.alreadyIngested(file, raced);
        }
        const writer = this.beginFile(file);
        for await (const claim of claims) writer.add(toClaimRecord(claim));
        const result = writer.finish();
        this.db.exec('COMMIT');
        this.committed(writer.fileId, file.name);
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        this.rolledBack();
        throw busyError(error, file);
      } finally {
        this.db.pragma('foreign_keys = ON');
        this.db.pragma(`cache_size = ${cacheSize}`);
      }
    };
    const result = this.writeQueue.then(run, run);
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  /** Records claims already reduced to records (a run's file), in one synchronous transaction. */
  recordClaimRecords(file: FileIdentity, records: Iterable<WritableClaim>): IngestResult {
    if (this.db.inTransaction) {
      throw new HistoryError('HIST_BUSY', `${file.name}: cannot record while another file is being ingested on this connection`);
    }
    const existing = this.findFile(file.hash);
    if (existing !== undefined) return this.alreadyIngested(file, existing);
    let fileId = 0;
    let result: IngestResult;
    try {
      result = this.writeWithoutForeignKeyChecks(() =>
        this.db
          .transaction(() => {
            const writer = this.beginFile(file);
            fileId = writer.fileId;
            for (const record of records) writer.add(record);
            return writer.finish();
          })
          .immediate(),
      );
    } catch (error) {
      this.rolledBack();
      throw busyError(error, file);
    }
    this.committed(fileId, file.name);
    return result;
  }

  /**
   * Runs a file's write transaction with SQLite's foreign key checks off (they cannot change inside a transaction).
   * The write path gives every row it writes its parents itself — the file row it inserted, patient rows it found or
   * inserted, claim ids it gave out — so the checks would only repeat what is known, at the price of a look-up in
   * claims per line, at a random place (0.2-0.3 s of a 50 MB file's 2 s commit). foreign_key_check runs over what
   * the write path wrote in test/history/write-path.test.ts and test/reliability's crash test.
   */
  private writeWithoutForeignKeyChecks<T>(write: () => T): T {
    this.db.pragma('foreign_keys = OFF');
    try {
      return write();
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  private alreadyIngested(file: FileIdentity, existing: { claims: number; lines: number }): IngestResult {
    return {
      file: file.name,
      hash: file.hash,
      status: 'already-ingested',
      claims: existing.claims,
      lines: existing.lines,
      replaced: 0,
      voided: 0,
      awaitingOriginal: 0,
      lateOriginals: 0,
    };
  }

  private rolledBack(): void {
    this.forgetPatients();
    this.awaitingOriginals = this.statements.awaitingCount.get() as number;
    this.memberlessPatients = this.statements.memberlessCount.get() as number;
    this.noClaims = this.statements.anyClaim.get() === 0;
  }

  private committed(fileId: number, name: string): void {
    this.fileNames.set(fileId, name);
    this.noLines = this.statements.anyLine.get() === 0;
    this.noClaims = this.statements.anyClaim.get() === 0;
    this.generation++;
    this.cache.clear();
  }

  /** Must run inside a transaction. */
  private beginFile(file: FileIdentity) {
    const s = this.statements;
    const fileId = Number(s.insertFile.run(file.hash, file.name, file.format ?? null, new Date().toISOString()).lastInsertRowid);
    const result: IngestResult = {
      file: file.name,
      hash: file.hash,
      status: 'added',
      claims: 0,
      lines: 0,
      replaced: 0,
      voided: 0,
      awaitingOriginal: 0,
      lateOriginals: 0,
    };
    const batches = (this.writeBatches ??= writeBatches(this.db));
    const { claims, lines } = batches;
    // A rolled-back file may have left rows in the batches.
    claims.reset();
    lines.reset();
    // Claim ids are given out here as SQLite gives them (the largest id + 1; nothing else inserts claims inside this
    // transaction): a claim's lines are staged before its row is written, and claim rows go in several at a time.
    const firstClaimRow = ((s.maxClaimId.get() as number | null) ?? 0) + 1;
    let nextClaimRow = firstClaimRow;
    const span: DateSpan = { first: null, last: null };
    const add = (record: WritableClaim): void => {
      const patientId = this.resolvePatientForWrite(record.identity);
      let status = 'active';
      let supersededBy: number | null = null;
      let awaitingOriginal = 0;
      let target: number | undefined;
      if (record.frequency === '7' || record.frequency === '8') {
        // A claim still in the batch may be the one to supersede: written first, so the query sees it.
        if (holdsClaimKey(claims, record.claimId, record.billingNpi, false)) claims.flush();
        target = s.activeClaim.get(record.claimId, record.billingNpi) as number | undefined;
        if (target === undefined) {
          awaitingOriginal = 1;
          this.awaitingOriginals++;
          result.awaitingOriginal++;
        }
        if (record.frequency === '8') status = 'void'; // its lines go in inactive (a claim's lines are active when it is)
      } else if (this.awaitingOriginals > 0) {
        if (holdsClaimKey(claims, record.claimId, record.billingNpi, true)) claims.flush();
        const awaiting = s.awaitingClaim.get(record.claimId, record.billingNpi) as { id: number; frequency: string } | undefined;
        if (awaiting !== undefined) {
          status = awaiting.frequency === '8' ? 'voided' : 'replaced';
          supersededBy = awaiting.id;
          s.settleAwaiting.run(awaiting.id);
          this.awaitingOriginals--;
          result.lateOriginals++;
        }
      }
      const claimRow = nextClaimRow++;
      let packed = record.lines;
      if (typeof packed === 'string' && (packed === '' || packed.startsWith(JSON_MARK))) packed = unpackLines(packed);
      let lineCount: number;
      if (patientId === null) {
        // Not stored (no identity at all): only the claim's dates and line count.
        const records = typeof packed === 'string' ? unpackLines(packed) : isHeldLines(packed) ? packed.held.lineRecordsOf(packed.row) : packed;
        span.first = span.last = null;
        for (const line of records) widenSpan(span, line.serviceDate);
        lineCount = records.length;
      } else {
        const row: LineRowFixed = { claimRow };
        lineCount =
          typeof packed === 'string' ? stagePackedLines(lines, packed, row, span)
          : isHeldLines(packed) ? stageHeldLines(lines, packed, row, span)
          : stageLineRecords(lines, packed, row, span);
        result.lines += lineCount;
      }
      const at = claims.nextRow();
      const v = claims.values;
      v[at] = claimRow;
      v[at + 1] = fileId;
      v[at + 2] = record.claimId;
      v[at + 3] = record.billingNpi;
      v[at + 4] = record.frequency;
      v[at + 5] = record.payerClaimNumber;
      v[at + 6] = patientId;
      v[at + 7] = status;
      v[at + 8] = supersededBy;
      v[at + 9] = awaitingOriginal;
      v[at + 10] = span.first;
      v[at + 11] = span.last;
      v[at + 12] = lineCount;
      v[at + 13] = record.chargeCents;
      if (target !== undefined) {
        // The target is in the table (written above when it was in the batch); this claim's row may not be yet.
        s.supersede.run(record.frequency === '8' ? 'voided' : 'replaced', claimRow, target);
        // A claim of this file has its lines staged (they go in inactive: its status says so), one of an earlier file in lines.
        if (target < firstClaimRow) s.deactivateLines.run(target);
        if (record.frequency === '8') result.voided++;
        else result.replaced++;
      }
      result.claims++;
    };
    const finish = (): IngestResult => {
      claims.flush();
      lines.flush();
      // The sorter takes as much memory as the page cache may: a small one while it runs (see SORT_CACHE_KIB).
      const cacheSize = this.db.pragma('cache_size', { simple: true }) as number;
      this.db.pragma(`cache_size = ${SORT_CACHE_KIB}`);
      try {
        s.flushStaged.run();
      } finally {
        this.db.pragma(`cache_size = ${cacheSize}`);
      }
      s.clearStaged.run();
      s.finishFile.run(result.claims, result.lines, fileId);
      return result;
    };
    return { fileId, add, finish };
  }

  /** The patient row for an identity, created (or given its member id) as needed. Null: no identity at all. */
  private resolvePatientForWrite(identity: PatientIdentity): number | null {
    const s = this.statements;
    const { memberId, dependentKey, nameKey } = identity;
    if (memberId !== null) {
      const cache = dependentKey === '' ? this.patientIds.subscriber : this.patientIds.dependent;
      const key = dependentKey === '' ? memberId : `${memberId}|${dependentKey}`;
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      let id = s.patientByMember.get(memberId, dependentKey) as number | undefined;
      if (id === undefined && nameKey !== null && this.memberlessPatients > 0) {
        id = s.patientWithoutMemberByName.get(nameKey) as number | undefined;
        if (id !== undefined) {
          s.adoptPatient.run(memberId, dependentKey, id);
          this.memberlessPatients--;
        }
      }
      if (id === undefined) id = Number(s.insertPatient.run(memberId, dependentKey, nameKey).lastInsertRowid);
      this.rememberPatient(cache, key, id);
      return id;
    }
    if (nameKey !== null) {
      const cached = this.patientIds.name.get(nameKey);
      if (cached !== undefined) return cached;
      let id = s.patientsByName.get(nameKey) as number | undefined;
      if (id === undefined) {
        id = Number(s.insertPatient.run(null, '', nameKey).lastInsertRowid);
        this.memberlessPatients++;
      }
      this.rememberPatient(this.patientIds.name, nameKey, id);
      return id;
    }
    return null;
  }

  private rememberPatient(cache: Map<string, number>, key: string, id: number): void {
    const { subscriber, dependent, name } = this.patientIds;
    if (subscriber.size + dependent.size + name.size >= 100_000) this.forgetPatients();
    cache.set(key, id);
  }

  private forgetPatients(): void {
    this.patientIds.subscriber.clear();
    this.patientIds.dependent.clear();
    this.patientIds.name.clear();
  }

  /** Patient rows an identity matches when reading (the write path's rules, without creating any). */
  private patientIdsForRead(identity: PatientIdentity): number[] {
    const s = this.statements;
    if (identity.memberId !== null) {
      const ids: number[] = [];
      const byMember = s.patientByMember.get(identity.memberId, identity.dependentKey) as number | undefined;
      if (byMember !== undefined) ids.push(byMember);
      if (identity.nameKey !== null && this.memberlessPatients > 0) ids.push(...(s.patientWithoutMemberByName.all(identity.nameKey) as number[]));
      return ids;
    }
    if (identity.nameKey !== null) return s.patientsByName.all(identity.nameKey) as number[];
    return [];
  }

  /**
   * Active (not replaced, not voided) lines of a patient in the database dated `from` or later (a range of the
   * clustered key: what a claim reads does not grow with the years the history holds), held per patient (compactly,
   * db-lines.ts) until the next write: a patient comes back claim after claim. The answer may hold earlier lines too
   * (a held wider answer); a question reaching further back reads only the lines before what is held. The answer is
   * a new array the caller may keep and extend, unless empty (then it may be a shared frozen one).
   */
  dbLines(identity: PatientIdentity, from: string): HistLine[] {
    if (this.noLines) return NO_LINES as HistLine[];
    // A member id with no name-only patient to merge: its one patient row (the member id and dependent key) says
    // which lines; a subscriber's member id is the key itself (no string to build, its hash already known).
    const byMember = identity.memberId !== null && (identity.nameKey === null || this.memberlessPatients === 0);
    const cacheKey = byMember
      ? identity.dependentKey === '' ? identity.memberId! : `${identity.memberId!}\u0000${identity.dependentKey}`
      : `\u0001${identity.memberId ?? ''}\u0000${identity.dependentKey}\u0000${identity.nameKey ?? ''}`;
    const held = this.cache.find(cacheKey);
    if (held >= 0) {
      const heldFrom = this.cache.heldFrom(held);
      if (heldFrom <= from) return this.cache.lines(held, from, this.fileNameOf);
      const earlier = this.readLines(identity, byMember, from, heldFrom);
      if (earlier.length === 0) {
        this.cache.widen(held, from);
        return this.cache.lines(held, from, this.fileNameOf);
      }
      // The earlier lines are dated before every held one: together, what one read from `from` gives.
      const lines = earlier.concat(this.cache.lines(held, '', this.fileNameOf));
      this.cache.hold(cacheKey, from, lines);
      return lines;
    }
    const lines = this.readLines(identity, byMember, from, null);
    this.cache.hold(cacheKey, from, lines);
    return lines;
  }

  /**
   * A patient's active lines in the database dated `from` or later, and before `before` unless null; `byMember`:
   * those of the patient row of its member id and dependent key (one statement), else of patientIdsForRead.
   */
  private readLines(identity: PatientIdentity, byMember: boolean, from: string, before: string | null): HistLine[] {
    const q = this.statements;
    const ids = byMember ? [] : this.patientIdsForRead(identity);
    let lines: HistLine[] = [];
    const rowSets: RawLineRow[][] = [];
    if (byMember) {
      rowSets.push(
        (before === null
          ? q.linesByMember.all(identity.memberId, identity.dependentKey, from)
          : q.linesByMemberBefore.all(identity.memberId, identity.dependentKey, from, before)) as RawLineRow[],
      );
    }
    for (const id of ids) rowSets.push((before === null ? q.linesByPatient.all(id, from) : q.linesByPatientBefore.all(id, from, before)) as RawLineRow[]);
    const modifierLists = this.modifierLists;
    // Rows of one claim usually come together: its key and file name are built once for them.
    let claimId = '';
    let billingNpi = '';
    let key = '';
    let fileId = -1;
    let file = '';
    for (const rows of rowSets) {
      for (const row of rows) {
        const [rowClaimId, rowBillingNpi, rowFileId, serviceDate, lineNumber, procedure, modifiers, sides, family, region, role, units, kx, renderingNpi] = row;
        if (rowClaimId !== claimId || rowBillingNpi !== billingNpi || key === '') {
          claimId = rowClaimId;
          billingNpi = rowBillingNpi;
          key = claimKey(claimId, billingNpi);
        }
        if (rowFileId !== fileId) {
          fileId = rowFileId;
          file = this.fileName(fileId);
        }
        // One array per distinct modifiers text, shared by the lines that carry it (the view's lines are read-only).
        let modifierList = modifierLists.get(modifiers);
        if (modifierList === undefined) {
          modifierList = modifiers === '' ? [] : modifiers.split(',');
          if (modifierLists.size >= MODIFIER_LISTS_LIMIT) modifierLists.clear();
          modifierLists.set(modifiers, modifierList);
        }
        lines.push({
          claimKey: key,
          claimId,
          billingNpi,
          file,
          fileId,
          serviceDate,
          lineNumber,
          procedure,
          modifiers: modifierList,
          sides,
          family: FAMILY_CODES[family]!,
          region: REGION_CODES[region]!,
          role: ROLE_CODES[role]!,
          units,
          kx: kx === 1,
          renderingNpi,
        });
      }
    }
    // Several patient rows (a member id and an unmatched name-only patient): keep date order across them.
    if (ids.length > 1) lines = lines.sort((a, b) => (a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : 0));
    return lines;
  }

  /** fileName, as a function value (the lines cache names the files of the answers it rebuilds). */
  private readonly fileNameOf = (fileId: number): string => this.fileName(fileId);
  /** Modifier lists by their text in the database. */
  private readonly modifierLists = new Map<string, string[]>();

  private fileName(fileId: number): string {
    let name = this.fileNames.get(fileId);
    if (name === undefined) {
      name = (this.db.prepare('SELECT name FROM files WHERE id = ?').pluck().get(fileId) as string | undefined) ?? `#${fileId}`;
      this.fileNames.set(fileId, name);
    }
    return name;
  }

  /** False while the database holds no line at all (a first run). */
  get holdsLines(): boolean {
    return !this.noLines;
  }

  /** True when some claim with this key is active in the database. */
  hasActiveClaim(claimId: string, billingNpi: string): boolean {
    if (this.noClaims) return false;
    return this.statements.activeClaim.get(claimId, billingNpi) !== undefined;
  }

  /** True when a 7/8 with this key waits for its original in the database. */
  hasAwaitingClaim(claimId: string, billingNpi: string): { frequency: string } | undefined {
    if (this.awaitingOriginals === 0) return undefined;
    return this.statements.awaitingClaim.get(claimId, billingNpi) as { frequency: string } | undefined;
  }

  /** A read-only view of the database alone. */
  view(): HistoryView {
    return new RunHistory(this, { record: false }).view;
  }

  /** A run: a view over the database plus the claims this run has validated so far (see RunHistory). */
  beginRun(options: RunOptions = {}): RunHistory {
    return new RunHistory(this, options);
  }

  stats(): HistoryStats {
    const one = <T>(sql: string): T => this.db.prepare(sql).get() as T;
    const claims = one<{ total: number; active: number; replaced: number; voided: number; voids: number; awaiting: number }>(
      `SELECT count(*) AS total,
         coalesce(sum(status = 'active'), 0) AS active, coalesce(sum(status = 'replaced'), 0) AS replaced,
         coalesce(sum(status = 'voided'), 0) AS voided, coalesce(sum(status = 'void'), 0) AS voids,
         coalesce(sum(awaiting_original), 0) AS awaiting
       FROM claims`,
    );
    const lines = one<{ total: number; active: number; first: string | null; last: string | null }>(
      'SELECT count(*) AS total, coalesce(sum(active), 0) AS active, min(service_date) AS first, max(service_date) AS last FROM lines',
    );
    return {
      path: this.path,
      schemaVersion: SCHEMA_VERSION,
      files: one<{ n: number }>('SELECT count(*) AS n FROM files').n,
      claims: claims.total,
      activeClaims: claims.active,
      replacedClaims: claims.replaced,
      voidedClaims: claims.voided,
      voids: claims.voids,
      awaitingOriginal: claims.awaiting,
      lines: lines.total,
      activeLines: lines.active,
      patients: one<{ n: number }>('SELECT count(*) AS n FROM patients').n,
      firstServiceDate: lines.first,
      lastServiceDate: lines.last,
      sizeBytes: this.sizeBytes(),
    };
  }

  private sizeBytes(): number {
    if (this.path === ':memory:' || this.path === '') return 0;
    let size = 0;
    for (const suffix of ['', '-wal']) {
      try {
        size += statSync(this.path + suffix).size;
      } catch {
        // no WAL file: nothing to add
      }
    }
    return size;
  }

  /** Gives SQLite's page cache back to the system (after a file's commit: the run's reports come next). */
  releaseMemory(): void {
    this.db.pragma('shrink_memory');
  }

  /** Merges the WAL into the database file (after a large ingest, so the file size is the real one). */
  checkpoint(): void {
    if (this.path !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Every claim stored for a member id (all dependents on it), oldest first. */
  patient(memberId: string): PatientClaim[] {
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
      `SELECT line_number AS lineNumber, service_date AS serviceDate, procedure, modifiers, units, active
       FROM lines WHERE claim_row = ? ORDER BY seq`,
    );
    return claims.map(({ id, dependent, ...claim }) => ({
      ...claim,
      dependent: dependent === 1,
      lines: (linesOf.all(id) as { lineNumber: number; serviceDate: string; procedure: string; modifiers: string; units: number; active: number }[]).map(
        (line) => ({ ...line, modifiers: line.modifiers === '' ? [] : line.modifiers.split(','), active: line.active === 1 }),
      ),
    }));
  }
}

const NO_LINES: readonly HistLine[] = Object.freeze([]);
/** An identity held by nothing (the run's scratch HeldClaimFields between claims). */
const NO_IDENTITY: PatientIdentity = { memberId: null, dependentKey: '', nameKey: null };
/** Distinct modifiers texts a store remembers (a history holds a few hundred). */
const MODIFIER_LISTS_LIMIT = 4096;

/** Held overlay lines worth a full collection when given back before a commit (a small file's are not). */
const RELEASE_COLLECT_BYTES = 1024 * 1024;

/** A claim's lines held in memory by a run's overlay (OverlayLines' row): staged from there, no record built. */
interface HeldLines {
  held: OverlayLines;
  row: number;
}

/**
 * A claim for the write path: a record, or one whose lines are still packed as a run's overlay database holds them
 * (packLines), or held in memory by the overlay.
 */
export type WritableClaim =
  | ClaimRecord
  | (Omit<ClaimRecord, 'lines'> & { lines: string })
  | (Omit<ClaimRecord, 'lines'> & { lines: HeldLines });

function isHeldLines(lines: readonly LineRecord[] | HeldLines): lines is HeldLines {
  return !Array.isArray(lines);
}

/**
 * Rows for one table gathered into multi-row INSERTs of `batch` rows: one call into SQLite per batch instead of one
 * per row. Rows are written in the order they were added; whoever reads or updates the table first calls flush().
 */
class RowBatch {
  /** The parameters of the rows gathered, `width` per row (nextRow() says where the next row's go). */
  readonly values: unknown[];
  private rows = 0;
  private readonly full: Database.Statement;
  private readonly partial = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly insertInto: string,
    private readonly width: number,
    private readonly batch: number,
  ) {
    this.values = new Array<unknown>(width * batch).fill(null);
    this.full = db.prepare(this.sql(batch));
  }

  /** Rows gathered and not written yet. */
  get size(): number {
    return this.rows;
  }

  /** The offset in `values` of a new row (the batch is written first when it is full). */
  nextRow(): number {
    if (this.rows === this.batch) this.flush();
    return this.rows++ * this.width;
  }

  flush(): void {
    const rows = this.rows;
    if (rows === 0) return;
    this.rows = 0;
    if (rows === this.batch) {
      this.full.run(this.values);
      return;
    }
    let statement = this.partial.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(this.sql(rows));
      this.partial.set(rows, statement);
    }
    statement.run(this.values.slice(0, rows * this.width));
  }

  /** Forgets the rows not written (a rolled-back file). */
  reset(): void {
    this.rows = 0;
  }

  private sql(rows: number): string {
    const row = `(${new Array<string>(this.width).fill('?').join(', ')})`;
    return `${this.insertInto} VALUES ${new Array<string>(rows).fill(row).join(', ')}`;
  }
}

/**
 * True when a claim row still in the batch has this claim key (and, with `awaitingOnly`, waits for its original): a
 * query on claims by key must then see the batch written first.
 */
function holdsClaimKey(claims: RowBatch, claimId: string, billingNpi: string, awaitingOnly: boolean): boolean {
  const v = claims.values;
  for (let at = 0, end = claims.size * CLAIM_WIDTH; at < end; at += CLAIM_WIDTH) {
    if (v[at + 2] === claimId && v[at + 3] === billingNpi && (!awaitingOnly || v[at + 9] === 1)) return true;
  }
  return false;
}

/** Claims and staged lines per INSERT statement. */
const CLAIM_BATCH = 32;
const LINE_BATCH = 64;
/** Parameters of a claims row and of a staged_lines row (in the column orders below). */
const CLAIM_WIDTH = 14;
const LINE_WIDTH = 13;

function writeBatches(db: Database.Database) {
  return {
    claims: new RowBatch(
      db,
      `INSERT INTO claims (id, file_id, claim_id, billing_npi, frequency, payer_claim_number, patient_id, status,
         superseded_by, awaiting_original, first_date, last_date, line_count, charge_cents)`,
      CLAIM_WIDTH,
      CLAIM_BATCH,
    ),
    lines: new RowBatch(
      db,
      `INSERT INTO temp.staged_lines (claim_row, seq, service_date, line_number, procedure, modifiers, sides, family, region, role, units, kx,
         rendering_npi)`,
      LINE_WIDTH,
      LINE_BATCH,
    ),
  };
}

/** The first and last service dates of a claim's lines (null: no line). */
interface DateSpan {
  first: string | null;
  last: string | null;
}

function widenSpan(span: DateSpan, date: string): void {
  if (span.first === null || date < span.first) span.first = date;
  if (span.last === null || date > span.last) span.last = date;
}

/** What every staged line of a claim shares: its claim's row (the rest is read from there when the lines move). */
interface LineRowFixed {
  claimRow: number;
}

/** Sets the parameters a staged_lines row takes from its claim; the caller fills the line's own. */
function stageLineRow(lines: RowBatch, fixed: LineRowFixed, seq: number): number {
  const at = lines.nextRow();
  const v = lines.values;
  v[at] = fixed.claimRow;
  v[at + 1] = seq;
  return at;
}

/** Stages a claim's lines (records); `span` gets their dates. Returns the number of lines. */
function stageLineRecords(lines: RowBatch, records: readonly LineRecord[], fixed: LineRowFixed, span: DateSpan): number {
  span.first = span.last = null;
  for (let seq = 0; seq < records.length; seq++) {
    const line = records[seq]!;
    widenSpan(span, line.serviceDate);
    const at = stageLineRow(lines, fixed, seq);
    const v = lines.values;
    v[at + 2] = line.serviceDate;
    v[at + 3] = line.lineNumber;
    v[at + 4] = line.procedure;
    v[at + 5] = line.modifiers.join(',');
    v[at + 6] = line.sides;
    v[at + 7] = codeOf(FAMILY_CODES, line.family);
    v[at + 8] = codeOf(REGION_CODES, line.region);
    v[at + 9] = codeOf(ROLE_CODES, line.role);
    v[at + 10] = line.units;
    v[at + 11] = line.kx ? 1 : 0;
    v[at + 12] = line.renderingNpi;
  }
  return records.length;
}

/** Stages a claim's lines held in memory by the overlay (the values stageLineRecords would give). Returns the number of lines. */
function stageHeldLines(lines: RowBatch, source: HeldLines, fixed: LineRowFixed, span: DateSpan): number {
  span.first = span.last = null;
  const { held, row } = source;
  const start = held.lineStart(row);
  const end = held.lineEnd(row);
  for (let at = start; at < end; at++) {
    const serviceDate = held.serviceDateAt(at);
    widenSpan(span, serviceDate);
    const i = stageLineRow(lines, fixed, at - start);
    const v = lines.values;
    const facts = held.factsAt(at);
    v[i + 2] = serviceDate;
    v[i + 3] = held.lineNumberAt(at);
    v[i + 4] = held.procedureAt(at);
    v[i + 5] = held.modifiersTextAt(at);
    v[i + 6] = factSides(facts);
    v[i + 7] = factFamily(facts);
    v[i + 8] = factRegion(facts);
    v[i + 9] = factRole(facts);
    v[i + 10] = held.unitsAt(at);
    v[i + 11] = factKx(facts) ? 1 : 0;
    v[i + 12] = held.renderingNpiAt(at);
  }
  return end - start;
}

/** Where each of a packed line's 11 fields starts, and one past the end of the last (stagePackedLines). */
const fieldStarts = new Int32Array(12);

/**
 * Stages a claim's lines straight from their packed text (packLines' format, not its JSON form): the values
 * unpackLines and the record path would give, without a LineRecord built per line. `span` gets their dates.
 * Returns the number of lines.
 */
function stagePackedLines(lines: RowBatch, packed: string, fixed: LineRowFixed, span: DateSpan): number {
  span.first = span.last = null;
  const starts = fieldStarts;
  const field = (index: number): string => packed.slice(starts[index]!, starts[index + 1]! - 1);
  // A small code (sides, family, region, role: one digit as packLines writes them) without a string per field.
  const code = (index: number): number => {
    const start = starts[index]!;
    const char = packed.charCodeAt(start);
    return starts[index + 1]! - start === 2 && char >= 48 && char <= 57 ? char - 48 : Number(field(index));
  };
  let seq = 0;
  for (let start = 0; start < packed.length; seq++) {
    let end = packed.indexOf(LINE, start);
    if (end < 0) end = packed.length;
    starts[0] = start;
    for (let index = 1; index < 11; index++) starts[index] = packed.indexOf(FIELD, starts[index - 1]!) + 1;
    starts[11] = end + 1;
    const serviceDate = field(0);
    widenSpan(span, serviceDate);
    const at = stageLineRow(lines, fixed, seq);
    const v = lines.values;
    v[at + 2] = serviceDate;
    v[at + 3] = Number(field(1));
    v[at + 4] = field(2);
    v[at + 5] = field(3);
    v[at + 6] = code(4);
    v[at + 7] = code(5);
    v[at + 8] = code(6);
    v[at + 9] = code(7);
    v[at + 10] = Number(field(8));
    v[at + 11] = starts[10]! - starts[9]! === 2 && packed.charCodeAt(starts[9]!) === 49 ? 1 : 0;
    // '' for none, '=' and the NPI otherwise
    v[at + 12] = starts[11]! - starts[10]! === 1 ? null : packed.slice(starts[10]! + 1, end);
    start = end + 1;
  }
  return seq;
}

/** SQLite's "database is locked" (another process holds the write lock) as a one-line HIST_BUSY error. */
function busyError(error: unknown, file: FileIdentity): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new HistoryError('HIST_BUSY', `${file.name}: the history database is locked by another process (nothing recorded; try again when it has finished)`);
  }
  return error;
}


/**
 * A run's overlay database: an anonymous on-disk temporary database of its own (deleted when closed, or when the
 * process ends), private to the run, with no journal and an exclusive lock — what it holds can always be rebuilt by
 * reading the files again, and a private connection keeps its page cache between statements.
 */
function openOverlay(): Database.Database {
  const db = new Database('');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma(`cache_size = ${OVERLAY_CACHE_KIB}`);
  // One long transaction (committed at each file's end): a statement then writes nothing to the file by itself,
  // pages go to disk only when the page cache is full.
  db.exec('BEGIN');
  return db;
}

/**
 * A run's overlay statements (the temp tables are created on the first claim added). The rows `held` holds
 * (heldFrom … heldThrough) are in memory only, not in this database: a patient look-up reads them there.
 */
function overlayStatements(db: Database.Database, held: OverlayLines) {
  // On disk behind a small page cache: the overlay of a 1 GB file costs disk pages, not memory. Claims in arrival
  // order (id), each once, with its lines packed in one value (packLines): appended, never inserted in the middle.
  // Which rows belong to a patient or a claim key is known from OverlayIndex (in memory, a few bytes per claim);
  // a look-up then reads its rows by id.
  db.exec(`
    CREATE TABLE run_claims (
      id INTEGER PRIMARY KEY,
      file_seq INTEGER NOT NULL,
      claim_id TEXT NOT NULL,
      billing_npi TEXT NOT NULL,
      frequency TEXT NOT NULL,
      payer_claim_number TEXT,
      member_id TEXT,
      dependent_key TEXT NOT NULL,
      name_key TEXT,
      charge_cents INTEGER NOT NULL,
      has_member INTEGER NOT NULL,
      hidden INTEGER NOT NULL,
      awaiting INTEGER NOT NULL,
      lines TEXT NOT NULL
    );
    CREATE INDEX run_claims_by_file ON run_claims(file_seq);
  `);
  const commit = db.prepare('COMMIT');
  const begin = db.prepare('BEGIN');
  const patientRowStatements = new Map<string, Database.Statement>();
  const patientRowsOf = (match: PatientMatch, count: number): Database.Statement => {
    let statement = patientRowStatements.get(`${match}${count}`);
    if (statement === undefined) {
      const ids = new Array<string>(count).fill('?').join(', ');
      statement = db
        .prepare(`SELECT claim_id, billing_npi, file_seq, lines FROM run_claims WHERE id IN (${ids}) AND ${PATIENT_MATCHES[match]} ORDER BY id`)
        .raw(true);
      patientRowStatements.set(`${match}${count}`, statement);
    }
    return statement;
  };
  const rowsFromDatabase = (match: PatientMatch, ids: readonly number[], identity: string[]): RawPatientRow[] => {
    if (ids.length <= PATIENT_ROWS_BATCH) return patientRowsOf(match, ids.length).all(...ids, ...identity) as RawPatientRow[];
    const rows: RawPatientRow[] = [];
    for (let start = 0; start < ids.length; start += PATIENT_ROWS_BATCH) {
      const batch = ids.slice(start, start + PATIENT_ROWS_BATCH);
      for (const row of patientRowsOf(match, batch.length).all(...batch, ...identity) as RawPatientRow[]) rows.push(row);
    }
    return rows;
  };
  // Rows are written OVERLAY_BATCH at a time (one multi-row INSERT): whoever reads or updates run_claims calls flush() first.
  const pending = new RowBatch(
    db,
    `INSERT INTO run_claims (id, file_seq, claim_id, billing_npi, frequency, payer_claim_number, member_id, dependent_key, name_key,
       charge_cents, has_member, hidden, awaiting, lines)`,
    OVERLAY_WIDTH,
    OVERLAY_BATCH,
  );
  const flush = () => pending.flush();
  /** The id of the first row in `pending` (rows are given ids in increasing order: every id in it is this or more). */
  let pendingFrom = 0;
  return {
    flush,
    // Row ids are given out by the run (RunHistory.nextOverlayRow): held rows take theirs without a row here.
    insertClaim: {
      run: (...row: unknown[]): void => {
        const at = pending.nextRow();
        if (at === 0) pendingFrom = row[0] as number;
        const v = pending.values;
        for (let i = 0; i < OVERLAY_WIDTH; i++) v[at + i] = row[i];
      },
    },
    maxRow: db.prepare('SELECT coalesce(max(id), 0) FROM run_claims').pluck(),
    hide: db.prepare('UPDATE run_claims SET hidden = 1 WHERE id = ?'),
    settleAwaiting: db.prepare('UPDATE run_claims SET awaiting = 0 WHERE id = ?'),
    // A candidate row of a claim-key look-up (OverlayIndex), to check its key exactly.
    claimState: db.prepare('SELECT claim_id, billing_npi, hidden, frequency, awaiting FROM run_claims WHERE id = ?').raw(true),
    // The candidate rows of a patient look-up (OverlayIndex's ids) that really hold the identity, in id order (raw,
    // RawPatientRow). SQLite checks the identity: its strings are not copied into JS. One statement per look-up (up to
    // PATIENT_ROWS_BATCH ids), not one per row.
    // Held rows (the first ids) are read from memory, checked and packed as the database would give them.
    patientRows: (match: PatientMatch, ids: readonly number[], ...identity: string[]): RawPatientRow[] => {
      // Only a look-up of a row still in the batch needs it written first: once the held rows' budget is spent, nearly
      // every claim asks about rows written long ago, and a flush per question wrote the rows one INSERT each.
      if (pending.size > 0) {
        for (const id of ids) {
          if (id >= pendingFrom) {
            flush();
            break;
          }
        }
      }
      const through = held.heldThrough;
      if (through === 0 || ids.length === 0 || ids[0]! > through) return rowsFromDatabase(match, ids, identity);
      const rows: RawPatientRow[] = [];
      let first = 0;
      for (; first < ids.length && ids[first]! <= through; first++) {
        const row = ids[first]!;
        if (heldRowMatches(held, row, match, identity)) {
          rows.push([held.claimIdOf(row), held.billingNpiOf(row), held.fileOf(row), packLines(held.lineRecordsOf(row))]);
        }
      }
      if (first < ids.length) for (const row of rowsFromDatabase(match, ids.slice(first), identity)) rows.push(row);
      return rows;
    },
    // Every overlay row, in id order, to rebuild the index after a file's rows were deleted.
    indexRows: db.prepare("SELECT id, claim_id, billing_npi, member_id, dependent_key, name_key, has_member, lines <> '' FROM run_claims ORDER BY id").raw(true),
    // A file's claims read back for the commit, in arrival order, a batch at a time.
    claimsOfFile: db
      .prepare(
        `SELECT id, claim_id, billing_npi, frequency, payer_claim_number, member_id, dependent_key, name_key, charge_cents, lines
         FROM run_claims WHERE file_seq = ? AND id > ? ORDER BY id LIMIT ?`,
      )
      .raw(true),
    supersedingOfFile: db.prepare("SELECT claim_id, billing_npi FROM run_claims WHERE file_seq = ? AND frequency IN ('7', '8')").raw(true),
    awaitingOfFile: db.prepare('SELECT count(*) FROM run_claims WHERE file_seq = ? AND awaiting = 1').pluck(),
    deleteClaimsOfFile: db.prepare('DELETE FROM run_claims WHERE file_seq = ?'),
    idsOfFile: db.prepare('SELECT id FROM run_claims WHERE file_seq = ?').pluck(),
    // Without a WHERE clause SQLite empties a table at once (the truncate optimization), not row by row.
    deleteAllClaims: db.prepare('DELETE FROM run_claims'),
    /** Gives the overlay's page cache back to the system. */
    releaseMemory: () => db.pragma('shrink_memory'),
    /** Ends the overlay's transaction and opens the next one. */
    checkpoint: () => {
      commit.run();
      begin.run();
    },
  };
}

/** Whether a held overlay row holds the identity of a patient look-up (PATIENT_MATCHES, on a held row). */
function heldRowMatches(held: OverlayLines, row: number, match: PatientMatch, identity: readonly string[]): boolean {
  if (match === 'member') return held.hasMember(row, identity[0]!, identity[1]!);
  const { memberId, nameKey } = held.identityOf(row);
  return nameKey === identity[0] && (match === 'name' || memberId === null);
}

/** Overlay rows per INSERT statement, and the parameters of one (insertClaim's columns). */
const OVERLAY_BATCH = 32;
const OVERLAY_WIDTH = 14;

/** Ids bound to one statement of a patient look-up (patientRows). */
const PATIENT_ROWS_BATCH = 32;

/** A row of the overlay's patient look-up (patientRows), raw. */
type RawPatientRow = [claimId: string, billingNpi: string, fileSeq: number, lines: string];

/** How a patient look-up checks its candidate rows: the member identity, the name of a claim without member id, or the name. */
type PatientMatch = 'member' | 'memberless' | 'name';
const PATIENT_MATCHES: Record<PatientMatch, string> = {
  member: 'member_id = ? AND dependent_key = ?',
  memberless: 'member_id IS NULL AND name_key = ?',
  name: 'name_key = ?',
};
/** A row of claimState, raw. */
type RawClaimState = [claimId: string, billingNpi: string, hidden: number, frequency: string, awaiting: number];
/** A row of indexRows, raw. */
type RawIndexRow = [id: number, claimId: string, billingNpi: string, memberId: string | null, dependentKey: string, nameKey: string | null, hasMember: number, hasLines: number];

type RawRecordRow = [
  id: number,
  claimId: string,
  billingNpi: string,
  frequency: string,
  payerClaimNumber: string | null,
  memberId: string | null,
  dependentKey: string,
  nameKey: string | null,
  chargeCents: number,
  lines: string,
];

/*
 * A claim's lines packed in one text value for the overlay: fields separated by FIELD, lines by LINE (a claim's
 * lines are always read together). A value holding a separator (damaged input) makes the claim's lines JSON
 * instead, marked by a leading JSON_MARK.
 */
const FIELD = '\u001f';
const LINE = '\u001e';
const JSON_MARK = '\u001d';
const SEPARATORS = /[\u001d-\u001f]/;

function packLines(lines: readonly LineRecord[]): string {
  let packed = '';
  for (const line of lines) {
    const modifiers = line.modifiers.join(',');
    const npi = line.renderingNpi === null ? '' : `=${line.renderingNpi}`;
    if (SEPARATORS.test(line.serviceDate) || SEPARATORS.test(line.procedure) || SEPARATORS.test(modifiers) || SEPARATORS.test(npi)) {
      return JSON_MARK + JSON.stringify(lines);
    }
    if (packed !== '') packed += LINE;
    packed +=
      line.serviceDate + FIELD + line.lineNumber + FIELD + line.procedure + FIELD + modifiers + FIELD + line.sides + FIELD +
      codeOf(FAMILY_CODES, line.family) + FIELD + codeOf(REGION_CODES, line.region) + FIELD + codeOf(ROLE_CODES, line.role) + FIELD +
      line.units + FIELD + (line.kx ? 1 : 0) + FIELD + npi;
  }
  return packed;
}

function unpackLines(packed: string): LineRecord[] {
  if (packed === '') return [];
  if (packed.startsWith(JSON_MARK)) return JSON.parse(packed.slice(1)) as LineRecord[];
  const lines: LineRecord[] = [];
  for (const text of packed.split(LINE)) {
    const [serviceDate, lineNumber, procedure, modifiers, sides, family, region, role, units, kx, npi] = text.split(FIELD) as [
      string, string, string, string, string, string, string, string, string, string, string,
    ];
    lines.push({
      lineNumber: Number(lineNumber),
      serviceDate,
      procedure,
      modifiers: modifiers === '' ? [] : modifiers.split(','),
      sides: Number(sides),
      family: FAMILY_CODES[Number(family)]!,
      region: REGION_CODES[Number(region)]!,
      role: ROLE_CODES[Number(role)]!,
      units: Number(units),
      kx: kx === '1',
      renderingNpi: npi === '' ? null : npi.slice(1),
    });
  }
  return lines;
}

/**
 * Which overlay rows hold a claim key, a member identity or a name identity: chains of row ids per bucket of a
 * 32-bit hash of the key, in typed arrays (19 bytes per claim and 2.25 MB of buckets; no string kept). A hash says
 * "maybe": a look-up reads its candidate rows and checks the exact key they store, so answers are exact. Rows are
 * appended in id order, so each chain runs from the newest row to the oldest.
 */
class OverlayIndex {
  /** Newest row id per bucket (0: none), by claim key, by member identity (member id + dependent key), by name key. */
  private readonly keyHead = new Int32Array(KEY_BUCKETS);
  private readonly memberHead = new Int32Array(PATIENT_BUCKETS);
  private readonly nameHead = new Int32Array(PATIENT_BUCKETS);
  /** Per row id: the next (older) row of each chain, a 16-bit tag of each hash, and FLAG_* bits. */
  private keyNext = new Int32Array(0);
  private memberNext = new Int32Array(0);
  private nameNext = new Int32Array(0);
  private keyTag = new Uint16Array(0);
  private memberTag = new Uint16Array(0);
  private nameTag = new Uint16Array(0);
  private flags = new Uint8Array(0);
  private rows = 0;
  private maxRow = 0;

  get size(): number {
    return this.rows;
  }

  /** The newest row indexed (0: none). */
  get newestRow(): number {
    return this.maxRow;
  }

  /** Row `row` (greater than every row indexed) with its claim key and, when it has lines, its identity keys. */
  add(row: number, key: string, identity: PatientIdentity | null, hasMember: boolean): void {
    // Chains run from newer to older rows: a row id given out again must come after a clear() (reindexOverlay).
    if (row <= this.maxRow) throw new Error(`history: overlay row ${row} indexed out of order`);
    if (row >= this.flags.length) this.growRows(row);
    let flags = hasMember ? 0 : FLAG_MEMBERLESS;
    let hash = hashKey(key);
    this.keyTag[row] = tagOf(hash);
    this.keyNext[row] = this.keyHead[hash & KEY_MASK]!;
    this.keyHead[hash & KEY_MASK] = row;
    if (identity !== null && identity.memberId !== null) {
      flags |= FLAG_MEMBER;
      hash = hashMember(identity.memberId, identity.dependentKey);
      this.memberTag[row] = tagOf(hash);
      this.memberNext[row] = this.memberHead[hash & PATIENT_MASK]!;
      this.memberHead[hash & PATIENT_MASK] = row;
    }
    if (identity !== null && identity.nameKey !== null) {
      flags |= FLAG_NAME;
      hash = hashKey(identity.nameKey);
      this.nameTag[row] = tagOf(hash);
      this.nameNext[row] = this.nameHead[hash & PATIENT_MASK]!;
      this.nameHead[hash & PATIENT_MASK] = row;
    }
    this.flags[row] = flags;
    this.rows++;
    this.maxRow = row;
  }

  /** Rows whose claim key may be `key`, oldest first. */
  rowsOfKey(key: string): number[] {
    const hash = hashKey(key);
    return this.walk(this.keyHead[hash & KEY_MASK]!, this.keyNext, this.keyTag, tagOf(hash), 0);
  }

  /** Rows with lines whose member identity may be this one, oldest first. */
  rowsOfMember(memberId: string, dependentKey: string): number[] {
    const hash = hashMember(memberId, dependentKey);
    return this.walk(this.memberHead[hash & PATIENT_MASK]!, this.memberNext, this.memberTag, tagOf(hash), FLAG_MEMBER);
  }

  /** Rows with lines whose name key may be this one (only those of claims without a member id: `memberless`), oldest first. */
  rowsOfName(nameKey: string, memberless: boolean): number[] {
    const hash = hashKey(nameKey);
    return this.walk(this.nameHead[hash & PATIENT_MASK]!, this.nameNext, this.nameTag, tagOf(hash), memberless ? FLAG_NAME | FLAG_MEMBERLESS : FLAG_NAME);
  }

  clear(): void {
    this.keyHead.fill(0);
    this.memberHead.fill(0);
    this.nameHead.fill(0);
    this.rows = 0;
    this.maxRow = 0;
  }

  private walk(head: number, next: Int32Array, tags: Uint16Array, tag: number, required: number): number[] {
    const found: number[] = [];
    for (let row = head; row !== 0; row = next[row]!) {
      if (tags[row] === tag && (this.flags[row]! & required) === required) found.push(row);
    }
    return found.reverse();
  }

  private growRows(row: number): void {
    let length = Math.max(1024, this.flags.length);
    while (length <= row) length *= 2;
    const int32 = (array: Int32Array) => {
      const grown = new Int32Array(length);
      grown.set(array);
      return grown;
    };
    const uint16 = (array: Uint16Array) => {
      const grown = new Uint16Array(length);
      grown.set(array);
      return grown;
    };
    this.keyNext = int32(this.keyNext);
    this.memberNext = int32(this.memberNext);
    this.nameNext = int32(this.nameNext);
    this.keyTag = uint16(this.keyTag);
    this.memberTag = uint16(this.memberTag);
    this.nameTag = uint16(this.nameTag);
    const flags = new Uint8Array(length);
    flags.set(this.flags);
    this.flags = flags;
  }
}

/**
 * Buckets, fixed (no rehash: no hash kept per row). Claim keys are looked up only for 7s, 8s and late originals, so
 * their chains may grow long; a patient is looked up for every claim: 2^18 buckets keep its chains a few rows long
 * up to millions of claims, and a walk only reads typed arrays (the tag spares reading a row of another patient).
 */
const KEY_BUCKETS = 1 << 16;
const KEY_MASK = KEY_BUCKETS - 1;
const PATIENT_BUCKETS = 1 << 18;
const PATIENT_MASK = PATIENT_BUCKETS - 1;

const FLAG_MEMBER = 1;
const FLAG_NAME = 2;
/** The row's claim has no member id (the only name rows a member's view takes). */
const FLAG_MEMBERLESS = 4;

/** 16 bits of a hash that its bucket number does not give (multiplicative mix: every bit of the hash counts). */
function tagOf(hash: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> 16;
}

/** FNV-1a (32 bits) of a string, continuing from `seed`. */
function hashKey(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/** A member identity's hash (member id, then dependent key). */
function hashMember(memberId: string, dependentKey: string): number {
  return hashKey(dependentKey, Math.imul(hashKey(memberId) ^ 0x7c, 0x01000193));
}

/** Claims read back per batch when a file is committed. */
const COMMIT_BATCH = 512;

/**
 * One run's history: the database plus the claims the run has validated so far, so that a claim sees the
 * claims before it in its file and in the files before it.
 *
 * - `file(identity)` starts a file; `add(claim)` after validating each claim (it is visible at once);
 *   `commit()` at the end of the file writes its claims in one transaction (`record: true`), or keeps them for the
 *   rest of the run (`record: false`, `--no-record`); `discard()` drops them (a failed file).
 * - The claims of the run not yet in the database (the overlay) are held in typed arrays up to a fixed budget
 *   (overlay-lines.ts: lines and claim fields), the rest in a private on-disk SQLite database, so memory stays
 *   bounded whatever the file's size. A held claim is not written to that database (the view, the 7/8 look-ups
 *   and the commit read it in memory) unless claims leave the middle of the overlay or a file already recorded
 *   stays in it: then the held claims are written there and nothing more is held until the overlay is emptied.
 * - Re-runs are idempotent: rows the database holds from this run's own input files (same hash) are ignored,
 *   this run's reading of them counts instead. Pass every input's hash as `inputHashes` for multi-file re-runs;
 *   otherwise each file's own hash is excluded from when `file()` is called.
 */
export class RunHistory {
  readonly view: HistoryView;
  private readonly store: HistoryStore;
  private readonly record: boolean;
  private readonly excludedFileIds = new Set<number>();
  private overlay: ReturnType<typeof overlayStatements> | undefined;
  /** Claims in the overlay (none: the view reads the database alone). */
  private overlayClaims = 0;
  /**
   * Overlay claims replaced or voided by a later claim of the run, voids, and originals a waiting 7/8 superseded
   * (their rows say so too; this set spares the view a look-up per claim). As many as the run's 7s and 8s.
   */
  private readonly hiddenClaims = new Set<number>();
  /** Names of the run's files by their number. */
  private readonly fileNamesBySeq = new Map<number, string>();
  /** The overlay's rows by claim key and by patient identity. */
  private readonly overlayIndex = new OverlayIndex();
  /** The overlay's lines, held in memory up to a budget (the rows after them are read from the overlay database). */
  private readonly overlayLines: OverlayLines;
  /** Overlay claims by file number (a file holding all of them is removed by emptying the tables). */
  private readonly overlayClaimsByFile = new Map<number, number>();
  /** Overlay 7/8 claims waiting for their original (none: an original needs no look-up). */
  private overlayAwaiting = 0;
  private fileSeq = 0;
  /**
   * The id of the next overlay row (what SQLite would give: the largest id + 1). The run gives ids out itself: rows
   * held in memory (overlayLines, heldFrom … heldThrough) are not written to the overlay database at all.
   */
  private nextOverlayRow = 1;
  /** Claim keys whose database versions a 7/8 of this run superseded: count of such overlay claims. */
  private readonly supersededInDb = new Map<string, number>();

  constructor(store: HistoryStore, options: RunOptions = {}) {
    this.store = store;
    this.record = options.record === true;
    this.overlayLines = new OverlayLines(options.overlayLinesBudgetBytes ?? OVERLAY_LINES_BUDGET_BYTES);
    for (const hash of options.inputHashes ?? []) this.excludeFile(hash);
    const linesFor = (patient: PatientKey, from: IsoDate) => this.linesFor(patient, from);
    this.view = {
      available: true,
      sessions: (patient, family, region, from, to, asking) => {
        const excludeClaimId = asking?.claimId;
        const all = this.sessionsOfLoad(linesFor(patient, from), family, region);
        // Usually every session of the load qualifies: then the grouped answer itself (read-only, shared), not a copy.
        let qualifying = 0;
        for (const session of all) {
          if (session.serviceDate >= from && session.serviceDate <= to && session.claimId !== excludeClaimId) qualifying++;
        }
        if (qualifying === all.length) return all;
        const result: PriorSession[] = [];
        for (const session of all) {
          if (session.serviceDate >= from && session.serviceDate <= to && session.claimId !== excludeClaimId) result.push(session);
        }
        return result;
      },
      linesOn: (patient, serviceDate, asking) =>
        linesFor(patient, serviceDate).filter((line) => line.serviceDate === serviceDate && line.claimId !== asking?.claimId).map(toPriorLine),
      // With a family, only its lines are made prior lines (the caller looks at no other).
      linesBetween: (patient, from, to, asking, family) =>
        linesFor(patient, from)
          .filter((line) => line.serviceDate >= from && line.serviceDate <= to && line.claimId !== asking?.claimId && (family === undefined || line.family === family))
          .map(toPriorLine),
    };
  }

  /** Ignore the database's rows from the file with this hash (it is being read again in this run). */
  excludeFile(hash: string): void {
    const existing = this.store.findFile(hash);
    if (existing !== undefined) this.excludedFileIds.add(existing.id);
    this.overlayVersion++;
  }

  file(file: FileIdentity): FileRecorder {
    this.excludeFile(file.hash);
    const fileSeq = ++this.fileSeq;
    this.fileNamesBySeq.set(fileSeq, file.name);
    let claims = 0;
    let lines = 0;
    let done = false;
    const ensureOpen = () => {
      if (done) throw new HistoryError('HIST_FILE_CLOSED', `history: file ${file.name} was already committed or discarded`);
    };
    return {
      add: (claim: Claim) => {
        ensureOpen();
        const record = toClaimRecord(claim, this.identity(patientKeyOf(claim)));
        this.addToOverlay(fileSeq, record);
        claims++;
        lines += record.lines.length;
      },
      commit: () => {
        ensureOpen();
        done = true;
        if (!this.record) return { ...emptyResult(file, 'not-recorded'), claims, lines, status: 'not-recorded' };
        // The file's claims are staged from the rows held in memory, then from the overlay database. The commit's
        // peak is the run's peak: before the held rows are staged, the view's patient chains are dropped and collected
        // with the check's garbage, and the overlay's page cache given back; then the held rows are given back (and
        // collected when they were many) — unless rows of another file are held too (they stay, and so do the chains).
        const heldBytes = this.overlayLines.bytesUsed;
        const releasing = heldBytes > 0 && (this.overlayClaimsByFile.get(fileSeq) ?? 0) === this.overlayClaims;
        if (releasing) {
          this.overlayLines.forgetPatients();
          if (heldBytes >= RELEASE_COLLECT_BYTES) collectGarbage();
          this.overlay?.releaseMemory();
        }
        const release = () => {
          if (!releasing) return;
          this.overlayLines.disable();
          if (heldBytes >= RELEASE_COLLECT_BYTES) collectGarbage();
        };
        let result: IngestResult;
        try {
          result = this.store.recordClaimRecords(file, this.recordsOfFile(fileSeq, release));
        } catch (error) {
          // The view can no longer read the file's held rows: its claims leave the overlay (as if discarded).
          if (releasing) this.removeFromOverlay(fileSeq);
          throw error;
        }
        // Now in the database (and visible there), unless the file was there already: then keep the overlay, its
        // rows read from the overlay database from now on (the held ones written there; the next file's go there).
        if (result.status === 'added') this.removeFromOverlay(fileSeq);
        else this.spillHeld(true);
        // The commit filled the page caches; what comes next (the next file, or the reports) starts from little.
        this.store.releaseMemory();
        this.overlay?.releaseMemory();
        return result;
      },
      discard: () => {
        ensureOpen();
        done = true;
        this.removeFromOverlay(fileSeq);
      },
    };
  }

  private addToOverlay(fileSeq: number, record: ClaimRecord): void {
    this.overlayVersion++;
    const o = (this.overlay ??= overlayStatements(this.store.closeWith(openOverlay()), this.overlayLines));
    const key = claimKey(record.claimId, record.billingNpi);
    let hidden = false;
    let awaiting = false;
    if (record.frequency === '7' || record.frequency === '8') {
      // Every visible earlier claim of the run with this key is superseded (a void supersedes nothing more).
      const visibleEarlier = this.overlayClaims > 0 ? this.visibleEarlier(key) : [];
      for (const earlier of visibleEarlier) {
        if (this.isHeld(earlier)) this.overlayLines.hide(earlier);
        else {
          o.flush();
          o.hide.run(earlier);
        }
        this.hiddenClaims.add(earlier);
      }
      const hiddenEarlier = visibleEarlier.length;
      awaiting = hiddenEarlier === 0 && !this.store.hasActiveClaim(record.claimId, record.billingNpi);
      this.supersededInDb.set(key, (this.supersededInDb.get(key) ?? 0) + 1);
      if (record.frequency === '8') hidden = true;
    } else {
      const waiting = this.overlayAwaiting > 0 ? this.firstAwaiting(key) : undefined;
      if (waiting !== undefined) {
        if (this.isHeld(waiting)) this.overlayLines.settleAwaiting(waiting);
        else {
          o.flush();
          o.settleAwaiting.run(waiting);
        }
        this.overlayAwaiting--;
        hidden = true;
      } else if (this.store.hasAwaitingClaim(record.claimId, record.billingNpi) !== undefined) {
        hidden = true;
      }
    }
    if (awaiting) this.overlayAwaiting++;
    const { identity } = record;
    const hasMember = identity.memberId !== null ? 1 : 0;
    const id = this.nextOverlayRow++;
    const fields = this.heldFields;
    fields.frequency = record.frequency;
    fields.payerClaimNumber = record.payerClaimNumber;
    fields.chargeCents = record.chargeCents;
    fields.identity = identity;
    fields.hidden = hidden;
    fields.awaiting = awaiting;
    const held = this.overlayLines.add(id, fileSeq, record.claimId, record.billingNpi, record.lines.length > 0 ? identity : null, record.lines, fields);
    fields.identity = NO_IDENTITY;
    // A row held in memory is read there (view, 7/8 look-ups, commit); the others from the overlay database.
    if (!held) {
      o.insertClaim.run(
        id, fileSeq, record.claimId, record.billingNpi, record.frequency, record.payerClaimNumber, identity.memberId,
        identity.dependentKey, identity.nameKey, record.chargeCents, hasMember, hidden ? 1 : 0, awaiting ? 1 : 0, packLines(record.lines),
      );
    }
    this.overlayClaims++;
    this.overlayClaimsByFile.set(fileSeq, (this.overlayClaimsByFile.get(fileSeq) ?? 0) + 1);
    if (hidden) this.hiddenClaims.add(id);
    this.overlayIndex.add(id, key, record.lines.length > 0 ? identity : null, hasMember === 1);
  }

  /** The fields of the claim being added, for overlayLines.add (one object for the run). */
  private readonly heldFields: HeldClaimFields = { frequency: '', payerClaimNumber: null, chargeCents: 0, identity: NO_IDENTITY, hidden: false, awaiting: false };

  /** Whether an overlay row is held in memory (then it is not in the overlay database). */
  private isHeld(row: number): boolean {
    return row <= this.overlayLines.heldThrough && row >= this.overlayLines.heldFrom;
  }

  /**
   * Writes the rows held in memory to the overlay database and stops holding (until the overlay is emptied): done
   * before rows are deleted from the middle of the overlay, or a file already in the database stays in it. With
   * `release`, the memory is collected at once when it was much.
   */
  private spillHeld(release = false): void {
    const held = this.overlayLines;
    const o = this.overlay;
    const heldBytes = held.bytesUsed;
    if (o !== undefined && held.heldThrough > 0) {
      for (let row = held.heldFrom; row <= held.heldThrough; row++) {
        const identity = held.identityOf(row);
        o.insertClaim.run(
          row, held.fileOf(row), held.claimIdOf(row), held.billingNpiOf(row), held.frequencyOf(row), held.payerClaimNumberOf(row),
          identity.memberId, identity.dependentKey, identity.nameKey, held.chargeCentsOf(row), identity.memberId !== null ? 1 : 0,
          held.isHidden(row) ? 1 : 0, held.isAwaiting(row) ? 1 : 0, packLines(held.lineRecordsOf(row)),
        );
      }
      o.flush();
    }
    held.disable();
    if (release && heldBytes >= RELEASE_COLLECT_BYTES) collectGarbage();
  }

  /** Overlay rows with this claim key, not hidden and not voids, in id order (a 7/8 supersedes them). */
  private visibleEarlier(key: string): number[] {
    const o = this.overlay!;
    const rows: number[] = [];
    const held = this.overlayLines;
    for (const row of this.overlayIndex.rowsOfKey(key)) {
      if (this.isHeld(row)) {
        if (claimKey(held.claimIdOf(row), held.billingNpiOf(row)) === key && !held.isHidden(row) && held.frequencyOf(row) !== '8') rows.push(row);
        continue;
      }
      o.flush();
      const [claimId, billingNpi, hidden, frequency] = o.claimState.get(row) as RawClaimState;
      if (claimKey(claimId, billingNpi) === key && hidden === 0 && frequency !== '8') rows.push(row);
    }
    return rows;
  }

  /** The first overlay row with this claim key that waits for its original. */
  private firstAwaiting(key: string): number | undefined {
    const o = this.overlay!;
    const held = this.overlayLines;
    for (const row of this.overlayIndex.rowsOfKey(key)) {
      if (this.isHeld(row)) {
        if (claimKey(held.claimIdOf(row), held.billingNpiOf(row)) === key && held.isAwaiting(row)) return row;
        continue;
      }
      o.flush();
      const [claimId, billingNpi, , , awaiting] = o.claimState.get(row) as RawClaimState;
      if (claimKey(claimId, billingNpi) === key && awaiting === 1) return row;
    }
    return undefined;
  }

  /** Indexes the overlay's rows again (after some of them were deleted: their ids may be given out again). */
  private reindexOverlay(): void {
    const o = this.overlay!;
    this.overlayIndex.clear();
    o.flush();
    for (const [id, claimId, billingNpi, memberId, dependentKey, nameKey, hasMember, hasLines] of o.indexRows.iterate() as IterableIterator<RawIndexRow>) {
      this.overlayIndex.add(id, claimKey(claimId, billingNpi), hasLines === 1 ? { memberId, dependentKey, nameKey } : null, hasMember === 1);
    }
  }

  /**
   * A file's overlay claims, in arrival order: those held in memory (the first rows), then the others read back from
   * the overlay database a batch at a time (never the whole file); their lines stay packed (the write path reads its
   * values from the text) or held (staged from memory).
   */
  private *recordsOfFile(fileSeq: number, afterHeld: () => void): Generator<WritableClaim> {
    const o = this.overlay;
    if (o === undefined) return;
    const held = this.overlayLines;
    for (const [first, last] of held.rangesOfFile(fileSeq)) {
      for (let row = first; row <= last; row++) {
        yield {
          claimId: held.claimIdOf(row),
          billingNpi: held.billingNpiOf(row),
          frequency: held.frequencyOf(row),
          payerClaimNumber: held.payerClaimNumberOf(row),
          identity: held.identityOf(row),
          chargeCents: held.chargeCentsOf(row),
          lines: { held, row },
        };
      }
    }
    afterHeld();
    // Held rows are not in the overlay database: its rows of the file all come after them.
    o.flush();
    let after = 0;
    for (;;) {
      const rows = o.claimsOfFile.all(fileSeq, after, COMMIT_BATCH) as RawRecordRow[];
      if (rows.length === 0) {
        // All read: the overlay's page cache goes back before the commit sorts the file's lines (the run's peak).
        o.releaseMemory();
        return;
      }
      for (const [id, claimId, billingNpi, frequency, payerClaimNumber, memberId, dependentKey, nameKey, chargeCents, lines] of rows) {
        yield { claimId, billingNpi, frequency, payerClaimNumber, identity: { memberId, dependentKey, nameKey }, chargeCents, lines };
        after = id;
      }
    }
  }

  private removeFromOverlay(fileSeq: number): void {
    this.overlayVersion++;
    const o = this.overlay;
    if (o === undefined) return;
    o.flush();
    const ofFile = this.overlayClaimsByFile.get(fileSeq) ?? 0;
    this.overlayClaimsByFile.delete(fileSeq);
    if (ofFile === this.overlayClaims) {
      // Every overlay claim is this file's (the usual case: one file, or files recorded as they end): empty the tables.
      // What the overlay's claims counted (7/8s superseding database claims, 7/8s awaiting) goes with them.
      this.supersededInDb.clear();
      this.overlayAwaiting = 0;
      o.deleteAllClaims.run();
      this.overlayClaims = 0;
    } else {
      // Rows leave the middle of the overlay: the held ones are written to the database first (held no more).
      this.spillHeld();
      for (const [claimId, billingNpi] of o.supersedingOfFile.all(fileSeq) as [string, string][]) {
        const key = claimKey(claimId, billingNpi);
        const count = (this.supersededInDb.get(key) ?? 1) - 1;
        if (count <= 0) this.supersededInDb.delete(key);
        else this.supersededInDb.set(key, count);
      }
      this.overlayAwaiting -= o.awaitingOfFile.get(fileSeq) as number;
      // The file's ids may be given out again (below): a later claim taking one must not be hidden as the file's was.
      for (const id of o.idsOfFile.all(fileSeq) as number[]) this.hiddenClaims.delete(id);
      this.overlayClaims -= o.deleteClaimsOfFile.run(fileSeq).changes;
    }
    // Ids as SQLite gives them: the largest id + 1 (ids of deleted rows may be given out again).
    this.nextOverlayRow = this.overlayClaims === 0 ? 1 : (o.maxRow.get() as number) + 1;
    if (this.overlayClaims === 0) {
      this.overlayIndex.clear();
      this.overlayLines.clear();
      this.hiddenClaims.clear();
    } else {
      this.reindexOverlay();
      // Row ids may be given out again: the held lines no longer match the rows (read from the database until emptied).
      this.overlayLines.disable();
    }
    o.checkpoint();
  }

  /** Identities by the patient key's member id (or names and date of birth), with the key's fields they were made from. */
  private identityCache = new Map<
    string,
    { memberId: string | undefined; lastName: string | undefined; firstName: string | undefined; dateOfBirth: string | undefined; dependent: boolean; identity: PatientIdentity }
  >();
  /** Bumped whenever the overlay changes; with the store's generation it keys the last answer of linesFor. */
  private overlayVersion = 0;
  private last: { key: string; overlayVersion: number; generation: number; from: string; lines: HistLine[] } | undefined;

  /**
   * The identities of the last few key objects asked about (the rules of a claim, then add() of the same claim, ask
   * with one key object): a few slots instead of a WeakMap entry per claim, which the garbage collector must visit.
   */
  private readonly recentKeys: (PatientKey | undefined)[] = [undefined, undefined, undefined, undefined];
  private readonly recentIdentities: (PatientIdentity | undefined)[] = [undefined, undefined, undefined, undefined];
  private recentNext = 0;
  /** The last key object linesFor was asked about, with its identity and cache key. */
  private lastAsked: { patient: PatientKey; identity: PatientIdentity; key: string } | undefined;

  private identity(patient: PatientKey): PatientIdentity {
    const keys = this.recentKeys;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] === patient) return this.recentIdentities[slot]!;
    const identity = this.identityOfKey(patient);
    const slot = this.recentNext;
    keys[slot] = patient;
    this.recentIdentities[slot] = identity;
    this.recentNext = (slot + 1) % keys.length;
    return identity;
  }

  private identityOfKey(patient: PatientKey): PatientIdentity {
    // Keyed by the member id as given (a string the claim already has: nothing to build, its hash computed once), its
    // other fields compared; a patient without one by its names and date of birth.
    const { memberId, lastName, firstName, dateOfBirth } = patient;
    const dependent = patient.dependent === true;
    const cacheKey = memberId ?? `\u0001${lastName ?? ''}\u0000${firstName ?? ''}\u0000${dateOfBirth ?? ''}`;
    const known = this.identityCache.get(cacheKey);
    if (
      known !== undefined && known.memberId === memberId && known.lastName === lastName && known.firstName === firstName &&
      known.dateOfBirth === dateOfBirth && known.dependent === dependent
    ) {
      return known.identity;
    }
    const identity = identityOf(patient);
    if (this.identityCache.size >= IDENTITY_CACHE_LIMIT) this.identityCache.clear();
    this.identityCache.set(cacheKey, { memberId, lastName, firstName, dateOfBirth, dependent, identity });
    return identity;
  }


  /**
   * The patient's lines dated `from` or later (and possibly earlier ones); the rules of one claim ask for the same
   * patient many times, so the last answer is kept. A first question loads a year more than it asks for, so the
   * rolling-year and global-period questions about the same claim are answered by the same load.
   */
  /** The sessions of a family and region among the lines linesFor last answered (grouped once per answer, not per question). */
  private sessionsOfLoad(lines: HistLine[], family: HistoryFamily, region: Region): readonly PriorSession[] {
    let byGroup = this.sessionsByGroup;
    if (byGroup === undefined || byGroup.lines !== lines) {
      byGroup = { lines, sessions: new Array<readonly PriorSession[] | undefined>(FAMILY_CODES.length * REGION_CODES.length) };
      this.sessionsByGroup = byGroup;
    }
    // A slot per family and region (codes: a scan of a few names), not a string key per question.
    const familyCode = FAMILY_CODES.indexOf(family);
    const regionCode = REGION_CODES.indexOf(region);
    if (familyCode < 0 || regionCode < 0) return toSessions(lines, family, region);
    const group = familyCode * REGION_CODES.length + regionCode;
    let sessions = byGroup.sessions[group];
    if (sessions === undefined) {
      // A session lies on one date of one claim: filtering whole sessions by date and claim id later gives what
      // grouping the filtered lines would.
      sessions = toSessions(lines, family, region);
      byGroup.sessions[group] = sessions;
    }
    return sessions;
  }

  /** Sessions grouped from one answer of linesFor, by family and region code. */
  private sessionsByGroup: { lines: HistLine[]; sessions: (readonly PriorSession[] | undefined)[] } | undefined;

  private linesFor(patient: PatientKey, from: IsoDate): HistLine[] {
    // The rules of one claim ask with the same key object over and over: its identity and cache key are reused.
    let identity: PatientIdentity;
    let key: string;
    const asked = this.lastAsked;
    if (asked !== undefined && asked.patient === patient) {
      ({ identity, key } = asked);
    } else {
      identity = this.identity(patient);
      key = patientCacheKey(identity);
      this.lastAsked = { patient, identity, key };
    }
    const last = this.last;
    if (
      last !== undefined && last.key === key && last.from <= from &&
      last.overlayVersion === this.overlayVersion && last.generation === this.store.dataGeneration
    ) {
      return last.lines;
    }
    // With no line in the database, a load reads the overlay, whose look-up takes every date anyway: all of it is kept,
    // so a later question about earlier dates (prior-blocks asks from the beginning) needs no second load.
    const loadFrom = !this.store.holdsLines ? '' : last !== undefined && last.key === key ? minDate(from, last.from) : yearBefore(from);
    const lines = this.collectLines(identity, loadFrom);
    this.last = { key, overlayVersion: this.overlayVersion, generation: this.store.dataGeneration, from: loadFrom, lines };
    return lines;
  }

  private collectLines(identity: PatientIdentity, from: IsoDate): HistLine[] {
    const fromDb = this.store.dbLines(identity, from);
    let lines: HistLine[];
    if (fromDb.length === 0) {
      lines = [];
    } else if (this.excludedFileIds.size === 0 && this.supersededInDb.size === 0) {
      lines = fromDb; // nothing to leave out (the usual case): the store's answer is a new array, ours to extend
    } else {
      lines = [];
      for (const line of fromDb) {
        if (line.fileId !== null && this.excludedFileIds.has(line.fileId)) continue;
        if (this.supersededInDb.has(line.claimKey)) continue;
        lines.push(line);
      }
    }
    const o = this.overlay;
    if (o !== undefined && this.overlayClaims > 0) {
      const index = this.overlayIndex;
      const held = this.overlayLines;
      // Rows held in memory come first (lower ids); the rest, if any, are read from the overlay database.
      const heldThrough = held.answers(identity) ? held.heldThrough : 0;
      const unheld = index.newestRow > heldThrough;
      const { memberId, dependentKey, nameKey } = identity;
      if (memberId !== null) {
        if (heldThrough > 0) held.pushMemberLines(lines, identity, from, this.hiddenClaims, this.fileNamesBySeq);
        if (unheld) {
          const rows = rowsAfter(index.rowsOfMember(memberId, dependentKey), heldThrough);
          if (rows.length > 0) this.pushOverlayLines(lines, rows, from, 'member', memberId, dependentKey);
        }
        // Claims known by this name that carry no member id belong to the member too.
        if (nameKey !== null) {
          if (heldThrough > 0) held.pushMemberlessLines(lines, nameKey, from, this.hiddenClaims, this.fileNamesBySeq);
          if (unheld) {
            const named = rowsAfter(index.rowsOfName(nameKey, true), heldThrough);
            if (named.length > 0) this.pushOverlayLines(lines, named, from, 'memberless', nameKey);
          }
        }
      } else if (nameKey !== null) {
        const rows = index.rowsOfName(nameKey, false);
        if (rows.length > 0) this.pushOverlayLines(lines, rows, from, 'name', nameKey);
      }
    }
    return lines;
  }

  /**
   * The lines dated `from` on of the overlay rows given (in id order) that are not hidden and hold the identity
   * (`match` with its values: the index's hashes only say "maybe").
   */
  private pushOverlayLines(lines: HistLine[], candidates: readonly number[], from: IsoDate, match: PatientMatch, ...identity: string[]): void {
    const hidden = this.hiddenClaims;
    const visible = hidden.size === 0 ? candidates : candidates.filter((claim) => !hidden.has(claim));
    if (visible.length === 0) return;
    const rows = this.overlay!.patientRows(match, visible, ...identity);
    pushOverlayRows(lines, rows, from, this.fileNamesBySeq);
  }
}

/** The rows (in id order) after row `after`. */
function rowsAfter(rows: number[], after: number): number[] {
  if (after === 0 || rows.length === 0 || rows[0]! > after) return rows;
  let first = 0;
  while (first < rows.length && rows[first]! <= after) first++;
  return rows.slice(first);
}

function pushOverlayRows(lines: HistLine[], rows: readonly RawPatientRow[], from: IsoDate, fileNames: ReadonlyMap<number, string>): void {
  for (const [claimId, billingNpi, fileSeq, packed] of rows) {
    const key = claimKey(claimId, billingNpi);
    const file = fileNames.get(fileSeq)!;
    if (packed === '' || packed.startsWith(JSON_MARK)) {
      for (const line of unpackLines(packed)) {
        if (line.serviceDate < from) continue;
        lines.push({ claimKey: key, claimId, billingNpi, file, fileId: null, ...line });
      }
      continue;
    }
    // unpackLines, building each line once (same fields, same order) and only for dates from `from` on.
    for (const text of packed.split(LINE)) {
      const [serviceDate, lineNumber, procedure, modifiers, sides, family, region, role, units, kx, npi] = text.split(FIELD) as [
        string, string, string, string, string, string, string, string, string, string, string,
      ];
      if (serviceDate < from) continue;
      lines.push({
        claimKey: key,
        claimId,
        billingNpi,
        file,
        fileId: null,
        lineNumber: Number(lineNumber),
        serviceDate,
        procedure,
        modifiers: modifiers === '' ? [] : modifiers.split(','),
        sides: Number(sides),
        family: FAMILY_CODES[Number(family)]!,
        region: REGION_CODES[Number(region)]!,
        role: ROLE_CODES[Number(role)]!,
        units: Number(units),
        kx: kx === '1',
        renderingNpi: npi === '' ? null : npi.slice(1),
      });
    }
  }
}

export interface RunOptions {
  /** Record each file's claims when it is committed (false: `--no-record`, keep them for the rest of the run). */
  record?: boolean;
  /** Hashes of every input of the run (their rows in the database are ignored: the run reads them again). */
  inputHashes?: readonly string[];
  /** Memory for the overlay's lines held in typed arrays (default OVERLAY_LINES_BUDGET_BYTES; 0: read them all from the overlay database). */
  overlayLinesBudgetBytes?: number;
}

export interface FileRecorder {
  /** Record a validated claim (normalized); later claims of the run see it at once. */
  add(claim: Claim): void;
  /** End of the file: write its claims in one transaction (or keep them for the rest of the run under `--no-record`). */
  commit(): IngestResult;
  /** The file failed: forget its claims. */
  discard(): void;
}

/** The key of a patient's lines in the view's last answer. */
function patientCacheKey(identity: PatientIdentity): string {
  return `${identity.memberId ?? ''}|${identity.dependentKey}|${identity.nameKey ?? ''}`;
}

function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? a : b;
}

const yearsBefore = new Map<string, IsoDate>();

/** 366 days before a date (a malformed date loads everything); the same few dates come back claim after claim. */
function yearBefore(date: IsoDate): IsoDate {
  let result = yearsBefore.get(date);
  if (result === undefined) {
    const time = Date.parse(`${date}T00:00:00Z`);
    result = Number.isNaN(time) ? '' : new Date(time - 366 * 86_400_000).toISOString().slice(0, 10);
    if (yearsBefore.size >= 10_000) yearsBefore.clear();
    yearsBefore.set(date, result);
  }
  return result;
}

function emptyResult(file: FileIdentity, status: IngestResult['status']): IngestResult {
  return { file: file.name, hash: file.hash, status, claims: 0, lines: 0, replaced: 0, voided: 0, awaitingOriginal: 0, lateOriginals: 0 };
}

function toPriorLine(line: HistLine): PriorLine {
  const prior: PriorLine = {
    file: line.file,
    claimId: line.claimId,
    serviceDate: line.serviceDate,
    procedure: line.procedure,
    modifiers: line.modifiers,
    sides: bitsToSides(line.sides),
    lineNumber: line.lineNumber,
    units: line.units,
    family: line.family,
    region: line.region,
    role: line.role,
    billingNpi: line.billingNpi,
  };
  if (line.renderingNpi !== null) prior.renderingNpi = line.renderingNpi;
  return prior;
}

/**
 * Groups the lines of a family and region into sessions: one per claim (file + claim key) and date; sorted by date,
 * file, claim id (stable). A patient's answer holds a few sessions: a session is found by scanning back over those
 * built so far (the lines of one claim come together), with a map only past SESSION_SCAN of them; small answers are
 * sorted in place. (A map keyed by a string per line and a sort per answer were a tenth of a run's allocation.)
 */
function toSessions(lines: readonly HistLine[], family: HistoryFamily, region: Region): PriorSession[] {
  const sessions: PriorSession[] = [];
  const claimKeys: string[] = [];
  const sideBits: number[] = [];
  let byKey: Map<string, number> | undefined;
  for (const line of lines) {
    if (line.family !== family || line.region !== region) continue;
    let index = -1;
    if (byKey === undefined) {
      for (let i = sessions.length - 1; i >= 0; i--) {
        const session = sessions[i]!;
        if (session.serviceDate === line.serviceDate && claimKeys[i] === line.claimKey && session.file === line.file) {
          index = i;
          break;
        }
      }
    } else {
      index = byKey.get(sessionKey(line)) ?? -1;
    }
    if (index === -1) {
      // Fields in this order (sides filled at the end): the objects are the same as they always were.
      const session: PriorSession = {
        file: line.file,
        claimId: line.claimId,
        serviceDate: line.serviceDate,
        family: line.family,
        region: line.region,
        codes: [],
        sides: [],
        sideUnknown: false,
        kx: false,
      };
      if (line.renderingNpi !== null) session.renderingNpi = line.renderingNpi;
      index = sessions.length;
      sessions.push(session);
      claimKeys.push(line.claimKey);
      sideBits.push(0);
      if (byKey !== undefined) {
        byKey.set(sessionKey(line), index);
      } else if (sessions.length > SESSION_SCAN) {
        byKey = new Map();
        for (let i = 0; i < sessions.length; i++) byKey.set(sessionKey(sessions[i]!, claimKeys[i]!), i);
      }
    }
    const session = sessions[index]!;
    if (!session.codes.includes(line.procedure)) session.codes.push(line.procedure);
    sideBits[index] = sideBits[index]! | line.sides;
    if (line.sides === 0) session.sideUnknown = true;
    if (line.kx) session.kx = true;
  }
  for (let i = 0; i < sessions.length; i++) sessions[i]!.sides = bitsToSides(sideBits[i]!);
  if (sessions.length <= SESSION_SCAN) {
    // Insertion sort: stable, in place, and most answers are in order already.
    for (let i = 1; i < sessions.length; i++) {
      const session = sessions[i]!;
      let j = i - 1;
      while (j >= 0 && compareSessions(sessions[j]!, session) > 0) {
        sessions[j + 1] = sessions[j]!;
        j--;
      }
      sessions[j + 1] = session;
    }
    return sessions;
  }
  return sessions.sort(compareSessions);
}

/** Sessions of an answer found by scanning back, up to this many; a map past it. */
const SESSION_SCAN = 32;

function sessionKey(line: { serviceDate: string; file: string; claimKey?: string }, claimKey = line.claimKey!): string {
  return `${line.serviceDate}\u0000${line.file}\u0000${claimKey}`;
}

function compareSessions(a: PriorSession, b: PriorSession): number {
  return a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0;
}
