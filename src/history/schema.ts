/**
 * The history database's schema, as numbered migrations. `schema_version` holds the number of the last one
 * applied; opening a database applies the missing ones in one transaction. Never edit a released migration:
 * add the next one.
 */
import type Database from 'better-sqlite3';
import { HistoryError } from './errors.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'files, patients, claims, lines',
    sql: `
      CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,         -- sha256 of the file's bytes: a file is ingested once
        name TEXT NOT NULL,                -- as the user named it (messages cite it)
        format TEXT,
        claims INTEGER NOT NULL DEFAULT 0,
        lines INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL
      );
      CREATE TABLE patients (
        id INTEGER PRIMARY KEY,
        member_id TEXT,                    -- normalized payer member id
        dependent_key TEXT NOT NULL DEFAULT '', -- '' subscriber; hash of DOB (or first name) for a dependent
        name_key TEXT                      -- hash of normalized last name, first name, DOB (never the names)
      );
      CREATE UNIQUE INDEX patients_by_member ON patients(member_id, dependent_key) WHERE member_id IS NOT NULL;
      CREATE INDEX patients_by_name ON patients(name_key) WHERE name_key IS NOT NULL;
      CREATE TABLE claims (
        id INTEGER PRIMARY KEY,            -- arrival order
        file_id INTEGER NOT NULL REFERENCES files(id),
        claim_id TEXT NOT NULL,            -- CLM01
        billing_npi TEXT NOT NULL DEFAULT '',
        frequency TEXT NOT NULL,           -- CLM05-3
        payer_claim_number TEXT,
        patient_id INTEGER REFERENCES patients(id),
        status TEXT NOT NULL,              -- v1: active | replaced | voided | void; v2: ready | held | superseded | void
        superseded_by INTEGER REFERENCES claims(id),
        awaiting_original INTEGER NOT NULL DEFAULT 0, -- a 7/8 that came before its original
        first_date TEXT,
        last_date TEXT,
        line_count INTEGER NOT NULL DEFAULT 0,
        charge_cents INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX claims_by_key ON claims(claim_id, billing_npi);
      CREATE INDEX claims_by_patient ON claims(patient_id);
      -- Clustered by patient and date (WITHOUT ROWID): a patient's lines sit together, so the one query a claim
      -- needs reads a page or two instead of one page per line, however large the history grows.
      CREATE TABLE lines (
        patient_id INTEGER NOT NULL,
        service_date TEXT NOT NULL,
        claim_row INTEGER NOT NULL REFERENCES claims(id),
        seq INTEGER NOT NULL,              -- position of the line in its claim
        line_number INTEGER NOT NULL,
        claim_id TEXT NOT NULL,            -- copied from the claim: the view reads lines without a join
        billing_npi TEXT NOT NULL,
        file_id INTEGER NOT NULL,
        procedure TEXT NOT NULL,
        modifiers TEXT NOT NULL,           -- comma-separated, in order
        sides INTEGER NOT NULL,            -- bit 1 left, bit 2 right; 0 unknown
        family INTEGER NOT NULL,           -- FAMILY_CODES (records.ts): esi, facet, rfa, em, other
        region INTEGER NOT NULL,           -- REGION_CODES: the session's region (junction sessions are lumbar-sacral)
        role INTEGER NOT NULL,             -- ROLE_CODES
        units REAL NOT NULL,
        kx INTEGER NOT NULL,
        rendering_npi TEXT,
        active INTEGER NOT NULL,           -- 0 once its claim is replaced or voided
        PRIMARY KEY (patient_id, service_date, claim_row, seq)
      ) WITHOUT ROWID;
      CREATE INDEX lines_by_claim ON lines(claim_row);
    `,
  },
  {
    version: 2,
    description: 'claim status ready/held/superseded/void; held lines; claims by payer claim number',
    sql: `
      UPDATE claims SET status = CASE status WHEN 'active' THEN 'ready' WHEN 'replaced' THEN 'superseded' WHEN 'voided' THEN 'superseded' ELSE status END;
      ALTER TABLE lines ADD COLUMN held INTEGER NOT NULL DEFAULT 0; -- 1 while its claim is held (a pending service)
      CREATE INDEX claims_by_payer_number ON claims(payer_claim_number, billing_npi) WHERE payer_claim_number IS NOT NULL;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database to SCHEMA_VERSION; refuses a database written by a newer spinescrub. */
export function migrate(db: Database.Database): { from: number; to: number } {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
  const from = row.version ?? 0;
  if (from > SCHEMA_VERSION) {
    throw new HistoryError(
      'HIST_SCHEMA_NEWER',
      `history database schema version ${from} is newer than this spinescrub understands (${SCHEMA_VERSION})`,
    );
  }
  const pending = MIGRATIONS.filter((migration) => migration.version > from);
  if (pending.length > 0) {
    db.transaction(() => {
      for (const migration of pending) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(migration.version);
      }
    }).immediate();
  }
  return { from, to: SCHEMA_VERSION };
}
