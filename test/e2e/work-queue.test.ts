/**
 * The analyst's files, end to end through the CLI: held-claims.csv (one row per held claim, most charges first),
 * the new exceptions.csv/json columns (the line's charge and rendering NPI, the claim's status; `source` names the
 * rule page and public sources), exceptions.json's heldClaims, `--csv-bom`, and standard input named `stdin`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExceptionRow, HeldClaim } from '../../src/report/types.js';
import { cleanClaim, runInProcess, writeInput, x12File } from '../reliability/helpers.js';
import { ROOT, runCli, type CliResult } from './helpers.js';

const MAPS = ['--csv-map', 'samples/maps/tebra-kareo.json', '--csv-map', 'samples/maps/combined-code.json'];
const BOM = '\ufeff';

let work: string;
let plain: CliResult;
let withBom: CliResult;
let report: { findings: ExceptionRow[]; heldClaims: HeldClaim[] };

function runArgs(out: string, extra: string[] = []): string[] {
  return ['run', 'samples', '--out', path.join(work, out), '--as-of', '2026-11-27', '--history', path.join(work, `${out}.db`), '--no-progress', ...MAPS, ...extra];
}

function read(out: string, file: string): string {
  return readFileSync(path.join(work, out, file), 'utf8');
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-queue-'));
  [plain, withBom] = await Promise.all([runCli(runArgs('plain')), runCli(runArgs('bom', ['--csv-bom']))]);
  report = JSON.parse(read('plain', 'exceptions.json')) as typeof report;
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('held-claims.csv', () => {
  it('has one row per held claim, most charges first (ties in input order), with its open rules and one reason', () => {
    expect(plain.code).toBe(0);
    const rows = parse(read('plain', 'held-claims.csv'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['file', 'claimId', 'memberId', 'firstServiceDate', 'lastServiceDate', 'renderingNpi', 'payerId', 'payerName', 'charge', 'ruleIds', 'reason']);
    const summary = (JSON.parse(read('plain', 'exceptions.json')) as { summary: { totals: { held: number }; chargesCents: { held: number } } }).summary;
    expect(rows).toHaveLength(summary.totals.held);
    const cents = rows.map((row) => Math.round(Number(row.charge) * 100));
    expect(cents).toEqual([...cents].sort((a, b) => b - a));
    expect(cents.reduce((sum, value) => sum + value, 0)).toBe(summary.chargesCents.held);
    // Ties keep input order: the same claim in the 837, its CSV twin and the combined-code export, as named.
    const b2008 = rows.filter((row) => row.claimId === 'B2008').slice(0, 2);
    expect(rows.filter((row) => row.claimId === 'B2008').map((row) => row.file)).toEqual([
      'samples/clinic-b-errors.837',
      'samples/clinic-b-errors.csv',
      'samples/combined-code-export.csv',
    ]);
    expect(b2008).toEqual([
      {
        file: 'samples/clinic-b-errors.837', claimId: 'B2008', memberId: '9SY00000123', firstServiceDate: '2026-03-09', lastServiceDate: '2026-03-09',
        renderingNpi: '1910000219', payerId: 'SYNMCR01', payerName: 'MEDICARE PART B', charge: '290.00', ruleIds: 'addon/without-primary',
        reason: 'line 1 (64484): Add the primary 64483 if it was done in this session, or remove add-on 64484-RT if it was billed in error: an add-on is reported only with its primary in the same session',
      },
      { ...b2008[0], file: 'samples/clinic-b-errors.csv' },
    ]);
    // Every held claim has a finding that holds it, and its rules are those of its open findings.
    for (const row of rows) {
      const open = report.findings.filter((finding) => finding.file === row.file && finding.claimId === row.claimId && finding.action !== 'corrected');
      expect(open.some((finding) => finding.action === 'held'), row.claimId).toBe(true);
      expect(new Set(row.ruleIds!.split(' ')), row.claimId).toEqual(new Set(open.map((finding) => finding.ruleId)));
    }
  });

  it('is exceptions.json heldClaims, row for row', () => {
    const rows = parse(read('plain', 'held-claims.csv'), { columns: true }) as Record<string, string>[];
    expect(report.heldClaims.map((claim) => ({ ...claim, chargeCents: (claim.chargeCents / 100).toFixed(2), ruleIds: claim.ruleIds.join(' ') }))).toEqual(
      rows.map(({ charge, ...row }) => ({ ...row, chargeCents: charge })),
    );
  });

  it('gives a claim over several dates of service as first and last date', async () => {
    const claim = cleanClaim('SPAN0001');
    claim.lines[1]!.date = '20261105'; // the add-on's date has no primary: held
    const file = writeInput(path.join(work, 'span-in'), 'span.837', x12File([claim]));
    const run = await runInProcess([file], path.join(work, 'span-out'));
    expect(run.exitCode).toBe(0);
    const [row] = parse(readFileSync(path.join(run.outDir, 'held-claims.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({ claimId: 'SPAN0001', firstServiceDate: '2026-11-02', lastServiceDate: '2026-11-05', renderingNpi: '1999999992', charge: '1150.50' });
  });
});

describe('exceptions.csv and exceptions.json', () => {
  it('give each finding its line charge, rendering NPI and the claim\'s status', () => {
    const rows = parse(read('plain', 'exceptions.csv'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'file', 'claimId', 'memberId', 'serviceDate', 'line', 'procedure', 'charge', 'renderingNpi', 'ruleId', 'severity', 'action', 'status', 'message',
      'before', 'after', 'source', 'location', 'payerClass', 'profile',
    ]);
    const held = new Set(report.heldClaims.map((claim) => `${claim.file}|${claim.claimId}`));
    rows.forEach((row, index) => {
      const finding = report.findings[index]!;
      expect(row.status).toBe(held.has(`${row.file}|${row.claimId}`) ? 'held' : 'ready');
      expect(finding.status).toBe(row.status);
      expect(row.charge).toBe(finding.chargeCents === null ? '' : (finding.chargeCents / 100).toFixed(2));
      expect(row.renderingNpi).toBe(finding.renderingNpi ?? '');
      expect(row.line === '').toBe(finding.chargeCents === null);
    });
    const b2008 = rows.find((row) => row.file === 'samples/clinic-b-errors.837' && row.claimId === 'B2008')!;
    expect(b2008).toMatchObject({ line: '1', procedure: '64484', charge: '290.00', renderingNpi: '1910000219', action: 'held', status: 'held' });
  });

  it('name the rule page and its public sources, never the project\'s internal notes', () => {
    const rows = parse(read('plain', 'exceptions.csv'), { columns: true }) as Record<string, string>[];
    for (const row of rows) {
      if (row.ruleId!.includes('/')) expect(row.source!.startsWith(`docs/rules/${row.ruleId}.md; `), row.ruleId).toBe(true);
      expect(row.source).not.toMatch(/domain-rules|cms-indicators|rules\.md|\[S\d+\]|SP-\d/);
    }
  });

  it('exceptions.json validates against its schema, held claims included', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/exceptions.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(JSON.parse(read('plain', 'exceptions.json'))), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('--csv-bom', () => {
  it('starts both CSV files with a UTF-8 byte order mark, and changes nothing else', () => {
    expect(withBom.code).toBe(0);
    for (const file of ['exceptions.csv', 'held-claims.csv']) {
      expect(read('plain', file).startsWith(BOM)).toBe(false);
      expect(readFileSync(path.join(work, 'bom', file)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(read('bom', file)).toBe(`${BOM}${read('plain', file)}`);
    }
    expect(read('bom', 'exceptions.json')).toBe(read('plain', 'exceptions.json'));
  });
});

describe('standard input', () => {
  it('is named stdin in exceptions.csv, exceptions.json and held-claims.csv', async () => {
    const out = path.join(work, 'stdin');
    const result = await runCli(['run', '-', '--out', out, '--as-of', '2026-11-27', '--no-record', '--history', path.join(work, 'stdin.db'), '--no-progress'], {
      input: readFileSync(path.join(ROOT, 'samples/clinic-b-errors.837')),
    });
    expect(result.code).toBe(0);
    const rows = parse(readFileSync(path.join(out, 'exceptions.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(new Set(rows.map((row) => row.file))).toEqual(new Set(['stdin']));
    const held = parse(readFileSync(path.join(out, 'held-claims.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(new Set(held.map((row) => row.file))).toEqual(new Set(['stdin']));
    const json = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { files: { file: string }[] } };
    expect(json.summary.files.map((file) => file.file)).toEqual(['stdin']);
  });
});
