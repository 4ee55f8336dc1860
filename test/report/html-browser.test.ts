/**
 * report.html as an analyst sees it: opened in headless Debian chromium (playwright-core, no browser download).
 * Checks the totals, the held claims first with their reasons, the charges at risk, the findings by rule and by
 * rendering provider with their charts, that markup in claim data stays text, and that no request leaves the page.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/run.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report.html browser test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does it)`);

const BASIC = readFileSync(new URL('../x12/fixtures/spine-basic.837', import.meta.url), 'latin1');

let work: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];
let report: { summary: { totals: { claims: number; held: number; files: number }; rules: { ruleId: string; findings: number }[] } };

describe.skipIf(!hasChromium)('report.html in headless chromium', () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'spinescrub-html-'));
    mkdirSync(path.join(work, 'in'));
    // A claim id with markup (X12 allows < > in an element): it must show as text, never as an element or a request.
    const hostile = BASIC.replace('CLM*SYNCLM003*', 'CLM*<img src=x onerror=alert(1)>*');
    writeFileSync(path.join(work, 'in', 'hostile.837'), hostile, 'latin1');
    // A file with a wrong SE01: unreadable (exit 3), listed before the held claims.
    writeFileSync(path.join(work, 'in', 'broken.837'), BASIC.replace(/SE\*(\d+)\*0001/, (_whole, count: string) => `SE*${Number(count) + 1}*0001`), 'latin1');
    const outcome = await runPipeline({
      inputs: [path.join(process.cwd(), 'samples'), path.join(work, 'in', 'hostile.837'), path.join(work, 'in', 'broken.837')],
      outDir: path.join(work, 'out'),
      historyPath: null,
      record: false,
      prior: [],
      failOn: 'never',
      holdOn: 'error',
      jobs: 2,
      fix: true,
      asOf: '2026-11-27',
      quiet: true,
      logFormat: 'text',
      progress: false,
      csvMaps: ['samples/maps/tebra-kareo.json', 'samples/maps/combined-code.json'],
    });
    expect(outcome.exitCode).toBe(3);
    report = JSON.parse(readFileSync(path.join(work, 'out', 'exceptions.json'), 'utf8')) as typeof report;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run'],
    });
    const context = await browser.newContext({ offline: true });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(path.join(work, 'out', 'report.html')).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('makes no request beyond the page itself, and runs no script', async () => {
    expect(requests).toEqual([pathToFileURL(path.join(work, 'out', 'report.html')).href]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img, iframe, link, object, embed').count()).toBe(0);
  });

  it('shows the totals of the run', async () => {
    const total = (label: string) => page.locator(`#totals [data-total="${label}"] b`).innerText();
    expect(await total('claims')).toBe(String(report.summary.totals.claims));
    expect(await total('held')).toBe(String(report.summary.totals.held));
    expect(await total('files')).toBe(String(report.summary.totals.files));
    expect(await page.title()).toBe('spinescrub report — 2026-11-27');
  });

  it('lists the held claims before the rule tables, most charges first, each with its reasons', async () => {
    const sections = await page.locator('main > section').evaluateAll((nodes) => nodes.map((node) => node.id));
    expect(sections.indexOf('held')).toBeLessThan(sections.indexOf('by-rule'));
    expect(sections.indexOf('held')).toBeLessThan(sections.indexOf('by-provider'));
    const rows = page.locator('#held tbody tr');
    expect(await rows.count()).toBe(report.summary.totals.held);
    const charges = await page.locator('#held tbody tr td:nth-child(6)').allInnerTexts();
    const cents = charges.map((text) => Number(text.replace(/[$,.]/g, '')));
    expect(cents).toEqual([...cents].sort((a, b) => b - a));
    const b2008 = page.locator('#held tr[data-claim="B2008"]').first();
    expect(await b2008.locator('.reasons').innerText()).toContain('addon/without-primary');
  });

  it('shows the charges at risk', async () => {
    const held = await page.locator('[data-charges="held"]').innerText();
    expect(held).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(held).not.toBe('$0.00');
  });

  it('charts the findings by rule and by rendering provider', async () => {
    const ruleBars = page.locator('#by-rule svg rect');
    expect(await ruleBars.count()).toBe(Math.min(15, report.summary.rules.length));
    expect(await page.locator('#by-rule tbody tr').count()).toBe(report.summary.rules.length);
    const top = report.summary.rules[0]!;
    expect(await page.locator(`#by-rule tr[data-rule="${top.ruleId}"] td:nth-child(2)`).innerText()).toBe(String(top.findings));
    expect(await page.locator('#by-provider svg rect').count()).toBeGreaterThan(0);
    expect(await page.locator('#by-provider tbody tr').first().innerText()).toMatch(/^\d{10}\b/);
  });

  it('puts files that could not be read first, before the held claims', async () => {
    const sections = await page.locator('main > section').evaluateAll((nodes) => nodes.map((node) => node.id));
    expect(sections.slice(0, 3)).toEqual(['totals', 'charges', 'unreadable']);
    expect(await page.locator('#unreadable tbody tr').first().innerText()).toMatch(/broken\.837\s+X12_SE_COUNT\s+/);
  });

  it('shows markup from claim data as text', async () => {
    const cell = page.locator('#held td', { hasText: '<img src=x onerror=alert(1)>' });
    expect(await cell.count()).toBe(1);
  });
});
