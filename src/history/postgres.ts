/**
 * The shared history store on PostgreSQL (the `pg` client): the same files, patients, claims and lines as the SQLite
 * store, the same answers, for several runs on several machines at once.
 *
 * - Reads ahead: `prepare(patient, key)` reads, in one statement (one snapshot), a patient met the first time (its
 *   live lines and the versions of its keys) and the claims of the claim's key; `prepareMany` does the same for a
 *   batch of claims in one statement. loadPatient and findClaims answer from what was read (the rules ask the view
 *   synchronously). A patient is read once per run (as with SQLite).
 * - What a run sees: every file committed before a patient is read, by any run, except the run's own files (the
 *   run holds them) and the earlier recordings of its inputs (a re-run reads them again).
 * - Recording a file is one transaction; its content hash is unique, so a file is recorded once (a second recorder of
 *   the same bytes waits for the first and finds it recorded).
 * - Several runs at once, optimistically per patient: every patient key ('m:member|dependent', 'n:name key') has a
 *   version, bumped by each file that records claims of it. A run remembers the versions it saw when it read a
 *   patient (ClaimToRecord.seen). A recorder takes transaction-level advisory locks on the file's patient keys (hashed
 *   into a fixed number of buckets), in one order (no deadlock), and compares: when another run has recorded one of the patients since this run
 *   read it, nothing is written and HIST_CONFLICT says so; the run then reads those patients again and checks the
 *   file again (pipeline/process-file.ts), so no two runs release a duplicate without one seeing the other.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PatientKey } from '../encounter/history-view.js';
import { FAMILY_CODES, REGION_CODES, ROLE_CODES, STATUS_CODES, codeOf, type ClaimStatus, type HistoryLine } from './claims.js';
import { redactUrl } from './defaults.js';
export { isPostgresUrl, redactUrl } from './defaults.js';
import { HistoryError } from './errors.js';
import { identityOf, identityString, normalizeMemberId, type PatientIdentity } from './identity.js';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './postgres-schema.js';
import type {
  ClaimToRecord, FileIdentity, HistoryStats, HistoryStore, LineStats, PatientClaim, PatientVersions, PrepareKey, PrepareRequest, PriorClaim, RecordedFile, RecordResult,
} from './store.js';

/** Rows per multi-row INSERT (unnest of arrays). */
const BATCH_ROWS = 5000;
/** Advisory locks (two-key form): this namespace, and a bucket of patient keys or the migration's own. */
const LOCK_NAMESPACE = 0x53504e53;
const MIGRATION_LOCK = -1;
/** Patient-key lock buckets (PostgreSQL's lock table holds max_locks_per_transaction × max_connections locks). */
const LOCK_BUCKETS = 256;

/** int8 and numeric as numbers (counts, ids, cents stay far below 2^53), dates as their ISO text. */
const TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    if (oid === 1082) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/** The version keys of a patient identity: a recorder locks and bumps these; a reader remembers their versions. */
export function versionKeysOf(identity: PatientIdentity): string[] {
  const keys: string[] = [];
  if (identity.memberId !== null) keys.push(`m:${identity.memberId}|${identity.dependentKey}`);
  if (identity.nameKey !== null) keys.push(`n:${identity.nameKey}`);
  return keys;
}

/**
 * The advisory lock of a version key: one of LOCK_BUCKETS (the lock table is shared memory of a fixed size, so a
 * file of thousands of patients takes at most this many locks; two keys of one bucket serialize their recorders,
 * never their answers).
 */
function lockOf(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % LOCK_BUCKETS;
}

/** The map key of a look-up key (its parts cannot hold a NUL). */
function keyOf(billingNpi: string, claimId: string, payerClaimNumber: string | null): string {
  return payerClaimNumber === null ? `${billingNpi}\u0000${claimId}` : `${billingNpi}\u0000${claimId}\u0000${payerClaimNumber}`;
}

/** A statement with :named parameters as pg's $n text and values (a parameter not given is left as it is: unused). */
function statement(text: string, values: Record<string, unknown>): { text: string; values: unknown[] } {
  const names = Object.keys(values).sort().join(',');
  const slot = `${names}\u0000${text}`;
  let compiled = statements.get(slot);
  if (compiled === undefined) {
    const order: string[] = [];
    const sql = text.replace(/:([a-zA-Z]+)\b/g, (whole: string, name: string) => {
      if (!(name in values)) return whole;
      let at = order.indexOf(name);
      if (at < 0) at = order.push(name) - 1;
      return `$${at + 1}`;
    });
    statements.set(slot, (compiled = { sql, order }));
  }
  return { text: compiled.sql, values: compiled.order.map((name) => values[name]) };
}

const statements = new Map<string, { sql: string; order: string[] }>();

/** A line as the read-ahead sends it (json_build_array). */
type LineJson = [
  claimRow: number, file: string, claimId: string, billingNpi: string, held: boolean, seq: number, serviceDate: string, lineNumber: number,
  procedure: string, modifiers: string, sides: number, family: number, region: number, role: number, units: number, kx: boolean, renderingNpi: string | null,
];
type ClaimJson = [row: number, file: string, claimId: string, billingNpi: string, frequency: string, payerClaimNumber: string | null, status: string, awaiting: boolean];

