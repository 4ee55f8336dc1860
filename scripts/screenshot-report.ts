/**
 * docs/report.png: report.html of the README's sample run, in headless Chromium (playwright-core, Debian's
 * chromium or SPINESCRUB_CHROMIUM), the list grouped by first open rule.
 *   npx tsx scripts/screenshot-report.ts [--out docs/report.png]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runPipeline } from '../src/pipeline/run.js';
import { launchChromium } from '../test/support/chromium.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--out');
  const out = path.resolve(at >= 0 && argv[at + 1] ? argv[at + 1]! : path.join(ROOT, 'docs/report.png'));
  const work = mkdtempSync(path.join(tmpdir(), 'spinescrub-shot-'));
  // Inputs named as the README's `npm start` names them.
  process.chdir(ROOT);
  try {
    const run = await runPipeline({
      inputs: ['samples'],
      outDir: path.join(work, 'out'),
      historyPath: path.join(work, 'history.db'),
      record: true,
      prior: [],
      failOn: 'never',
      holdOn: 'error',
      jobs: 1,
      fix: true,
      asOf: '2026-11-27',
      quiet: true,
      logFormat: 'text',
      progress: false,
      csvMaps: ['samples/maps/tebra-kareo.json', 'samples/maps/combined-code.json'],
    });
    if (run.exitCode !== 0) throw new Error(`the sample run exited ${run.exitCode}`);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1500 }, deviceScaleFactor: 1 });
      await page.goto(pathToFileURL(path.join(work, 'out', 'report.html')).href);
      await page.selectOption('#f-group', 'rule');
      await page.screenshot({ path: out });
    } finally {
      await browser.close();
    }
    process.stderr.write(`screenshot-report: ${out}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`screenshot-report: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
