/**
 * PostgreSQL for a test file: the cluster the global setup started (postgres-setup.ts), and a database of the
 * file's own, created empty and migrated to the current schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { PostgresHistoryStore } from '../../src/history/postgres.js';

/** URL of the cluster's `postgres` database, or null when the PostgreSQL tests skip. */
export const POSTGRES_URL: string | null = inject('postgresUrl');

/** A new database with the history schema; returns its URL. */
export async function createHistoryDatabase(prefix = 'history', migrate = true): Promise<string> {
  if (POSTGRES_URL === null) throw new Error('no PostgreSQL cluster');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  if (migrate) await PostgresHistoryStore.migrate(url.toString());
  return url.toString();
}

/**
 * Within a describe block: a history database of its own (created before its tests) and `open()` for stores on it,
 * every one closed after its tests. `setUp` runs once the database exists (prior claims, say).
 */
export function historyDatabaseForTests(prefix: string, setUp?: () => Promise<void>): { open(): Promise<PostgresHistoryStore> } {
  let url: string | undefined;
  const stores: PostgresHistoryStore[] = [];
  beforeAll(async () => {
    url = await createHistoryDatabase(prefix);
    await setUp?.();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
  });
  return {
    async open() {
      if (url === undefined) throw new Error('historyDatabaseForTests: open() before the database was created');
      const store = await PostgresHistoryStore.open(url);
      stores.push(store);
      return store;
    },
  };
}