const LINE_JSON =
  'json_build_array(l.claim_row, f.name, l.claim_id, l.billing_npi, l.held, l.seq, l.service_date, l.line_number, l.procedure, l.modifiers, l.sides, l.family, l.region, l.role, l.units, l.kx, l.rendering_npi)';
/** What a run leaves out: its own files, and the earlier recordings of its inputs. */
const VISIBLE = (alias: string) => `${alias}.file_id <> ALL(:own::bigint[]) AND f.hash <> ALL(:excluded::text[])`;

/** The read-ahead statement for a patient read by member id, by name only, or not at all, with or without a key. */
function prefetchText(patient: 'member' | 'name' | 'none', key: boolean): string {
  const patients =
    patient === 'member'
      ? 'SELECT id FROM patients WHERE member_id = :member AND dependent_key = :dependent UNION ALL SELECT id FROM patients WHERE member_id IS NULL AND name_key = :name'
      : 'SELECT id FROM patients WHERE name_key = :name';
  const versions = patient === 'none' ? "'{}'::json" : "(SELECT coalesce(json_object_agg(key, version), '{}'::json) FROM patient_versions WHERE key = ANY(:keys::text[]))";
  const lines =
    patient === 'none'
      ? "'[]'::json"
      : `(SELECT coalesce(json_agg(${LINE_JSON} ORDER BY l.claim_row, l.seq), '[]'::json) FROM lines l JOIN files f ON f.id = l.file_id
          WHERE l.patient_id IN (${patients}) AND l.active AND ${VISIBLE('l')})`;
  const claims = key
    ? `(SELECT coalesce(json_agg(json_build_array(c.id, f.name, c.claim_id, c.billing_npi, c.frequency, c.payer_claim_number, c.status, c.awaiting_original) ORDER BY c.id), '[]'::json)
          FROM claims c JOIN files f ON f.id = c.file_id
          WHERE c.billing_npi = :npi AND (c.claim_id = :claim OR c.payer_claim_number = :number) AND (c.status IN ('ready', 'held') OR c.awaiting_original) AND ${VISIBLE('c')})`
    : "'[]'::json";
  return `SELECT ${versions} AS versions, ${lines} AS lines, ${claims} AS claims`;
}

/**
 * The read-ahead statement for many claims: the versions of the patients' keys, the lines of each patient (read by
 * member id as prefetchText reads them, or by name only), and the claims of each key, each answer tagged with the
 * index of its request. A patient's ids are joined (never matched twice: a member id's own rows and the memberless
 * rows of its name are disjoint), so each lateral look-up uses the same indexes as the one-claim statement.
 */
const READ_AHEAD_MANY = `SELECT
  (SELECT coalesce(json_object_agg(key, version), '{}'::json) FROM patient_versions WHERE key = ANY(:keys::text[])) AS versions,
  (SELECT coalesce(json_agg(json_build_array(g.i, g.lines)), '[]'::json) FROM (
     SELECT r.i, json_agg(${LINE_JSON} ORDER BY l.claim_row, l.seq) AS lines
     FROM unnest(:mi::integer[], :mm::text[], :md::text[], :mn::text[]) AS r(i, m, d, n)
     CROSS JOIN LATERAL (SELECT id FROM patients WHERE member_id = r.m AND dependent_key = r.d
                         UNION ALL SELECT id FROM patients WHERE member_id IS NULL AND name_key = r.n) p
     JOIN lines l ON l.patient_id = p.id JOIN files f ON f.id = l.file_id
     WHERE l.active AND ${VISIBLE('l')} GROUP BY r.i) g) AS members,
  (SELECT coalesce(json_agg(json_build_array(g.i, g.lines)), '[]'::json) FROM (
     SELECT r.i, json_agg(${LINE_JSON} ORDER BY l.claim_row, l.seq) AS lines
     FROM unnest(:ni::integer[], :nn::text[]) AS r(i, n)
     CROSS JOIN LATERAL (SELECT id FROM patients WHERE name_key = r.n) p
     JOIN lines l ON l.patient_id = p.id JOIN files f ON f.id = l.file_id
     WHERE l.active AND ${VISIBLE('l')} GROUP BY r.i) g) AS names,
  (SELECT coalesce(json_agg(json_build_array(k.i, q.claims)), '[]'::json)
     FROM unnest(:ki::integer[], :kn::text[], :kc::text[], :kp::text[]) AS k(i, npi, claim, number)
     CROSS JOIN LATERAL (
       SELECT json_agg(json_build_array(c.id, f.name, c.claim_id, c.billing_npi, c.frequency, c.payer_claim_number, c.status, c.awaiting_original) ORDER BY c.id) AS claims
       FROM claims c JOIN files f ON f.id = c.file_id
       WHERE c.billing_npi = k.npi AND (c.claim_id = k.claim OR c.payer_claim_number = k.number) AND (c.status IN ('ready', 'held') OR c.awaiting_original) AND ${VISIBLE('c')}) q
     WHERE q.claims IS NOT NULL) AS claims`;

const readAheadTexts = new Map<string, string>();

