/**
 * The history backends the behaviour suites run against: SQLite in memory, and PostgreSQL (a database of the test
 * file's own on the test cluster, emptied before each test; skipped when no cluster could be started). A store on
 * PostgreSQL answers only what was read ahead: `ready` reads ahead what a test then asks the view.
 */
import pg from 'pg';
import { afterEach } from 'vitest';
import type { AskingClaim, PatientKey } from '../../src/encounter/history-view.js';
import type { Claim } from '../../src/encounter/model.js';
import { PostgresHistoryStore } from '../../src/history/postgres.js';
import { prepareKeyOf, type FileRecorder } from '../../src/history/run.js';
import { openHistory } from '../../src/history/sqlite.js';
import type { HistoryStore } from '../../src/history/store.js';
import { patientKeyOf } from '../../src/encounter/history-view.js';
import { createHistoryDatabase, POSTGRES_URL } from '../support/postgres.js';

export interface Backend {
  name: string;
  /** A new, empty history. */
  open(): Promise<HistoryStore>;
  /** Why the backend's tests skip (null: they run). */
  skip: string | null;
}

const opened: HistoryStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

let database: Promise<string> | undefined;

export const sqlite: Backend = {
  name: 'SQLite',
  skip: null,
  open: () => {
    const store = openHistory(':memory:');
    opened.push(store);
    return Promise.resolve(store);
  },
};

export const postgres: Backend = {
  name: 'PostgreSQL',
  skip: POSTGRES_URL === null ? 'no PostgreSQL cluster' : null,
  open: async () => {
    database ??= createHistoryDatabase('behaviours');
    const url = await database;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('TRUNCATE lines, claims, patients, patient_versions, files RESTART IDENTITY CASCADE');
    await client.end();
    const store = await PostgresHistoryStore.open(url);
    opened.push(store);
    return store;
  },
};

export const BACKENDS: readonly Backend[] = [sqlite, postgres];

/** Reads ahead what the view will be asked about a patient (and an asking claim's key). */
export async function ready(store: HistoryStore, patient: PatientKey, asking?: AskingClaim | Claim): Promise<void> {
  const key = asking === undefined ? null : prepareKeyOf({ billingNpi: asking.billingNpi, claimId: asking.claimId, payerClaimNumber: asking.payerClaimNumber });
  await store.prepare?.(patient, key);
}

/** Adds a claim to a file of a run, read ahead first (as the pipeline does). */
export async function addClaim(store: HistoryStore, recorder: FileRecorder, claim: Claim, fate: 'ready' | 'held'): Promise<void> {
  await store.prepare?.(patientKeyOf(claim), prepareKeyOf(claim));
  recorder.add(claim, fate);
}
