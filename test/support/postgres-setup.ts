/**
 * vitest global setup: one throw-away PostgreSQL cluster for the whole test run (test/support/postgres-cluster.ts),
 * its URL provided to the test files (test/support/postgres.ts); when none can be started, one line says why and
 * the PostgreSQL tests skip.
 */
import type { TestProject } from 'vitest/node';
import { startCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test cluster's `postgres` database, or null (PostgreSQL tests skip). */
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster();
  if ('skipped' in cluster) {
    process.stderr.write(`\nPostgreSQL tests skipped: ${cluster.skipped}. Enable them with \`apt-get install postgresql\` (Debian; .ci/run does it) or SPINESCRUB_TEST_PG_URL=postgres://….\n\n`);
    project.provide('postgresUrl', null);
    return () => undefined;
  }
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
