/**
 * The PostgreSQL history's schema (the test cluster; skipped without one): `history migrate` creates it, two at once
 * wait for each other, a run refuses a database without it or with a newer one, and a wrong address is one line.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresHistoryStore } from '../../src/history/postgres.js';
import { PG_SCHEMA_VERSION } from '../../src/history/postgres-schema.js';
import { createHistoryDatabase, POSTGRES_URL } from '../support/postgres.js';

describe.skipIf(POSTGRES_URL === null)('the PostgreSQL history schema', () => {
  it('is created by migrate (two at once: one creates, the other finds it done), and a run refuses it before', async () => {
    const url = await createHistoryDatabase('schema', false);
    await expect(PostgresHistoryStore.open(url)).rejects.toMatchObject({
      code: 'HIST_SCHEMA_OLD',
      message: `history database ${url} has no spinescrub schema: run \`spinescrub history migrate --history ${url}\` first`,
    });
    const results = await Promise.all([PostgresHistoryStore.migrate(url), PostgresHistoryStore.migrate(url)]);
    expect(results.map((result) => `${result.from}→${result.to}`).sort()).toEqual([`0→${PG_SCHEMA_VERSION}`, `${PG_SCHEMA_VERSION}→${PG_SCHEMA_VERSION}`]);
    const store = await PostgresHistoryStore.open(url);
    expect(await store.stats()).toMatchObject({ schemaVersion: PG_SCHEMA_VERSION, files: 0, claims: 0, path: url });
    await store.close();
  });

  it('refuses a database migrated by a newer spinescrub, and names an unreachable one without its password', async () => {
    const url = await createHistoryDatabase('newer');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('INSERT INTO schema_version (version) VALUES ($1)', [PG_SCHEMA_VERSION + 1]);
    await client.end();
    await expect(PostgresHistoryStore.open(url)).rejects.toMatchObject({
      code: 'HIST_SCHEMA_NEWER',
      message: `history database ${url} has schema version ${PG_SCHEMA_VERSION + 1}, newer than this spinescrub understands (${PG_SCHEMA_VERSION})`,
    });
    const missing = new URL(url);
    missing.password = 's3cret';
    missing.pathname = '/no_such_database';
    await expect(PostgresHistoryStore.open(missing.toString())).rejects.toMatchObject({
      code: 'HIST_OPEN_FAILED',
      message: expect.stringMatching(/^cannot connect to history database postgres:\/\/[^:/]+:\*\*\*@[^/]+\/no_such_database: database "no_such_database" does not exist$/),
    });
  });
});
