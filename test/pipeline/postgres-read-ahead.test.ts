/**
 * A run on a PostgreSQL history reads ahead for the claims a reader has ready in one round trip (prepareMany): the
 * run's outputs are byte for byte those of the same run prepared claim by claim (and those of the same run on SQLite),
 * with far fewer read-ahead statements. The inputs: a generated history, a later file of the same patients (patients
 * met first in the history, met again, and new ones), and a file of replacements and voids of history claims (their
 * look-ups by key find the history's claims). Skipped without a PostgreSQL cluster.
 */
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate837p } from '../../scripts/generate-837p.js';
import { PostgresHistoryStore } from '../../src/history/postgres.js';
import { openHistory } from '../../src/history/sqlite.js';
import { addPriorFile } from '../../src/pipeline/prior.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { readTree } from '../e2e/helpers.js';
import { listOutputTree } from '../support/output-tree.js';
import { createHistoryDatabase, POSTGRES_URL } from '../support/postgres.js';

const HISTORY_RULES = /^(history|session|frequency|rfa\/prior|rfa\/repeat|global|facet\/kx)\//;

let work: string;

async function generate(file: string, options: Parameters<typeof generate837p>[0]): Promise<void> {
  const out = createWriteStream(file);
  await generate837p(options, out);
  out.end();
  await once(out, 'finish');
}

/** The history's claims again: every third a replacement (CLM05-3 7), every seventh a void (8), the others dropped. */
function corrections(history: string): string {
  let claimNumber = 0;
  return history.replace(/(CLM\*[^*~]*\*[^*~]*\*\*\*\d+:B:)1\*/g, (whole: string, head: string) => {
    claimNumber += 1;
    return claimNumber % 7 === 0 ? `${head}8*` : claimNumber % 3 === 0 ? `${head}7*` : whole;
  });
}

/** The output tree of a run (without the run's own bookkeeping). */
function outputs(dir: string): Map<string, string> {
  const tree = readTree(dir);
  return new Map(listOutputTree(dir).map((file) => [file, tree.get(file)?.toString('latin1') ?? '']));
}

async function run(history: string, inputs: string[], outDir: string) {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  return runPipeline({
    inputs, outDir, historyPath: history, record: true, prior: [], failOn: 'never', holdOn: 'error', jobs: 1, fix: true,
    asOf: '2026-11-27', quiet: true, logFormat: 'text', progress: false, stdout: sink, stderr: sink,
  });
}

/** A new PostgreSQL history holding the prior files. */
async function postgresHistory(priors: readonly string[]): Promise<string> {
  const url = await createHistoryDatabase('readahead');
  const store = await PostgresHistoryStore.open(url);
  try {
    for (const prior of priors) await addPriorFile(store, prior, { name: path.basename(prior) });
  } finally {
    await store.close();
  }
  return url;
}

/** What a PostgreSQL history holds of its claims after a run (status, superseder, whether a 7/8 still waits). */
async function recordedClaims(url: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (
      await client.query(
        `SELECT c.id, f.name, c.claim_id, c.frequency, c.status, c.superseded_by, c.awaiting_original, c.patient_id
         FROM claims c JOIN files f ON f.id = c.file_id ORDER BY c.id`,
      )
    ).rows;
  } finally {
    await client.end();
  }
}

