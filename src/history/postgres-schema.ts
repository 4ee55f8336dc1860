/**
 * The PostgreSQL history's schema, as numbered migrations (`spinescrub history migrate` applies them; a run never
 * does: several hosts share the database, and changing its schema is an operator's step). `schema_version` holds
 * the number of each migration applied. Never edit a released migration: add the next one.
 *
 * The tables are those of the SQLite history (schema.ts), with PostgreSQL's types, plus `patient_versions`: a
 * version per patient key, bumped by every file that records claims of the patient, so a run can tell that another
 * run recorded a patient after it loaded it (postgres.ts).
 */
export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'files, patients, patient versions, claims, lines',
    sql: `
      CREATE TABLE files (
        id bigserial PRIMARY KEY,
        hash text NOT NULL UNIQUE,          -- sha256 of the file's bytes: a file is recorded once
        name text NOT NULL,                 -- as the user named it (messages cite it)
        format text,
        claims integer NOT NULL DEFAULT 0,
        lines integer NOT NULL DEFAULT 0,
        added_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE patients (
        id bigserial PRIMARY KEY,
        member_id text,                     -- normalized payer member id
        dependent_key text NOT NULL DEFAULT '', -- '' subscriber; hash of DOB (or first name) for a dependent
        name_key text                       -- hash of normalized last name, first name, DOB (never the names)
      );
      CREATE UNIQUE INDEX patients_by_member ON patients (member_id, dependent_key) WHERE member_id IS NOT NULL;
      CREATE INDEX patients_by_name ON patients (name_key) WHERE name_key IS NOT NULL;
      -- 'm:<member id>|<dependent key>' and 'n:<name key>': a file's recorder locks and bumps the keys of its patients.
      CREATE TABLE patient_versions (
        key text PRIMARY KEY,
        version bigint NOT NULL
      );
      CREATE TABLE claims (
        id bigserial PRIMARY KEY,           -- arrival order
        file_id bigint NOT NULL REFERENCES files (id),
        claim_id text NOT NULL,             -- CLM01
        billing_npi text NOT NULL DEFAULT '',
        frequency text NOT NULL,            -- CLM05-3
        payer_claim_number text,
        patient_id bigint REFERENCES patients (id),
        status text NOT NULL CHECK (status IN ('ready', 'held', 'superseded', 'void')),
        superseded_by bigint REFERENCES claims (id),
        awaiting_original boolean NOT NULL DEFAULT false, -- a 7/8 that came before its original
        first_date text,
        last_date text,
        line_count integer NOT NULL DEFAULT 0,
        charge_cents bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX claims_by_key ON claims (billing_npi, claim_id);
      CREATE INDEX claims_by_payer_number ON claims (payer_claim_number, billing_npi) WHERE payer_claim_number IS NOT NULL;
      CREATE INDEX claims_by_patient ON claims (patient_id);
      CREATE INDEX claims_by_file ON claims (file_id);
      CREATE TABLE lines (
        patient_id bigint NOT NULL REFERENCES patients (id),
        service_date text NOT NULL,       -- ISO date as read (a malformed one is kept as the claim had it)
        claim_row bigint NOT NULL REFERENCES claims (id),
        seq smallint NOT NULL,              -- position of the line in its claim
        line_number integer NOT NULL,
        claim_id text NOT NULL,             -- copied from the claim: a patient's lines are read without a join
        billing_npi text NOT NULL,
        file_id bigint NOT NULL,
        procedure text NOT NULL,
        modifiers text NOT NULL,            -- comma-separated, in order
        sides smallint NOT NULL,            -- bit 1 left, bit 2 right; 0 unknown
        family smallint NOT NULL,           -- FAMILY_CODES (claims.ts)
        region smallint NOT NULL,           -- REGION_CODES: the session's region
        role smallint NOT NULL,             -- ROLE_CODES
        units double precision NOT NULL,
        kx boolean NOT NULL,
        rendering_npi text,
        active boolean NOT NULL,            -- false once its claim is superseded
        held boolean NOT NULL,              -- true while its claim is held (a pending service)
        PRIMARY KEY (patient_id, service_date, claim_row, seq)
      );
      CREATE INDEX lines_by_claim ON lines (claim_row);
      -- Superseding a claim updates its row and its lines, every file bumps its patients' versions: vacuum and
      -- analyze these after 2% / 1% of their rows changed instead of PostgreSQL's 20% / 10% (a history of tens of
      -- millions of lines would otherwise wait for millions of dead rows).
      ALTER TABLE lines SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01);
      ALTER TABLE claims SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01);
      ALTER TABLE patient_versions SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01);
    `,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