function readAheadText(patient: 'member' | 'name' | 'none', key: boolean): string {
  const slot = `${patient}|${key}`;
  let text = readAheadTexts.get(slot);
  if (text === undefined) readAheadTexts.set(slot, (text = prefetchText(patient, key)));
  return text;
}

export interface PgOpenOptions {
  /** Pool size (default 2: the run's read-ahead and its recorder). */
  connections?: number;
}

export class PostgresHistoryStore implements HistoryStore {
  readonly path: string;
  /** Another run may add held claims at any time: the run always asks findClaims. */
  readonly holdsPending = true;
  /** Hashes of the run's inputs (their earlier recordings are left out) and the files the run recorded. */
  private excluded: string[] = [];
  private own: number[] = [];
  /** Patients read ahead and not yet loaded, and those loaded (identity strings). */
  private readonly readAhead = new Map<string, PriorClaim[]>();
  private readonly loaded = new Set<string>();
  /** Version key → version, as seen when the patient was read (and as this run left it). */
  private readonly seen = new Map<string, number>();
  /**
   * The claims of the keys read ahead last (one claim's, or a batch's), by keyOf(billing NPI, claim id, payer claim
   * number), and by billing NPI and claim id alone (what was read for any payer claim number of that key).
   */
  private readonly keys = new Map<string, PriorClaim[]>();
  private readonly keysByClaim = new Map<string, PriorClaim[]>();
  private readonly modifierLists = new Map<string, readonly string[]>();

  private constructor(
    readonly url: string,
    private readonly pool: pg.Pool,
  ) {
    this.path = redactUrl(url);
  }

  private static pool(url: string, connections: number): pg.Pool {
    const pool = new pg.Pool({ connectionString: url, max: connections, application_name: 'spinescrub', types: TYPES });
    // A connection the server drops while idle: the next query reports it (an idle client's error must not crash the run).
    pool.on('error', () => undefined);
    return pool;
  }

