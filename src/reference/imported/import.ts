/**
 * `spinescrub reference import`: one CMS file into the reference database, in one transaction. A file whose
 * SHA-256 is already there changes nothing; a file that cannot be read is refused with its line and reason, and
 * nothing of it stays.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ReferenceDataError } from '../errors.js';
import { ptpTable, type ReferenceDb } from './database.js';
import { recognizeFile, type ImportedTable } from './files.js';
import { readIcd, readMue, readPtp } from './parse.js';

export interface ImportResult {
  file: string;
  status: 'imported' | 'already-imported';
  table: ImportedTable;
  release: string;
  revision: number;
  part: string;
  from: string;
  to: string;
  rows: number;
  sha256: string;
  /** For an already-imported file: the name it was imported under. */
  importedAs?: string;
}

async function sha256Of(file: string, name: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw new ReferenceDataError('REF_READ_FAILED', `${name}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return hash.digest('hex');
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export async function importFile(db: ReferenceDb, file: string): Promise<ImportResult> {
  const name = path.basename(file);
  const kind = recognizeFile(file);
  const sha256 = await sha256Of(file, name);
  const base = { file: name, table: kind.table, release: kind.release, revision: kind.revision, part: kind.part, from: kind.from, to: kind.to, sha256 };
  const known = db.prepare('SELECT file_name AS fileName, rows FROM files WHERE sha256 = ?').get(sha256) as { fileName: string; rows: number } | undefined;
  if (known !== undefined) return { ...base, status: 'already-imported', rows: known.rows, importedAs: known.fileName };

  db.exec('BEGIN IMMEDIATE');
  try {
    const fileId = Number(
      db
        .prepare(
          `INSERT INTO files (table_name, file_name, sha256, release, revision, part, effective_from, effective_to, rows)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        )
        .run(kind.table, name, sha256, kind.release, kind.revision, kind.part, kind.from, kind.to).lastInsertRowid,
    );
    let rows: number;
    if (kind.table === 'mue') rows = await storeMue(db, fileId, file, name);
    else if (kind.table === 'ptp') {
      const stored = await storePtp(db, fileId, file, name);
      rows = stored.rows;
      db.prepare('UPDATE files SET column1_low = ?, column1_high = ? WHERE id = ?').run(stored.low, stored.high, fileId);
    } else rows = await storeIcd(db, fileId, file, name);
    if (rows === 0) throw new ReferenceDataError('REF_EMPTY', `${name}: no rows (an empty table would answer every question with "no edit")`);
    db.prepare('UPDATE files SET rows = ? WHERE id = ?').run(rows, fileId);
    db.exec('COMMIT');
    return { ...base, status: 'imported', rows };
  } catch (error) {
    db.exec('ROLLBACK');
    if (error instanceof ReferenceDataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && !code.startsWith('SQLITE')) {
      throw new ReferenceDataError('REF_READ_FAILED', `${name}: cannot read the file (${code}); nothing of it was stored`);
    }
    throw error;
  }
}

async function storeMue(db: ReferenceDb, fileId: number, file: string, name: string): Promise<number> {
  const insert = db.prepare('INSERT INTO mue (file_id, code, value, mai, rationale) VALUES (?, ?, ?, ?, ?)');
  const lines = new Map<string, number>();
  let rows = 0;
  for await (const row of readMue(file, name)) {
    const earlier = lines.get(row.code);
    if (earlier !== undefined) throw new ReferenceDataError('REF_DUPLICATE_ROW', `${name} line ${row.line}: ${row.code} again (first on line ${earlier})`, row.line);
    lines.set(row.code, row.line);
    insert.run(fileId, row.code, row.value, row.mai, row.rationale);
    rows++;
  }
  return rows;
}

/** Edits per INSERT statement: fewer, larger statements cost less per row than one statement per edit. */
const PTP_ROWS_PER_INSERT = 64;
const PTP_COLUMNS = 7;

async function storePtp(db: ReferenceDb, fileId: number, file: string, name: string): Promise<{ rows: number; low: string | null; high: string | null }> {
  const table = ptpTable(fileId);
  db.exec(
    `CREATE TABLE ${table} (column2 TEXT NOT NULL, column1 TEXT NOT NULL, line INTEGER NOT NULL, effective TEXT NOT NULL,
                            deletion TEXT, modifier INTEGER NOT NULL, rationale INTEGER NOT NULL)`,
  );
  const values = (count: number) => Array.from({ length: count }, () => `(${new Array(PTP_COLUMNS).fill('?').join(', ')})`).join(', ');
  const insertMany = db.prepare(`INSERT INTO ${table} VALUES ${values(PTP_ROWS_PER_INSERT)}`);
  const insertOne = db.prepare(`INSERT INTO ${table} VALUES ${values(1)}`);
  const findRationale = db.prepare('SELECT id FROM ptp_rationale WHERE text = ?').pluck();
  const addRationale = db.prepare('INSERT INTO ptp_rationale (text) VALUES (?)');
  // A few dozen distinct rationales for a million edits: each text is stored once.
  const rationales = new Map<string, number>();
  const pending: unknown[] = [];
  let rows = 0;
  let low: string | null = null;
  let high: string | null = null;
  for await (const batch of readPtp(file, name)) {
    for (const row of batch) {
      let rationale = rationales.get(row.rationale);
      if (rationale === undefined) {
        rationale = (findRationale.get(row.rationale) as number | undefined) ?? Number(addRationale.run(row.rationale).lastInsertRowid);
        rationales.set(row.rationale, rationale);
      }
      if (low === null || row.column1 < low) low = row.column1;
      if (high === null || row.column1 > high) high = row.column1;
      pending.push(row.column2, row.column1, row.line, row.effective, row.deletion, row.modifier, rationale);
      if (pending.length === PTP_ROWS_PER_INSERT * PTP_COLUMNS) {
        insertMany.run(pending);
        pending.length = 0;
      }
      rows++;
    }
  }
  for (let i = 0; i < pending.length; i += PTP_COLUMNS) insertOne.run(pending.slice(i, i + PTP_COLUMNS));
  db.exec(`CREATE INDEX ${table}_pair ON ${table} (column2, column1)`);
  return { rows, low, high };
}

async function storeIcd(db: ReferenceDb, fileId: number, file: string, name: string): Promise<number> {
  const insert = db.prepare('INSERT INTO icd10cm (file_id, code, position, header, description) VALUES (?, ?, ?, ?, ?)');
  let rows = 0;
  for await (const batch of readIcd(file, name)) {
    for (const row of batch) {
      try {
        insert.run(fileId, row.code, row.position, row.header ? 1 : 0, row.description);
      } catch (error) {
        if (isDuplicateKey(error)) throw new ReferenceDataError('REF_DUPLICATE_ROW', `${name} line ${row.line}: ${row.code} again`, row.line);
        throw error;
      }
      rows++;
    }
  }
  return rows;
}
