import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Prints one line when no Chromium is installed (the browser tests then skip).
    globalSetup: ['test/support/browser-setup.ts'],
  },
});