  /** Connects and checks the schema: missing or older gets HIST_SCHEMA_OLD (run `history migrate`), newer HIST_SCHEMA_NEWER. */
  static async open(url: string, options: PgOpenOptions = {}): Promise<PostgresHistoryStore> {
    const pool = PostgresHistoryStore.pool(url, options.connections ?? 2);
    const shown = redactUrl(url);
    try {
      const version = await schemaVersion(pool, shown);
      if (version > PG_SCHEMA_VERSION) {
        throw new HistoryError('HIST_SCHEMA_NEWER', `history database ${shown} has schema version ${version}, newer than this spinescrub understands (${PG_SCHEMA_VERSION})`);
      }
      if (version < PG_SCHEMA_VERSION) {
        const what = version === 0 ? 'has no spinescrub schema' : `has schema version ${version}, this spinescrub needs ${PG_SCHEMA_VERSION}`;
        throw new HistoryError('HIST_SCHEMA_OLD', `history database ${shown} ${what}: run \`spinescrub history migrate --history ${shown}\` first`);
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresHistoryStore(url, pool);
  }

  /** Creates or brings the schema to PG_SCHEMA_VERSION (one transaction; concurrent migrations wait for each other). */
  static async migrate(url: string): Promise<{ from: number; to: number }> {
    const pool = PostgresHistoryStore.pool(url, 1);
    const shown = redactUrl(url);
    try {
      const client = await connect(pool, shown);
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK]);
        await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
        const from = Number((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version')).rows[0]?.v ?? 0);
        if (from > PG_SCHEMA_VERSION) {
          throw new HistoryError('HIST_SCHEMA_NEWER', `history database ${shown} has schema version ${from}, newer than this spinescrub understands (${PG_SCHEMA_VERSION})`);
        }
        for (const migration of PG_MIGRATIONS) {
          if (migration.version <= from) continue;
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_version (version) VALUES ($1)', [migration.version]);
        }
        await client.query('COMMIT');
        return { from, to: PG_SCHEMA_VERSION };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (error instanceof HistoryError) throw error;
        throw new HistoryError('HIST_OPEN_FAILED', `cannot migrate history database ${shown}: ${(error as Error).message}`);
      } finally {
        client.release();
      }
    } finally {
      await pool.end().catch(() => undefined);
    }
  }

  beginRun(inputHashes: readonly string[]): void {
    this.excluded = [...inputHashes];
    this.own = [];
    this.readAhead.clear();
    this.loaded.clear();
    this.seen.clear();
    this.keys.clear();
    this.keysByClaim.clear();
  }

  async findFile(hash: string): Promise<RecordedFile | undefined> {
    const result = await this.query<RecordedFile>('SELECT id, name, claims, lines FROM files WHERE hash = $1', [hash]);
    return result.rows[0];
  }

  /** Reads ahead a patient met the first time and the claims of a key (one statement, one snapshot). */
  prepare(patient: PatientKey, key: PrepareKey | null): Promise<void> | undefined {
    const identity = identityOf(patient);
    const name = identityString(identity);
    const readPatient = name !== null && !this.loaded.has(name) && !this.readAhead.has(name);
    if (!readPatient && key === null) return undefined;
    const mode = !readPatient ? 'none' : identity.memberId !== null ? 'member' : 'name';
    const keys = readPatient ? versionKeysOf(identity) : [];
    const values: Record<string, unknown> = { own: this.own, excluded: this.excluded };
    if (readPatient) {
      Object.assign(values, { keys, name: identity.nameKey });
      if (mode === 'member') Object.assign(values, { member: identity.memberId, dependent: identity.dependentKey });
    }
    if (key !== null) Object.assign(values, { npi: key.billingNpi, claim: key.claimId, number: key.payerClaimNumber });
    const { text, values: params } = statement(readAheadText(mode, key !== null), values);
    return this.query<{ versions: Record<string, number>; lines: LineJson[]; claims: ClaimJson[] }>({ name: `spinescrub-read-${mode}-${key !== null}`, text, values: params }).then(
      (result) => {
        const row = result.rows[0]!;
        if (readPatient) {
          for (const versionKey of keys) this.seen.set(versionKey, Number(row.versions[versionKey] ?? 0));
          this.readAhead.set(name, this.priorClaims(row.lines));
        }
        this.keys.clear();
        this.keysByClaim.clear();
        if (key !== null) this.keepKey(key, row.claims.map((claim) => this.priorClaimOf(claim)));
      },
    );
  }

  /**
   * Reads ahead for a batch of claims in one statement (one snapshot, one round trip): each patient met the first
   * time (once, however many of the claims are its), the versions of its keys, and the claims of every key; the
   * answers are those prepare gives claim by claim (nothing this run does between the claims of a batch reaches the
   * database: its files are recorded when they end).
   */
  prepareMany(requests: readonly PrepareRequest[]): Promise<void> | undefined {
    if (requests.length === 1) return this.prepare(requests[0]!.patient, requests[0]!.key);
    const patients: { name: string; identity: PatientIdentity }[] = [];
    const meeting = new Set<string>();
    const versionKeys = new Set<string>();
    const member = { i: [] as number[], m: [] as string[], d: [] as string[], n: [] as (string | null)[] };
    const byName = { i: [] as number[], n: [] as string[] };
    const keyed = { i: [] as number[], npi: [] as string[], claim: [] as string[], number: [] as (string | null)[] };
    const keyRequests: PrepareKey[] = [];
    const keySlots = new Set<string>();
    for (const { patient, key } of requests) {
      const identity = identityOf(patient);
      const name = identityString(identity);
      if (name !== null && !this.loaded.has(name) && !this.readAhead.has(name) && !meeting.has(name)) {
        meeting.add(name);
        const index = patients.push({ name, identity }) - 1;
        for (const versionKey of versionKeysOf(identity)) versionKeys.add(versionKey);
        if (identity.memberId !== null) {
          member.i.push(index);
          member.m.push(identity.memberId);
          member.d.push(identity.dependentKey);
          member.n.push(identity.nameKey);
        } else {
          byName.i.push(index);
          byName.n.push(identity.nameKey!);
        }
      }
      if (key !== null) {
        const slot = keyOf(key.billingNpi, key.claimId, key.payerClaimNumber);
        if (keySlots.has(slot)) continue;
        keySlots.add(slot);
        keyed.i.push(keyRequests.push(key) - 1);
        keyed.npi.push(key.billingNpi);
        keyed.claim.push(key.claimId);
        keyed.number.push(key.payerClaimNumber);
      }
    }
    if (patients.length === 0 && keyRequests.length === 0) return undefined;
    const { text, values } = statement(READ_AHEAD_MANY, {
      own: this.own, excluded: this.excluded, keys: [...versionKeys],
      mi: member.i, mm: member.m, md: member.d, mn: member.n, ni: byName.i, nn: byName.n,
      ki: keyed.i, kn: keyed.npi, kc: keyed.claim, kp: keyed.number,
    });
    type Row = { versions: Record<string, number>; members: [number, LineJson[]][]; names: [number, LineJson[]][]; claims: [number, ClaimJson[]][] };
    return this.query<Row>({ name: 'spinescrub-read-many', text, values }).then((result) => {
      const row = result.rows[0]!;
      for (const versionKey of versionKeys) this.seen.set(versionKey, Number(row.versions[versionKey] ?? 0));
      const lines = new Map<number, LineJson[]>([...row.members, ...row.names]);
      for (const [index, { name }] of patients.entries()) this.readAhead.set(name, this.priorClaims(lines.get(index) ?? []));
      const claims = new Map<number, ClaimJson[]>(row.claims);
      this.keys.clear();
      this.keysByClaim.clear();
      for (const [index, key] of keyRequests.entries()) this.keepKey(key, (claims.get(index) ?? []).map((claim) => this.priorClaimOf(claim)));
    });
  }

  /** Keeps the claims read ahead for a key (findClaims answers from them). */
  private keepKey(key: PrepareKey, claims: PriorClaim[]): void {
    this.keys.set(keyOf(key.billingNpi, key.claimId, key.payerClaimNumber), claims);
    this.keysByClaim.set(keyOf(key.billingNpi, key.claimId, null), claims);
  }

  loadPatient(identity: PatientIdentity): PriorClaim[] {
    const name = identityString(identity);
    const claims = name === null ? undefined : this.readAhead.get(name);
    if (name === null || claims === undefined) {
      throw new HistoryError('HIST_NOT_PREPARED', 'history: a patient was asked about before it was read ahead (prepare the claim first)');
    }
    this.readAhead.delete(name);
    this.loaded.add(name);
    return claims;
  }

  findClaims(billingNpi: string, claimId: string, payerClaimNumber: string | null): PriorClaim[] {
    if (payerClaimNumber === null) {
      // Read with the claim's payer claim number (whichever was read): without one, the claims of the key only.
      const claims = this.keysByClaim.get(keyOf(billingNpi, claimId, null));
      if (claims !== undefined) return claims.filter((claim) => claim.claimId === claimId);
    } else {
      const claims = this.keys.get(keyOf(billingNpi, claimId, payerClaimNumber));
      if (claims !== undefined) return claims;
    }
    throw new HistoryError('HIST_NOT_PREPARED', 'history: claims were looked up by a key that was not read ahead (prepare the claim first)');
  }

  seenVersions(identity: PatientIdentity): PatientVersions {
    const versions: Record<string, number> = {};
    for (const key of versionKeysOf(identity)) versions[key] = this.seen.get(key) ?? 0;
    return versions;
  }

  /** A patient's claims from its lines (in claim order, each claim's lines in order), as the SQLite store gives them. */
  private priorClaims(lines: LineJson[]): PriorClaim[] {
    const claims: PriorClaim[] = [];
    let claim: PriorClaim | undefined;
    for (const line of lines) {
      const [claimRow, file, claimId, billingNpi, held] = line;
      if (claim === undefined || claim.row !== claimRow) {
        claim = { row: claimRow, file, claimId, billingNpi, frequency: '', payerClaimNumber: null, status: held ? 'held' : 'ready', chargeCents: 0, lines: [], awaiting: false };
        claims.push(claim);
      }
      claim.lines.push(this.lineOf(line));
    }
    return claims;
  }

  private lineOf(line: LineJson): HistoryLine {
    const modifiersText = line[9];
    let modifiers = this.modifierLists.get(modifiersText);
    if (modifiers === undefined) {
      modifiers = Object.freeze(modifiersText === '' ? [] : modifiersText.split(','));
      this.modifierLists.set(modifiersText, modifiers);
    }
    return {
      serviceDate: line[6],
      lineNumber: line[7],
      procedure: line[8],
      modifiers,
      sides: line[10],
      family: FAMILY_CODES[line[11]]!,
      region: REGION_CODES[line[12]]!,
      role: ROLE_CODES[line[13]]!,
      units: line[14],
      kx: line[15],
      renderingNpi: line[16],
    };
  }

  private priorClaimOf([row, file, claimId, billingNpi, frequency, payerClaimNumber, status, awaiting]: ClaimJson): PriorClaim {
    return { row, file, claimId, billingNpi, frequency, payerClaimNumber, status: status as ClaimStatus, chargeCents: 0, lines: [], awaiting };
  }

  /** Records a file in one transaction (its claims are read before this returns); HIST_CONFLICT when another run recorded one of its patients since this run read it. */
  recordFile(file: FileIdentity, claims: Iterable<ClaimToRecord>): Promise<RecordResult> {
    return this.record(file, [...claims]);
  }

  private async record(file: FileIdentity, claims: ClaimToRecord[]): Promise<RecordResult> {
    const client = await connect(this.pool, this.path);
    let committed = false;
    try {
      await client.query('BEGIN');
      // First the file (a second recorder of the same bytes waits here for the first, holding no patient lock).
      const inserted = await client.query<{ id: number }>('INSERT INTO files (hash, name, format) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING RETURNING id', [
        file.hash,
        file.name,
        file.format ?? null,
      ]);
      if (inserted.rows.length === 0) {
        await client.query('ROLLBACK');
        committed = true;
        const existing = await this.findFile(file.hash);
        return { ...emptyResult(file, 'already-ingested'), claims: existing?.claims ?? 0, lines: existing?.lines ?? 0 };
      }
      const fileId = inserted.rows[0]!.id;
      const versions = await this.lockPatients(client, file, claims);
      const result = emptyResult(file, 'added');
      const patientIds = await this.patientIds(client, claims);
      const rows = (await client.query<{ id: number }>("SELECT nextval('claims_id_seq') AS id FROM generate_series(1, $1)", [claims.length])).rows.map((row) => row.id).sort((a, b) => a - b);
      const claimRows = new UnnestBatch(client, 'claims (id, file_id, claim_id, billing_npi, frequency, payer_claim_number, patient_id, status, awaiting_original, first_date, last_date, line_count, charge_cents)',
        ['bigint', 'bigint', 'text', 'text', 'text', 'text', 'bigint', 'text', 'boolean', 'text', 'text', 'integer', 'bigint']);
      const lineRows = new UnnestBatch(client, 'lines (patient_id, service_date, claim_row, seq, line_number, claim_id, billing_npi, file_id, procedure, modifiers, sides, family, region, role, units, kx, rendering_npi, active, held)',
        ['bigint', 'text', 'bigint', 'smallint', 'integer', 'text', 'text', 'bigint', 'text', 'text', 'smallint', 'smallint', 'smallint', 'smallint', 'double precision', 'boolean', 'text', 'boolean', 'boolean']);
      const superseded: [by: number, target: number][] = [];
      const settled: number[] = [];
      claims.forEach(({ claim, awaiting, supersedes, supersededInFile, settles }, index) => {
        const row = rows[index]!;
        const patientId = patientIds[index]!;
        codeOf(STATUS_CODES, claim.status);
        const live = claim.status === 'ready' || claim.status === 'held';
        let first: string | null = null;
        let last: string | null = null;
        claim.lines.forEach((line, seq) => {
          if (first === null || line.serviceDate < first) first = line.serviceDate;
          if (last === null || line.serviceDate > last) last = line.serviceDate;
          if (patientId === null) return;
          lineRows.add([
            patientId, line.serviceDate, row, seq, line.lineNumber, claim.claimId, claim.billingNpi, fileId, line.procedure, line.modifiers.join(','), line.sides,
            codeOf(FAMILY_CODES, line.family), codeOf(REGION_CODES, line.region), codeOf(ROLE_CODES, line.role), line.units, line.kx, line.renderingNpi, live, claim.status === 'held',
          ]);
          result.lines++;
        });
        claimRows.add([row, fileId, claim.claimId, claim.billingNpi, claim.frequency, claim.payerClaimNumber, patientId, claim.status, awaiting, first, last, claim.lines.length, claim.chargeCents]);
        for (const target of supersedes) {
          superseded.push([row, target]);
          if (claim.frequency === '8') result.voided++;
          else result.replaced++;
        }
        if (claim.frequency === '8') result.voided += supersededInFile;
        else result.replaced += supersededInFile;
        settled.push(...settles);
        if (settles.length > 0) result.lateOriginals++;
        if (awaiting) result.awaitingOriginal++;
        result.rows.push(row);
        result.claims++;
      });
      await claimRows.flush();
      await lineRows.flush();
      if (superseded.length > 0) {
        // The last claim to supersede a row is its superseder (as the SQLite store's updates in claim order leave it).
        const by = new Map<number, number>();
        for (const [row, target] of superseded) by.set(target, row);
        const targets = [...by.keys()];
        await client.query(
          `UPDATE claims c SET status = 'superseded', superseded_by = u.by FROM unnest($1::bigint[], $2::bigint[]) AS u(target, by) WHERE c.id = u.target`,
          [targets, targets.map((target) => by.get(target)!)],
        );
        await client.query('UPDATE lines SET active = false, held = false WHERE claim_row = ANY($1::bigint[])', [targets]);
      }
      if (settled.length > 0) await client.query('UPDATE claims SET awaiting_original = false WHERE id = ANY($1::bigint[])', [settled]);
      await client.query('UPDATE files SET claims = $1, lines = $2 WHERE id = $3', [result.claims, result.lines, fileId]);
      await client.query('COMMIT');
      committed = true;
      this.own.push(fileId);
      for (const [key, version] of versions) this.seen.set(key, version);
      return result;
    } catch (error) {
      if (!committed) await client.query('ROLLBACK').catch(() => undefined);
      throw conflictOf(error, file) ?? error;
    } finally {
      client.release();
    }
  }

  /**
   * Locks the file's patient keys (advisory, until the transaction ends, in lock-number order: two recorders never
   * wait for each other in a circle), checks that no other run recorded them since this run read them, and bumps
   * their versions. Returns the versions the file leaves.
   */
  private async lockPatients(client: pg.PoolClient, file: FileIdentity, claims: ClaimToRecord[]): Promise<Map<string, number>> {
    const keys = new Set<string>();
    for (const { identity } of claims) if (identity !== null) for (const key of versionKeysOf(identity)) keys.add(key);
    const next = new Map<string, number>();
    if (keys.size === 0) return next;
    const locks = [...new Set([...keys].map(lockOf))].sort((a, b) => a - b);
    await client.query('SELECT count(pg_advisory_xact_lock($1, k)) FROM (SELECT k FROM unnest($2::integer[]) WITH ORDINALITY AS u(k, o) ORDER BY o) AS ordered', [LOCK_NAMESPACE, locks]);
    const current = new Map<string, number>();
    for (const row of (await client.query<{ key: string; version: number }>('SELECT key, version FROM patient_versions WHERE key = ANY($1::text[])', [[...keys]])).rows) {
      current.set(row.key, row.version);
    }
    const moved = new Set<string>();
    const patients = new Set<string>();
    for (const { seen, identity } of claims) {
      if (seen === null || identity === null) continue;
      for (const [key, version] of Object.entries(seen)) {
        if ((current.get(key) ?? 0) === version) continue;
        moved.add(key);
        patients.add(identityString(identity) ?? key);
      }
    }
    if (moved.size > 0) throw new HistoryConflict(file.name, patients.size, [...moved].sort());
    for (const key of keys) next.set(key, (current.get(key) ?? 0) + 1);
    await client.query('INSERT INTO patient_versions (key, version) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version', [
      [...next.keys()],
      [...next.values()],
    ]);
    return next;
  }

  /**
   * The patient row of each claim's identity (null: no identity), created or given its member id as needed, claim by
   * claim as the SQLite store does: a member id finds its patient, else takes over the oldest patient known by name
   * only; a name alone finds the oldest patient of that name.
   */
  private async patientIds(client: pg.PoolClient, claims: ClaimToRecord[]): Promise<(number | null)[]> {
    const members = new Map<string, [string, string]>();
    const names = new Set<string>();
    for (const { identity } of claims) {
      if (identity === null) continue;
      if (identity.memberId !== null) members.set(`${identity.memberId}|${identity.dependentKey}`, [identity.memberId, identity.dependentKey]);
      if (identity.nameKey !== null) names.add(identity.nameKey);
    }
    const byMember = new Map<string, number>();
    const memberless = new Map<string, number[]>();
    const firstByName = new Map<string, number>();
    if (members.size + names.size > 0) {
      const found = await client.query<{ id: number; member_id: string | null; dependent_key: string; name_key: string | null }>(
        `SELECT p.id, p.member_id, p.dependent_key, p.name_key FROM unnest($1::text[], $2::text[]) AS u(m, d) JOIN patients p ON p.member_id = u.m AND p.dependent_key = u.d
         UNION SELECT id, member_id, dependent_key, name_key FROM patients WHERE name_key = ANY($3::text[])
         ORDER BY id`,
        [[...members.values()].map(([member]) => member), [...members.values()].map(([, dependent]) => dependent), [...names]],
      );
      for (const row of found.rows) {
        if (row.member_id !== null) byMember.set(`${row.member_id}|${row.dependent_key}`, row.id);
        if (row.name_key === null) continue;
        if (!firstByName.has(row.name_key)) firstByName.set(row.name_key, row.id);
        if (row.member_id === null) memberless.set(row.name_key, [...(memberless.get(row.name_key) ?? []), row.id]);
      }
    }
    // New patients get placeholders (-1, -2, …) until their ids are drawn, in order.
    const created: [string | null, string, string | null][] = [];
    const adopted: [number, string, string][] = [];
    const ids = claims.map(({ identity }): number | null => {
      if (identity === null || identityString(identity) === null) return null;
      const { memberId, dependentKey, nameKey } = identity;
      if (memberId !== null) {
        const key = `${memberId}|${dependentKey}`;
        let id = byMember.get(key);
        if (id === undefined && nameKey !== null) {
          id = memberless.get(nameKey)?.shift();
          if (id !== undefined) adopted.push([id, memberId, dependentKey]);
        }
        if (id === undefined) {
          id = -created.push([memberId, dependentKey, nameKey]);
          if (nameKey !== null && !firstByName.has(nameKey)) firstByName.set(nameKey, id);
        }
        byMember.set(key, id);
        return id;
      }
      let id = firstByName.get(nameKey!);
      if (id === undefined) {
        id = -created.push([null, '', nameKey]);
        firstByName.set(nameKey!, id);
        memberless.set(nameKey!, [...(memberless.get(nameKey!) ?? []), id]);
      }
      return id;
    });
    if (adopted.length > 0) {
      await client.query('UPDATE patients p SET member_id = u.m, dependent_key = u.d FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, m, d) WHERE p.id = u.id', [
        adopted.map(([id]) => id),
        adopted.map(([, member]) => member),
        adopted.map(([, , dependent]) => dependent),
      ]);
    }
    if (created.length === 0) return ids;
    const drawn = (await client.query<{ id: number }>("SELECT nextval('patients_id_seq') AS id FROM generate_series(1, $1)", [created.length])).rows.map((row) => row.id).sort((a, b) => a - b);
    const batch = new UnnestBatch(client, 'patients (id, member_id, dependent_key, name_key)', ['bigint', 'text', 'text', 'text']);
    created.forEach(([member, dependent, name], index) => batch.add([drawn[index]!, member, dependent, name]));
    await batch.flush();
    return ids.map((id) => (id !== null && id < 0 ? drawn[-id - 1]! : id));
  }

  async stats(): Promise<HistoryStats> {
    // Columns named and ordered as HistoryStats names and orders them.
    const claims = (
      await this.query<Omit<HistoryStats, 'path' | 'schemaVersion' | LineStats | 'sizeBytes'>>(
        `SELECT (SELECT count(*) FROM files) AS files, count(*) AS claims, count(*) FILTER (WHERE status = 'ready') AS "readyClaims",
           count(*) FILTER (WHERE status = 'held') AS "heldClaims", count(*) FILTER (WHERE status = 'superseded') AS "supersededClaims",
           count(*) FILTER (WHERE status = 'void') AS voids, count(*) FILTER (WHERE awaiting_original) AS "awaitingOriginal"
         FROM claims`,
      )
    ).rows[0]!;
    const lines = (
      await this.query<Pick<HistoryStats, LineStats>>(
        `SELECT count(*) AS lines, count(*) FILTER (WHERE active) AS "activeLines", (SELECT count(*) FROM patients) AS patients,
           min(service_date) AS "firstServiceDate", max(service_date) AS "lastServiceDate"
         FROM lines`,
      )
    ).rows[0]!;
    const size = (
      await this.query<{ size: number }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS size FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r'`,
      )
    ).rows[0]!.size;
    return { path: this.path, schemaVersion: PG_SCHEMA_VERSION, ...claims, ...lines, sizeBytes: size };
  }

