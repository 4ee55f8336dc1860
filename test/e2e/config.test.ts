/**
 * The ESLint-style conventions, end to end through the CLI: the config file (found upward, --config, --no-config,
 * package.json), --print-config, init, --input-format and the deprecated --format, history add with directories
 * and repeated --csv-map, and a CSV that fits no column map.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblems } from '../../src/cli/config.js';
import { listTree, ROOT, runCli } from './helpers.js';

let work: string;
const SAMPLE_B = path.join(ROOT, 'samples/clinic-b-errors.837');

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-config-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function project(name: string, files: Record<string, unknown>): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

interface Printed {
  configFile: string | null;
  options: Record<string, unknown>;
  policy: { name: string; origin: string; limits: Record<string, number> };
  reference: { table: string; version: string }[];
}

async function printConfig(cwd: string, ...args: string[]): Promise<Printed> {
  const result = await runCli(['run', '--print-config', ...args], { cwd });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Printed;
}

describe('the config file', () => {
  it('is found from the working directory upward; paths resolve against its folder; the command line wins', async () => {
    const dir = project('upward', {
      'spinescrub.config.json': { out: 'out', history: false, failOn: 'error', asOf: '2026-11-27', progress: false, quiet: true },
    });
    const cwd = path.join(dir, 'sub', 'deeper');
    const failing = await runCli(['run', SAMPLE_B], { cwd });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/^\S+Z spinescrub: error: 11 claims held with open errors \(--fail-on error\)\n$/);
    expect(listTree(path.join(dir, 'out'))).toContain('held/clinic-b-errors.837');
    expect(existsSync(path.join(cwd, 'out'))).toBe(false);
    const overridden = await runCli(['run', SAMPLE_B, '--fail-on', 'never'], { cwd });
    expect(overridden.code, overridden.stderr).toBe(0);
  });

  it('a postgres:// history is a URL, not a path, and --print-config hides its password', async () => {
    const dir = project('shared-history', { 'spinescrub.config.json': { history: 'postgres://scrub:s3cret@db.internal:5432/history?sslmode=require' } });
    expect((await printConfig(dir)).options.history).toBe('postgres://scrub:***@db.internal:5432/history?sslmode=require');
    expect((await printConfig(dir, '--history', 'postgresql://db.internal/history')).options.history).toBe('postgresql://db.internal/history');
  });

  it('--print-config: the resolved options, the policy and the reference versions, as JSON', async () => {
    const dir = project('printed', {
      '.spinescrubrc.json': { history: 'state/history.db', csvMap: 'maps/a.json', policy: 'guide', jobs: 3, threads: 3, maxWarnings: 10, logFormat: 'json', umask: '022' },
    });
    const printed = await printConfig(path.join(dir, 'sub'), '--jobs', '1', '--out', 'here');
    expect(printed.configFile).toBe(path.join(dir, '.spinescrubrc.json'));
    expect(printed.options).toEqual({
      inputs: [],
      out: 'here',
      inputFormat: null,
      policy: 'guide',
      history: path.join(dir, 'state/history.db'),
      record: true,
      prior: [],
      failOn: 'never',
      holdOn: 'error',
      maxWarnings: 10,
      jobs: 1,
      threads: 3,
      fix: true,
      asOf: new Date().toISOString().slice(0, 10),
      quiet: false,
      logFormat: 'json',
      progress: true,
      csvMap: [path.join(dir, 'maps/a.json')],
      maxHeap: 128,
      wait: 0,
      csvBom: false,
      umask: '022',
      reference: null,
    });
    expect(printed.policy).toMatchObject({ name: 'guide', origin: 'guide' });
    expect(printed.reference.length).toBeGreaterThan(0);
    expect(printed.reference.every((table) => typeof table.version === 'string')).toBe(true);
  });

  it('a "spinescrub" key in package.json; --config FILE names one; --no-config ignores them', async () => {
    const dir = project('package', {
      'package.json': { name: 'clinic-scripts', private: true, spinescrub: { policy: 'guide', holdOn: 'warning' } },
      'ci.json': { policy: 'policies/strict.json', failOn: 'warning' },
    });
    const fromPackage = await printConfig(dir);
    expect(fromPackage.configFile).toBe(path.join(dir, 'package.json'));
    expect(fromPackage.options).toMatchObject({ policy: 'guide', holdOn: 'warning' });

    mkdirSync(path.join(dir, 'policies'));
    writeFileSync(path.join(dir, 'policies/strict.json'), JSON.stringify({ name: 'strict', limits: { facetLevelsPerSession: 1 } }));
    const named = await printConfig(path.join(dir, 'sub'), '--config', '../ci.json');
    expect(named.configFile).toBe(path.join(dir, 'ci.json'));
    expect(named.options).toMatchObject({ policy: path.join(dir, 'policies/strict.json'), failOn: 'warning', holdOn: 'error' });
    expect(named.policy).toMatchObject({ name: 'strict', limits: { facetLevelsPerSession: 1 } });

    const none = await printConfig(dir, '--no-config');
    expect(none.configFile).toBeNull();
    expect(none.options).toMatchObject({ policy: 'medicare', holdOn: 'error' });
  });

  it('reports every problem of a config file at once with readable paths (exit 2)', async () => {
    const dir = project('broken', { 'spinescrub.config.json': { failOn: 'sometimes', jobs: 0, polcy: 'guide', history: 3 } });
    const result = await runCli(['run', SAMPLE_B, '--out', 'x'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `spinescrub: CFG_CONFIG_INVALID: ${path.join(dir, 'spinescrub.config.json')}: /polcy: unknown property (did you mean policy?); /history: must be a string or false; /failOn: must be one of "error", "warning", "never"; /jobs: must be >= 1 (schemas/config.schema.json)\n`,
    );
    const missing = await runCli(['run', SAMPLE_B, '--out', 'x', '--config', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('spinescrub: CFG_CONFIG_NOT_FOUND: nope.json: no such file (--config)\n');
    const notJson = project('not-json', { '.spinescrubrc.json': '{ "failOn": ' });
    const broken = await runCli(['rules'], { cwd: notJson });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^spinescrub: CFG_CONFIG_JSON: ${path.join(notJson, '.spinescrubrc.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(`));
  });
});

describe('spinescrub init', () => {
  it('writes a starter spinescrub.config.json that validates and is picked up; refuses to overwrite without --force', async () => {
    const dir = project('init', {});
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^wrote spinescrub\.config\.json: /);
    const file = path.join(dir, 'spinescrub.config.json');
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({
      $schema: path.relative(dir, path.join(ROOT, 'schemas/config.schema.json')),
      policy: 'medicare',
      history: 'spinescrub-history.db',
      record: true,
      failOn: 'never',
      holdOn: 'error',
      csvMap: [],
      logFormat: 'text',
    });
    expect(existsSync(path.resolve(dir, written.$schema as string))).toBe(true);
    expect(configProblems(written)).toEqual([]);

    const printed = await printConfig(path.join(dir, 'sub'));
    expect(printed.configFile).toBe(file);
    expect(printed.options.history).toBe(path.join(dir, 'spinescrub-history.db'));

    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('spinescrub: spinescrub.config.json already exists here: keep it, or overwrite it with --force\n');
    writeFileSync(file, '{}');
    expect((await runCli(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(written);
  });
});

describe('input options', () => {
  it('--input-format reads every input as that format; --format still works, with a deprecation notice', async () => {
    const out = path.join(work, 'formats');
    const modern = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', '--input-format', 'x12', '-q', '--as-of', '2026-11-27']);
    expect(modern.code, modern.stderr).toBe(0);
    expect(modern.stderr).toBe('');
    const old = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', '--format', 'x12', '-q', '--as-of', '2026-11-27']);
    expect(old.code).toBe(0);
    expect(old.stderr).toBe('spinescrub: warning: --format is deprecated and goes in the next release: use --input-format\n');
  });

  it('a CSV whose header fits no map: the missing columns in one line, and --csv-map suggested', async () => {
    const file = path.join(work, 'odd.csv');
    writeFileSync(file, 'Encounter,Patient,When\nA1,X,2026-01-01\n');
    const result = await runCli(['run', file, '--out', path.join(work, 'odd'), '--no-history', '-q']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^\S+Z spinescrub: error: .*odd\.csv line 1: missing required columns "claim_id"; "dos"; "cpt" or "code"; "units"; "charge" or "unit_charge"; "dx_codes" or "dx1"; "dx_pointers" or "ptr1"; "member_id" or "patient_last" \+ "patient_first" \+ "patient_dob": the header fits no column map \(an export with other headers needs one: --csv-map FILE, schemas\/csv-map\.schema\.json\)\n$/,
    );
  });
});

describe('history add', () => {
  it('accepts directories and repeated --csv-map (each CSV file with the first map its header fits)', async () => {
    const dir = path.join(work, 'prior');
    mkdirSync(path.join(dir, 'tebra'), { recursive: true });
    mkdirSync(path.join(dir, 'combined'), { recursive: true });
    copyFileSync(path.join(ROOT, 'samples/tebra-kareo-export.csv'), path.join(dir, 'tebra', 'export.csv'));
    copyFileSync(path.join(ROOT, 'samples/combined-code-export.csv'), path.join(dir, 'combined', 'export.csv'));
    copyFileSync(path.join(ROOT, 'samples/clinic-a-clean.837'), path.join(dir, 'clinic-a.837'));
    const db = path.join(work, 'prior.db');
    const result = await runCli([
      'history',
      'add',
      dir,
      '--csv-map',
      path.join(ROOT, 'samples/maps/tebra-kareo.json'),
      '--csv-map',
      path.join(ROOT, 'samples/maps/combined-code.json'),
      '--history',
      db,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => line.replace(/, \d+ lines.*$/, ''))).toEqual([
      `${path.join(dir, 'clinic-a.837')}: added 15 claims`,
      `${path.join(dir, 'combined', 'export.csv')}: added 22 claims`,
      `${path.join(dir, 'tebra', 'export.csv')}: added 15 claims`,
    ]);
  });
});
