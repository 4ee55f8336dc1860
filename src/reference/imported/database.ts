/**
 * The reference database (SQLite, better-sqlite3): the imported CMS files, each a row of `files` with its table,
 * version, period and SHA-256, and their rows in `mue` and `icd10cm` keyed by the file's id. A PTP file's edits
 * (a million and more a quarter) get a table of their own, `ptp_<file id>` (ptpTable): appended in file order and
 * indexed by pair once loaded, which costs a fraction of inserting them into one shared index.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ReferenceDataError } from '../errors.js';
import type { ImportedTable } from './files.js';

export type ReferenceDb = Database.Database;

const SCHEMA_VERSION = '2';
/** The page cache of an import (KiB). */
const IMPORT_CACHE_KIB = 256 * 1024;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  table_name TEXT NOT NULL CHECK (table_name IN ('mue', 'ptp', 'icd10cm')),
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  release TEXT NOT NULL,
  revision INTEGER NOT NULL,
  part TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  effective_to TEXT NOT NULL,
  rows INTEGER NOT NULL,
  column1_low TEXT,
  column1_high TEXT
);
CREATE TABLE IF NOT EXISTS mue (
  file_id INTEGER NOT NULL REFERENCES files(id),
  code TEXT NOT NULL,
  value INTEGER NOT NULL,
  mai INTEGER NOT NULL,
  rationale TEXT NOT NULL,
  PRIMARY KEY (file_id, code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ptp_rationale (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS icd10cm (
  file_id INTEGER NOT NULL REFERENCES files(id),
  code TEXT NOT NULL,
  position INTEGER NOT NULL,
  header INTEGER NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (file_id, code)
) WITHOUT ROWID;
`;

/** The table of one PTP file's edits: column2, column1, line, effective, deletion, modifier, rationale (ptp_rationale id). */
export function ptpTable(fileId: number): string {
  return `ptp_${Math.trunc(fileId)}`;
}

/** One imported file, as `files` holds it. */
export interface FileRow {
  id: number;
  table: ImportedTable;
  fileName: string;
  sha256: string;
  release: string;
  revision: number;
  part: string;
  from: string;
  to: string;
  rows: number;
  /** PTP: the lowest and highest column-1 code of the file (a quarter's parts split the codes by range); null otherwise. */
  column1Low: string | null;
  column1High: string | null;
}

/** Opens (creating when needed) the database for an import. */
export function openForImport(file: string): ReferenceDb {
  let db: ReferenceDb;
  try {
    db = new Database(file);
  } catch (error) {
    throw new ReferenceDataError('REF_DATABASE_UNREADABLE', `${file}: cannot open the reference database: ${(error as Error).message}`);
  }
  try {
    db.pragma('foreign_keys = ON');
    // Indexing a quarter's PTP edits sorts them: with the default 2 MB page cache the sort spills to disk.
    db.pragma(`cache_size = ${-IMPORT_CACHE_KIB}`);
    checkSchema(db, file, true);
    db.exec(SCHEMA);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Opens an existing database read-only (a run, a listing). */
export function openForReading(file: string): ReferenceDb {
  if (!existsSync(file)) throw new ReferenceDataError('REF_DATABASE_NOT_FOUND', `${file}: no reference database there (spinescrub reference import creates it)`);
  let db: ReferenceDb;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ReferenceDataError('REF_DATABASE_UNREADABLE', `${file}: cannot open the reference database: ${(error as Error).message}`);
  }
  try {
    checkSchema(db, file, false);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** A database of another kind, or of another schema version, is refused (never altered). */
function checkSchema(db: ReferenceDb, file: string, mayBeNew: boolean): void {
  let tables: string[];
  try {
    tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
  } catch (error) {
    throw new ReferenceDataError('REF_DATABASE_UNREADABLE', `${file}: not an SQLite database (${(error as Error).message})`);
  }
  if (tables.length === 0 && mayBeNew) return;
  const version = tables.includes('meta')
    ? (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value
    : undefined;
  if (!tables.includes('files') || version !== SCHEMA_VERSION) {
    throw new ReferenceDataError('REF_DATABASE_UNREADABLE', `${file}: not a spinescrub reference database (schema ${SCHEMA_VERSION})`);
  }
}

export function readFiles(db: ReferenceDb): FileRow[] {
  return db
    .prepare(
      `SELECT id, table_name AS "table", file_name AS fileName, sha256, release, revision, part,
              effective_from AS "from", effective_to AS "to", rows, column1_low AS column1Low, column1_high AS column1High
         FROM files ORDER BY id`,
    )
    .all() as FileRow[];
}
