/**
 * The headless browser the report tests drive: Debian's chromium through playwright-core (no browser download).
 * Found at SPINESCRUB_CHROMIUM, else at the usual paths; without one every browser test is skipped, and
 * test/support/browser-setup.ts prints one line saying why and how to enable them.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

function findChromium(): string | null {
  const chosen = process.env.SPINESCRUB_CHROMIUM;
  if (chosen) return existsSync(chosen) ? chosen : null;
  return CANDIDATES.find((candidate) => existsSync(candidate)) ?? null;
}

/** The browser's executable, or null when there is none (browser tests skip). */
export const CHROMIUM: string | null = findChromium();

export const NO_CHROMIUM_MESSAGE =
  `browser tests skipped: no Chromium at ${process.env.SPINESCRUB_CHROMIUM ?? CANDIDATES.join(', ')}. ` +
  'Enable them with `apt-get install chromium` (Debian; .ci/run does it) or SPINESCRUB_CHROMIUM=/path/to/chromium.';

/** Launches the headless browser (call only when CHROMIUM is set: the tests skip otherwise). */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (CHROMIUM === null) throw new Error(NO_CHROMIUM_MESSAGE);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run'],
    ...options,
  });
}
