/**
 * report.html as an analyst works from it, in headless Chromium (test/support/chromium.ts; skipped without one).
 * A run of the samples, a generated 837P with more than 1,000 held claims, a claim id with markup and a broken file:
 * every held claim is on the page (and with scripting off too), the filters by rule, provider, payer and file,
 * the sorts, the grouping and the pages work, severities are text badges, each finding has its next step and rule
 * page, the money per rule adds up, no request leaves the page and the CSP lets only the page's script run. A
 * smaller run checks the printed page count.
 */
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate837p } from '../../scripts/generate-837p.js';
import { formatDollars } from '../../src/encounter/money.js';
import { runPipeline, type RunOptions } from '../../src/pipeline/run.js';
import type { ExceptionRow, HeldClaim, RunSummary } from '../../src/report/types.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';

const BASIC = readFileSync(new URL('../x12/fixtures/spine-basic.837', import.meta.url), 'latin1');
const ROOT = path.resolve(import.meta.dirname, '../..');

interface Report {
  summary: RunSummary;
  findings: ExceptionRow[];
  heldClaims: HeldClaim[];
}

let work: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let reportUrl: string;
const requests: string[] = [];
const consoleErrors: string[] = [];
let report: Report;

async function generate(file: string, claims: number, seed: number): Promise<void> {
  const out = createWriteStream(file);
  await generate837p({ claims, seed }, out);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** A run with an empty history (read only): the history rules hold about a quarter of the generated claims. */
function runOptions(inputs: string[], outDir: string): RunOptions {
  return {
    inputs,
    outDir,
    historyPath: path.join(path.dirname(outDir), 'history.db'),
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
  };
}

/** The held claims the page shows now (visible rows), as `file|claimId` keys. */
function visibleKeys(): Promise<string[]> {
  return page.locator('#claims-body tr.claim:visible').evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-file')}|${row.getAttribute('data-claim')}`));
}

function visibleAttr(name: string): Promise<string[]> {
  return page.locator('#claims-body tr.claim:visible').evaluateAll((rows, attr) => rows.map((row) => row.getAttribute(attr) ?? ''), name);
}

const key = (claim: { file: string; claimId: string }): string => `${claim.file}|${claim.claimId}`;

async function reset(): Promise<void> {
  await page.click('#reset');
}

describe.skipIf(CHROMIUM === null)('report.html in headless Chromium', () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'spinescrub-html-'));
    mkdirSync(path.join(work, 'in'));
    // A claim id with markup (X12 allows < > in an element): it must show as text, never as an element or a request.
    writeFileSync(path.join(work, 'in', 'hostile.837'), BASIC.replace('CLM*SYNCLM003*', 'CLM*<img src=x onerror=alert(1)>*'), 'latin1');
    // A file with a wrong SE01: unreadable (exit 3), listed before the held claims.
    writeFileSync(path.join(work, 'in', 'broken.837'), BASIC.replace(/SE\*(\d+)\*0001/, (_whole, count: string) => `SE*${Number(count) + 1}*0001`), 'latin1');
    await generate(path.join(work, 'in', 'backlog.837'), 4600, 11);
    const outcome = await runPipeline(runOptions([path.join(ROOT, 'samples'), path.join(work, 'in')], path.join(work, 'out')));
    expect(outcome.exitCode).toBe(3);
    report = JSON.parse(readFileSync(path.join(work, 'out', 'exceptions.json'), 'utf8')) as Report;
    expect(report.summary.totals.held).toBeGreaterThan(1000);
    browser = await launchChromium();
    context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    reportUrl = pathToFileURL(path.join(work, 'out', 'report.html')).href;
    await page.goto(reportUrl);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('makes no request beyond the page, and only its own script runs (no CSP violation, no error)', async () => {
    expect(requests).toEqual([reportUrl]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img, iframe, link, object, embed').count()).toBe(0);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toMatch(
      /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:; base-uri 'none'; form-action 'none'$/,
    );
    // The script ran: it showed the controls and paged the list.
    expect(await page.locator('#controls').isVisible()).toBe(true);
  });

  it('shows the totals and charges of the run', async () => {
    const total = (label: string) => page.locator(`#totals [data-total="${label}"] b`).innerText();
    expect(await total('claims')).toBe(String(report.summary.totals.claims));
    expect(await total('held')).toBe(String(report.summary.totals.held));
    expect(await total('files')).toBe(String(report.summary.totals.files));
    expect(await page.title()).toBe('spinescrub report — 2026-11-27');
    expect(await page.locator('[data-charges="held"]').innerText()).toBe(formatDollars(report.summary.chargesCents.held));
    expect(await page.locator('[data-charges="flagged"]').innerText()).toBe(formatDollars(report.summary.chargesCents.flagged));
  });

  it('holds every held claim, in the order of held-claims.csv and exceptions.json (most charges first)', async () => {
    const onPage = await page.locator('#claims-body tr.claim').evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-file')}|${row.getAttribute('data-claim')}`));
    const csv = parse(readFileSync(path.join(work, 'out', 'held-claims.csv'), 'utf8'), { columns: true }) as { file: string; claimId: string; charge: string }[];
    expect(onPage).toHaveLength(report.summary.totals.held);
    expect(onPage).toEqual(report.heldClaims.map(key));
    expect(csv.map(key)).toEqual(report.heldClaims.map(key));
    const cents = report.heldClaims.map((claim) => claim.chargeCents);
    expect(cents).toEqual([...cents].sort((a, b) => b - a));
    expect(await page.locator('#held-limit').innerText()).toContain(`All ${report.summary.totals.held.toLocaleString('en-US')} held claims are listed (a page lists at most 5,000`);
  });

  it('pages the list: 100 claims a page, in rank order', async () => {
    const held = report.heldClaims.map(key);
    const pages = Math.ceil(held.length / 100);
    expect(await page.locator('#status').innerText()).toBe(
      `Showing 1–100 of ${held.length} held claims (${formatDollars(report.summary.chargesCents.held)}), page 1 of ${pages}.`,
    );
    expect(await visibleKeys()).toEqual(held.slice(0, 100));
    await page.click('#next');
    expect(await visibleKeys()).toEqual(held.slice(100, 200));
    expect(await page.locator('#status').innerText()).toMatch(/^Showing 101–200 of \d+ held claims/);
    await page.click('#prev');
    expect(await visibleKeys()).toEqual(held.slice(0, 100));
  });

  it('filters by rule, rendering provider, payer and file, alone and together', async () => {
    const openRules = (claim: HeldClaim) => claim.ruleIds;
    const rule = 'mue/units';
    const byRule = report.heldClaims.filter((claim) => openRules(claim).includes(rule));
    expect(byRule.length).toBeGreaterThan(0);
    await page.selectOption('#f-rule', rule);
    expect(await visibleKeys()).toEqual(byRule.slice(0, 100).map(key));
    expect(await page.locator('#status').innerText()).toMatch(new RegExp(`of ${byRule.length} held claims \\(${formatDollars(byRule.reduce((sum, claim) => sum + claim.chargeCents, 0)).replace(/[$.]/g, '\\$&')}\\)`));

    const npi = report.heldClaims[0]!.renderingNpi!;
    await reset();
    await page.selectOption('#f-provider', npi);
    const byProvider = report.heldClaims.filter((claim) => claim.renderingNpi === npi);
    expect(await visibleKeys()).toEqual(byProvider.slice(0, 100).map(key));
    expect(await page.locator('#status').innerText()).toContain(`of ${byProvider.length} held claims`);

    const payers = [...new Set(report.heldClaims.map((claim) => claim.payerId))];
    expect(payers.length).toBeGreaterThan(1);
    await page.selectOption('#f-payer', payers[1]!);
    const both = byProvider.filter((claim) => claim.payerId === payers[1]);
    expect(await visibleKeys()).toEqual(both.slice(0, 100).map(key));

    await reset();
    const sample = report.heldClaims.find((claim) => claim.file.endsWith('clinic-b-errors.837'))!.file;
    await page.selectOption('#f-file', sample);
    expect(await visibleKeys()).toEqual(report.heldClaims.filter((claim) => claim.file === sample).map(key));

    await reset();
    await page.fill('#f-search', report.heldClaims[5]!.memberId!);
    expect(await visibleKeys()).toContain(key(report.heldClaims[5]!));
    await reset();
    expect(await visibleKeys()).toEqual(report.heldClaims.slice(0, 100).map(key));
  });

  it('offers each filter value once, with its count of held claims', async () => {
    const options = await page.locator('#f-rule option').allInnerTexts();
    const counts = new Map<string, number>();
    for (const claim of report.heldClaims) for (const id of claim.ruleIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(options).toEqual(['all rules', ...[...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, count]) => `${id} (${count})`)]);
    const files = await page.locator('#f-file option').evaluateAll((nodes) => nodes.map((node) => (node as { value: string }).value));
    expect(files.slice(1)).toEqual([...new Set(report.heldClaims.map((claim) => claim.file))].sort());
  });

  it('sorts by charges and by date of service', async () => {
    await page.selectOption('#f-sort', 'charges-asc');
    const ascending = [...report.heldClaims].sort((a, b) => a.chargeCents - b.chargeCents || report.heldClaims.indexOf(a) - report.heldClaims.indexOf(b));
    expect(await visibleKeys()).toEqual(ascending.slice(0, 100).map(key));
    await page.selectOption('#f-sort', 'date-asc');
    const dates = await visibleAttr('data-date');
    expect(dates).toEqual([...dates].sort());
    const earliest = report.heldClaims.map((claim) => claim.firstServiceDate ?? '').sort()[0];
    expect(dates[0]).toBe(earliest);
    await page.selectOption('#f-sort', 'date-desc');
    const newest = await visibleAttr('data-date');
    expect(newest).toEqual([...newest].sort().reverse());
    await reset();
  });

  it('groups by payer: a heading per group with its claims and charges, groups by held charges', async () => {
    await page.selectOption('#f-group', 'payer');
    const groups = new Map<string, { n: number; cents: number }>();
    for (const claim of report.heldClaims) {
      const group = groups.get(claim.payerId!) ?? { n: 0, cents: 0 };
      group.n += 1;
      group.cents += claim.chargeCents;
      groups.set(claim.payerId!, group);
    }
    const top = [...groups].sort((a, b) => b[1].cents - a[1].cents)[0]!;
    const headings = await page.locator('#claims-body tr.group:visible').allInnerTexts();
    expect(headings[0]).toBe(`payer ${top[0]}: ${top[1].n} held claims, ${formatDollars(top[1].cents)}`);
    expect(new Set(await visibleAttr('data-payer'))).toEqual(new Set([top[0]]));
    await page.selectOption('#f-group', 'rule');
    expect(await page.locator('#claims-body tr.group:visible').first().innerText()).toMatch(/^first open rule \S+: \d+ held claims?, \$/);
    await reset();
    expect(await page.locator('#claims-body tr.group').count()).toBe(0);
  });

  it('shows each finding with a text severity badge, its next step and a link to its rule page', async () => {
    const first = page.locator('#claims-body tr.claim').first();
    const badges = await page.locator('#claims-body .badge').allInnerTexts();
    expect(new Set(badges)).toEqual(new Set(['ERROR', 'WARNING', 'INFO'].filter((label) => badges.includes(label))));
    expect(badges).toContain('ERROR');
    const items = first.locator('ol.findings li');
    const count = await items.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const item = items.nth(i);
      const rule = (await item.getAttribute('data-rule'))!;
      expect(await item.locator('.next').innerText()).toMatch(/^Next: \S/);
      if (rule.includes('/')) expect(await item.locator('a').getAttribute('href')).toBe(`docs/rules/${rule}.md`);
    }
  });

  it('gives the money per rule, matching the held claims and their findings', async () => {
    const heldBy = new Map<string, Set<string>>();
    for (const finding of report.findings) {
      if (finding.action !== 'held') continue;
      const set = heldBy.get(finding.ruleId) ?? new Set<string>();
      set.add(`${finding.file}|${finding.claimId}`);
      heldBy.set(finding.ruleId, set);
    }
    const charges = new Map(report.heldClaims.map((claim) => [key(claim), claim.chargeCents]));
    for (const rule of report.summary.rules.filter((entry) => entry.heldClaims > 0).slice(0, 8)) {
      const claims = heldBy.get(rule.ruleId)!;
      expect(rule.heldClaims, rule.ruleId).toBe(claims.size);
      expect(rule.heldChargeCents, rule.ruleId).toBe([...claims].reduce((sum, claim) => sum + charges.get(claim)!, 0));
      const row = page.locator(`#by-rule tr[data-rule="${rule.ruleId}"]`);
      expect(await row.locator('[data-money="held"]').innerText()).toBe(formatDollars(rule.heldChargeCents));
      expect(await row.locator('[data-money="flagged"]').innerText()).toBe(formatDollars(rule.flaggedChargeCents));
    }
  });

  it('sets a filter from the tables below the list', async () => {
    const rule = report.summary.rules.find((entry) => entry.heldClaims > 0)!;
    await page.click(`#by-rule tr[data-rule="${rule.ruleId}"] button[data-filter="rule"]`);
    expect(await page.locator('#f-rule').inputValue()).toBe(rule.ruleId);
    expect(await page.locator('#status').innerText()).toContain(`of ${rule.heldClaims} held claims`);
    await reset();
  });

  it('charts the findings by rule and by rendering provider', async () => {
    expect(await page.locator('#by-rule svg rect').count()).toBe(Math.min(15, report.summary.rules.length));
    expect(await page.locator('#by-rule tbody tr').count()).toBe(report.summary.rules.length);
    const top = report.summary.rules[0]!;
    expect(await page.locator(`#by-rule tr[data-rule="${top.ruleId}"] td:nth-child(2)`).innerText()).toBe(String(top.findings));
    expect(await page.locator('#by-provider svg rect').count()).toBeGreaterThan(0);
    expect(await page.locator('#by-payer tbody tr').count()).toBe(new Set(report.heldClaims.map((claim) => claim.payerId)).size);
  });

  it('puts files that could not be read first, and shows markup from claim data as text', async () => {
    const sections = await page.locator('main > section').evaluateAll((nodes) => nodes.map((node) => node.id));
    expect(sections.slice(0, 4)).toEqual(['totals', 'charges', 'unreadable', 'held']);
    expect(await page.locator('#unreadable tbody tr').first().innerText()).toMatch(/broken\.837\s+X12_SE_COUNT\s+/);
    expect(await page.locator('#claims-body td', { hasText: '<img src=x onerror=alert(1)>' }).count()).toBe(1);
  });

  it('with scripting off, shows every held claim and hides the controls', async () => {
    const plain = await browser.newContext({ offline: true, javaScriptEnabled: false });
    try {
      const noScript = await plain.newPage();
      await noScript.goto(reportUrl);
      // In chunks of 100 rows, each laid out when it comes on screen: all there, none hidden.
      const rows = noScript.locator('#claims-list tr.claim');
      expect(await rows.evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('data-file')}|${node.getAttribute('data-claim')}`))).toEqual(report.heldClaims.map(key));
      expect(await noScript.locator('#claims-list .chunk').count()).toBe(Math.ceil(report.summary.totals.held / 100));
      expect(await rows.evaluateAll((nodes) => nodes.filter((node) => node.checkVisibility()).length)).toBe(report.summary.totals.held);
      expect(await noScript.locator('#controls').isVisible()).toBe(false);
      expect(await noScript.locator('#pager').isVisible()).toBe(false);
      expect(await noScript.locator('button[data-filter]:visible').count()).toBe(0);
    } finally {
      await plain.close();
    }
  });
});

describe.skipIf(CHROMIUM === null)('report.html in print', () => {
  it('prints a run of about 150 held claims on a few pages: compact rows, reasons wrap', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spinescrub-print-'));
    const printer = await launchChromium();
    try {
      await generate(path.join(dir, 'small.837'), 560, 5);
      const outcome = await runPipeline(runOptions([path.join(dir, 'small.837')], path.join(dir, 'out')));
      expect(outcome.exitCode).toBe(0);
      const held = outcome.summary!.totals.held;
      expect(held).toBeGreaterThan(100);
      expect(held).toBeLessThan(170);
      const page = await printer.newPage();
      await page.goto(pathToFileURL(path.join(dir, 'out', 'report.html')).href);
      // As a browser's print dialog does: the page's @page size (letter, landscape) and margins.
      const pdf = await page.pdf({ format: 'Letter', preferCSSPageSize: true });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      // Every held claim prints (the page size of the screen list does not apply), and nothing runs off the page.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#claims-body tr.claim:visible').count()).toBe(held);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      expect(pages).toBeGreaterThan(1);
      expect(pages).toBeLessThanOrEqual(7);
    } finally {
      await printer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
