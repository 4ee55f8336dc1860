import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each prints one line when what it needs is missing (no Chromium: the browser tests skip; no PostgreSQL: the
    // PostgreSQL tests skip). The second starts a throw-away PostgreSQL cluster for the run.
    globalSetup: ['test/support/browser-setup.ts', 'test/support/postgres-setup.ts'],
  },
});