  async patientClaims(memberId: string): Promise<PatientClaim[]> {
    const normalized = normalizeMemberId(memberId);
    if (normalized === null) return [];
    const claims = (
      await this.query<Omit<PatientClaim, 'lines'> & { id: number }>(
        `SELECT c.id, f.name AS file, c.claim_id AS "claimId", c.billing_npi AS "billingNpi", c.frequency, c.status,
           p.dependent_key <> '' AS dependent, c.first_date AS "firstDate", c.last_date AS "lastDate", c.charge_cents AS "chargeCents"
         FROM claims c JOIN patients p ON p.id = c.patient_id JOIN files f ON f.id = c.file_id
         WHERE p.member_id = $1 ORDER BY c.id`,
        [normalized],
      )
    ).rows;
    const lines = (
      await this.query<{ claim: number; lineNumber: number; serviceDate: string; procedure: string; modifiers: string; units: number; active: boolean }>(
        `SELECT claim_row AS claim, line_number AS "lineNumber", service_date AS "serviceDate", procedure, modifiers, units, active
         FROM lines WHERE claim_row = ANY($1::bigint[]) ORDER BY claim_row, seq`,
        [claims.map((claim) => claim.id)],
      )
    ).rows;
    const byClaim = new Map<number, PatientClaim['lines']>();
    for (const { claim, modifiers, ...line } of lines) {
      let list = byClaim.get(claim);
      if (list === undefined) byClaim.set(claim, (list = []));
      list.push({ ...line, modifiers: modifiers === '' ? [] : modifiers.split(',') });
    }
    return claims.map(({ id, ...claim }) => ({ ...claim, lines: byClaim.get(id) ?? [] }));
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private async query<R extends pg.QueryResultRow>(config: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(config as string, values);
    } catch (error) {
      throw new HistoryError('HIST_READ_FAILED', `history database ${this.path}: ${(error as Error).message}`);
    }
  }
}