/** Counts the read-ahead statements (one-claim and batch) the stores send while `body` runs. */
async function countReads(body: () => Promise<unknown>): Promise<{ one: number; many: number }> {
  const counts = { one: 0, many: 0 };
  const query = pg.Pool.prototype.query;
  const spy = vi.spyOn(pg.Pool.prototype, 'query').mockImplementation(function (this: pg.Pool, ...args: unknown[]) {
    const name = (args[0] as { name?: unknown } | undefined)?.name;
    if (name === 'spinescrub-read-many') counts.many += 1;
    else if (typeof name === 'string' && name.startsWith('spinescrub-read-')) counts.one += 1;
    return (query as (...values: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  try {
    await body();
  } finally {
    spy.mockRestore();
  }
  return counts;
}

describe.skipIf(POSTGRES_URL === null)('reading ahead for many claims at once (PostgreSQL)', () => {
  let priors: string[];
  let inputs: string[];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'spinescrub-readahead-'));
    const historyFile = path.join(work, 'history.837');
    await generate(historyFile, { claims: 600, seed: 7, startDate: '2025-06-02' });
    const later = path.join(work, 'in', 'a-later.837');
    const corrected = path.join(work, 'in', 'b-corrections.837');
    mkdirSync(path.dirname(later), { recursive: true });
    await generate(later, { claims: 900, seed: 7, startDate: '2026-01-05' });
    const text = corrections(readFileSync(historyFile, 'latin1'));
    expect(text.match(/:B:7\*/g)?.length).toBe(172);
    expect(text.match(/:B:8\*/g)?.length).toBe(85);
    writeFileSync(corrected, text, 'latin1');
    // Replacements and voids recorded before their originals (they wait): the run's originals find them by key.
    const early = path.join(work, 'early-corrections.837');
    writeFileSync(early, corrections(readFileSync(later, 'latin1')), 'latin1');
    priors = [historyFile, early];
    inputs = [later, corrected];
  }, 60_000);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('gives the outputs of claim-by-claim reading ahead (and of SQLite) in far fewer round trips', async () => {
    const sqlitePath = path.join(work, 'history.db');
    const sqlite = openHistory(sqlitePath);
    for (const prior of priors) await addPriorFile(sqlite, prior, { name: path.basename(prior) });
    sqlite.close();
    const onSqlite = await run(sqlitePath, inputs, path.join(work, 'out-sqlite'));

    const batchedUrl = await postgresHistory(priors);
    let batched: Awaited<ReturnType<typeof run>> | undefined;
    const batchedReads = await countReads(async () => {
      batched = await run(batchedUrl, inputs, path.join(work, 'out-batched'));
    });

    // Claim by claim: a batch the server fails to read is read ahead claim by claim (the pipeline's fallback).
    const singleUrl = await postgresHistory(priors);
    vi.spyOn(PostgresHistoryStore.prototype, 'prepareMany').mockImplementation(() => Promise.reject(new Error('no batch')));
    let single: Awaited<ReturnType<typeof run>> | undefined;
    const singleReads = await countReads(async () => {
      single = await run(singleUrl, inputs, path.join(work, 'out-single'));
    });

    const claims = batched!.summary!.totals.claims;
    expect(claims).toBe(1500);
    expect(single!.summary!.totals.claims).toBe(claims);
    const historyFindings = (batched!.summary!.rules ?? []).filter((rule) => HISTORY_RULES.test(rule.ruleId)).reduce((sum, rule) => sum + rule.findings, 0);
    expect(historyFindings).toBeGreaterThan(100);

    const expected = outputs(path.join(work, 'out-single'));
    expect(expected.size).toBeGreaterThan(5);
    expect(outputs(path.join(work, 'out-batched'))).toEqual(expected);
    expect(outputs(path.join(work, 'out-sqlite'))).toEqual(expected);
    expect(onSqlite.exitCode).toBe(batched!.exitCode);
    // What the runs recorded: the originals that settled waiting replacements and voids, the history claims the
    // replacements and voids superseded.
    const recorded = await recordedClaims(singleUrl);
    expect(recorded.filter((claim) => (claim as { status: string }).status === 'superseded').length).toBeGreaterThan(300);
    expect(await recordedClaims(batchedUrl)).toEqual(recorded);

    // Claim by claim: one statement a claim. Batched: one a reader's chunk of claims (a claim alone: one-claim).
    expect(singleReads).toEqual({ one: claims, many: 0 });
    expect(batchedReads.many).toBeGreaterThan(0);
    expect(batchedReads.many + batchedReads.one).toBeLessThan(claims / 10);
  }, 120_000);
});
