/** vitest global setup: one line on the console when the browser tests will skip (test/support/chromium.ts). */
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './chromium.js';

export default function setup(): void {
  if (CHROMIUM === null) process.stderr.write(`\n${NO_CHROMIUM_MESSAGE}\n\n`);
}