/** HIST_CONFLICT, with the version keys of the patients another run recorded (never printed: they hold member ids). */
export class HistoryConflict extends HistoryError {
  constructor(
    file: string,
    patients: number,
    readonly keys: readonly string[],
  ) {
    const whom = patients === 0 ? 'some of its patients' : patients === 1 ? '1 of its patients' : `${patients} of its patients`;
    super('HIST_CONFLICT', `${file}: another run recorded claims of ${whom} while this run checked it (nothing recorded; the file is checked again)`);
  }
}

/** A conflict the server reports (a deadlock or serialization failure it broke) counts as HIST_CONFLICT too. */
function conflictOf(error: unknown, file: FileIdentity): HistoryError | undefined {
  if (error instanceof HistoryError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === '40P01' || code === '40001') return new HistoryConflict(file.name, 0, []);
  return new HistoryError('HIST_READ_FAILED', `${file.name}: cannot record it in the history: ${(error as Error).message}`);
}

async function connect(pool: pg.Pool, shown: string): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw new HistoryError('HIST_OPEN_FAILED', `cannot connect to history database ${shown}: ${(error as Error).message || String((error as { code?: unknown }).code)}`);
  }
}

/** The schema version of the database (0: no spinescrub schema). */
async function schemaVersion(pool: pg.Pool, shown: string): Promise<number> {
  const client = await connect(pool, shown);
  try {
    const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_version')::text AS t");
    if (exists.rows[0]?.t == null) return 0;
    return Number((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version')).rows[0]?.v ?? 0);
  } catch (error) {
    throw new HistoryError('HIST_OPEN_FAILED', `cannot read history database ${shown}: ${(error as Error).message}`);
  } finally {
    client.release();
  }
}

function emptyResult(file: FileIdentity, status: RecordResult['status']): RecordResult {
  return { file: file.name, hash: file.hash, status, claims: 0, lines: 0, replaced: 0, voided: 0, awaitingOriginal: 0, lateOriginals: 0, rows: [] };
}

/** Rows gathered by column, inserted BATCH_ROWS at a time as INSERT … SELECT FROM unnest(column arrays). */
class UnnestBatch {
  private readonly columns: unknown[][];

  constructor(
    private readonly client: pg.PoolClient,
    private readonly into: string,
    private readonly types: readonly string[],
  ) {
    this.columns = types.map(() => []);
  }

  add(row: readonly unknown[]): void {
    row.forEach((value, index) => this.columns[index]!.push(value));
  }

  async flush(): Promise<void> {
    const rows = this.columns[0]!.length;
    const parameters = this.types.map((type, index) => `$${index + 1}::${type}[]`).join(', ');
    for (let start = 0; start < rows; start += BATCH_ROWS) {
      await this.client.query(`INSERT INTO ${this.into} SELECT * FROM unnest(${parameters})`, this.columns.map((column) => column.slice(start, start + BATCH_ROWS)));
    }
    for (const column of this.columns) column.length = 0;
  }
}
