/**
 * The payer decides the rules: the same 837P file (clinic C's claims, with the history index) sent as Medicare
 * Part B (SBR09 MB), as Medicare Advantage (16) and as commercial (CI) gives Medicare, Medicare Advantage and
 * commercial findings, each row naming the class and profile that judged the claim.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ROOT, runCli } from './helpers.js';

let work: string;
const SAMPLE = readFileSync(path.join(ROOT, 'samples/clinic-c-history.837'), 'latin1');

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-payer-class-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs the sample with every SBR09 set to `indicator`; the findings as `claim line rule severity action class profile`. */
async function findingsAs(indicator: string): Promise<{ rows: string[]; judgedBy: unknown }> {
  const text = SAMPLE.replaceAll('SBR*P*18*******MB~', `SBR*P*18*******${indicator}~`);
  expect(text.split(`*${indicator}~`).length - 1).toBe(18);
  const input = path.join(work, `claims-${indicator}.837`);
  writeFileSync(input, text, 'latin1');
  const out = path.join(work, `out-${indicator}`);
  const result = await runCli(['run', input, '--out', out, '--as-of', '2026-11-27', '--history', path.join(work, `${indicator}.db`), '-q']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const records = parse(readFileSync(path.join(out, 'exceptions.csv')), { columns: true }) as Record<string, string>[];
  const rows = records.map((r) => [r.claimId, r.line, r.ruleId, r.severity, r.action, r.payerClass, r.profile].join(' '));
  const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { judgedBy: unknown } };
  return { rows, judgedBy: report.summary.judgedBy };
}

/** The findings every class shares (NCCI, history, frequency and other limits as warnings). */
const SHARED = (cls: string, profile: string) => [
  `C3005 1 frequency/esi warning flagged ${cls} ${profile}`,
  `C3009 1 rfa/repeat-interval warning flagged ${cls} ${profile}`,
  `C3009 2 rfa/repeat-interval warning flagged ${cls} ${profile}`,
  `C3010 1 rfa/prior-blocks warning flagged ${cls} ${profile}`,
  `C3011 1 global/rfa-followup warning flagged ${cls} ${profile}`,
  `C3013 1 history/duplicate error held ${cls} ${profile}`,
  `C3015 1 addon/without-primary error held ${cls} ${profile}`,
  `C3015 1 session/split warning flagged ${cls} ${profile}`,
  `C3018 1 frequency/esi warning flagged ${cls} ${profile}`,
];
const KX = (cls: string, profile: string) => ['C3016 1', 'C3016 2', 'C3017 1', 'C3017 2'].map((at) => `${at} facet/kx warning flagged ${cls} ${profile}`);
const ABN = ['C3005 1', 'C3009 1', 'C3009 2', 'C3018 1'].map((at) => `${at} coverage/liability-modifier error held MB medicare`);

describe('the same 837P file judged by its payer class', () => {
  it('MB: Medicare findings (GA/GZ demanded beyond a coverage limit, KX for diagnostic blocks)', async () => {
    const { rows, judgedBy } = await findingsAs('MB');
    expect(rows.sort()).toEqual([...SHARED('MB', 'medicare'), ...KX('MB', 'medicare'), ...ABN].sort());
    expect(judgedBy).toEqual([{ profile: 'medicare', payerClass: 'MB', claims: 18, ready: 13, held: 5 }]);
  });

  it('CI: commercial findings (no ABN modifier, no KX; the limits stay warnings)', async () => {
    const { rows, judgedBy } = await findingsAs('CI');
    expect(rows.sort()).toEqual(SHARED('CI', 'commercial').sort());
    expect(judgedBy).toEqual([{ profile: 'commercial', payerClass: 'CI', claims: 18, ready: 16, held: 2 }]);
  });

  it('16: Medicare Advantage keeps Medicare\'s limits and KX, and never asks for GA/GZ/GX', async () => {
    const { rows } = await findingsAs('16');
    expect(rows.sort()).toEqual([...SHARED('16', 'medicare-advantage'), ...KX('16', 'medicare-advantage')].sort());
  });
});
