/**
 * End to end: `spinescrub run samples/` as a child process, outputs compared byte for byte with the golden files
 * in test/golden/run/ (ready/, held/, exceptions.csv, exceptions.json, junit.xml, report.html).
 *
 * UPDATE_GOLDEN=1 npx vitest run test/e2e rewrites the golden files — then read them (git diff) before committing:
 * they are the contract, and test/golden/samples-expected.json (written by hand) is checked against them below.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree, readTree, ROOT, runCli, type CliResult } from './helpers.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { oracleParse } from '../x12/helpers.js';
import { crossCheck, type ReportForCheck, type SamplesExpected } from './samples-expected.js';

const GOLDEN = path.join(ROOT, 'test/golden/run');
const AS_OF = '2026-11-27';
const update = process.env.UPDATE_GOLDEN === '1';
/** The sample exports with other headers are read through their column maps (as `npm start` does). */
const MAPS = ['--csv-map', 'samples/maps/tebra-kareo.json', '--csv-map', 'samples/maps/combined-code.json'];

let work: string;
let first: CliResult;
let out: string;

function runArgs(outDir: string, history: string, extra: string[] = []): string[] {
  return ['run', 'samples', '--out', outDir, '--as-of', AS_OF, '--history', history, '--no-progress', ...MAPS, ...extra];
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-e2e-'));
  out = path.join(work, 'out');
  first = await runCli(runArgs(out, path.join(work, 'history.db')));
  if (update) {
    rmSync(GOLDEN, { recursive: true, force: true });
    mkdirSync(GOLDEN, { recursive: true });
    for (const [file, bytes] of readTree(out)) {
      mkdirSync(path.dirname(path.join(GOLDEN, file)), { recursive: true });
      writeFileSync(path.join(GOLDEN, file), bytes);
    }
    writeFileSync(path.join(GOLDEN, 'exit-code.txt'), `${first.code}\n`);
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface ExceptionsJson {
  summary: {
    totals: { files: number; claims: number; ready: number; held: number };
    files: { file: string; format: string; claims: number; ready: number; held: number; readable: boolean }[];
  };
  findings: { file: string; claimId: string; ruleId: string; action: string; severity: string }[];
}

describe('spinescrub run samples/', () => {
  it('exits with the golden exit code and prints the end summary', () => {
    expect(first.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    expect(String(first.code)).toBe(readFileSync(path.join(GOLDEN, 'exit-code.txt'), 'utf8').trim());
    expect(first.stdout).toMatch(/^spinescrub: \d+ files?, \d+ claims?: \d+ ready, \d+ held, /);
    expect(first.stdout).toMatch(/\ntop rules: /);
    expect(first.stdout).toMatch(/ MB\/s → /);
  });

  it('reads both formats of the samples', () => {
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as ExceptionsJson;
    const formats = new Set(report.summary.files.map((file) => file.format));
    expect(formats).toEqual(new Set(['x12', 'csv']));
  });

  it('writes exactly the golden files, byte for byte', () => {
    const golden = readTree(GOLDEN);
    golden.delete('exit-code.txt');
    const actual = readTree(out);
    expect([...actual.keys()]).toEqual([...golden.keys()]);
    for (const [file, bytes] of golden) {
      expect(actual.get(file)?.toString('utf8'), file).toBe(bytes.toString('utf8'));
    }
  });

  it('writes every claim once: claims in = ready + held, per file and in the written files', () => {
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as ExceptionsJson;
    let claims = 0;
    for (const file of report.summary.files) {
      expect(file.ready + file.held, file.file).toBe(file.claims);
      claims += file.claims;
      const name = path.basename(file.file);
      const countIn = (kind: string): number => {
        const written = path.join(out, kind, name);
        if (!existsSync(written)) return 0;
        const text = readFileSync(written, 'latin1').replace(/^\xEF\xBB\xBF/, '');
        const terminator = text.charAt(105);
        return text.split(terminator).filter((segment) => segment.trimStart().startsWith(`CLM${text.charAt(3)}`)).length;
      };
      if (file.format === 'x12') {
        expect(countIn('ready'), `${file.file} ready`).toBe(file.ready);
        expect(countIn('held'), `${file.file} held`).toBe(file.held);
      }
      expect(existsSync(path.join(out, 'ready', name))).toBe(file.ready > 0);
      expect(existsSync(path.join(out, 'held', name))).toBe(file.held > 0);
    }
    expect(report.summary.totals.claims).toBe(claims);
    expect(report.summary.totals.ready + report.summary.totals.held).toBe(claims);
  });

  it('writes a file with nothing to correct byte-identical to its input, in every format', () => {
    for (const name of ['clinic-a-clean.837', 'clinic-a-clean.csv', 'tebra-kareo-export.csv']) {
      expect(readFileSync(path.join(out, 'ready', name)).equals(readFileSync(path.join(ROOT, 'samples', name))), name).toBe(true);
      expect(existsSync(path.join(out, 'held', name)), name).toBe(false);
    }
  });

  it('writes X12 files that node-x12\'s strict parser accepts (envelopes, counts, control numbers)', () => {
    const written = listTree(out).filter((file) => /^(ready|held)\/.*\.837$/.test(file));
    expect(written.length).toBeGreaterThan(0);
    for (const file of written) expect(oracleParse(readFileSync(path.join(out, file))), file).toBeGreaterThan(0);
  });

  it('writes an exceptions.json that the schema accepts', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/exceptions.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as unknown;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('gives the same bytes when run again into the same directory with the history it recorded', async () => {
    const before = readTree(out);
    const again = await runCli(runArgs(out, path.join(work, 'history.db')));
    expect(again.code).toBe(first.code);
    const after = readTree(out);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
  });

  it('gives the same bytes whatever --jobs is', async () => {
    const one = path.join(work, 'jobs1');
    const four = path.join(work, 'jobs4');
    const [a, b] = await Promise.all([
      runCli(runArgs(one, path.join(work, 'jobs1.db'), ['--jobs', '1'])),
      runCli(runArgs(four, path.join(work, 'jobs4.db'), ['--jobs', '4'])),
    ]);
    expect(a.code).toBe(first.code);
    expect(b.code).toBe(first.code);
    const treeOne = readTree(one);
    const treeFour = readTree(four);
    expect(listTree(four)).toEqual(listTree(one));
    for (const [file, bytes] of treeOne) expect(treeFour.get(file)?.equals(bytes), file).toBe(true);
    for (const [file, bytes] of treeOne) expect(readTree(out).get(file)?.equals(bytes), `${file} vs the first run`).toBe(true);
  });

  it('agrees with the hand-written expectations of test/golden/samples-expected.json (no history)', async () => {
    const noHistory = path.join(work, 'no-history');
    const outcome = await runPipeline({
      inputs: [path.join(ROOT, 'samples')],
      outDir: noHistory,
      historyPath: null,
      record: false,
      prior: [],
      failOn: 'never',
      holdOn: 'error',
      jobs: 2,
      fix: true,
      asOf: AS_OF,
      quiet: true,
      logFormat: 'text',
      progress: false,
      csvMaps: [path.join(ROOT, 'samples/maps/tebra-kareo.json'), path.join(ROOT, 'samples/maps/combined-code.json')],
    });
    expect(outcome.exitCode).toBe(0);
    const report = JSON.parse(readFileSync(path.join(noHistory, 'exceptions.json'), 'utf8')) as ReportForCheck;
    const cases = junitCases(readFileSync(path.join(noHistory, 'junit.xml'), 'utf8'));
    const base = (file: string) => path.basename(file);
    const checked = crossCheck(
      expected(),
      { ...report, summary: { files: report.summary.files.map((file) => ({ ...file, file: base(file.file) })) }, findings: report.findings.map((finding) => ({ ...finding, file: base(finding.file) })) },
      (file, claimId) => cases.get(`${file}|${claimId}`) === 'held',
      (file) => [...cases.keys()].filter((key) => key.startsWith(`${file}|`)).map((key) => key.slice(file.length + 1)),
    );
    expect(checked).toBe(report.summary.files.reduce((sum, file) => sum + file.claims, 0));
  });

  it('adds exactly the history findings the sample stories call for, in the golden run', () => {
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as ReportForCheck;
    const cases = junitCases(readFileSync(path.join(out, 'junit.xml'), 'utf8'));
    const withHistory = structuredClone(expected());
    // samples/README.md "clinic-c-history.837" (and docs/rules/README.md, History): what this run's own history implies.
    const add = (file: string, claimId: string, open: string[], fate?: 'held') => {
      const claim = withHistory[`${file}.837`]![claimId]!;
      claim.open = [...new Set([...claim.open, ...open])].sort();
      if (fate) claim.fate = fate;
    };
    const overrides = new Map<string, SamplesExpected[string][string]>();
    const addInFile = (file: string, claimId: string, open: string[], fate?: 'held') => {
      const claim = structuredClone(withHistory[`${file.replace(/\.csv$/, '')}.837`]![claimId]!);
      claim.open = [...new Set([...claim.open, ...open])].sort();
      if (fate) claim.fate = fate;
      overrides.set(`${file}|${claimId}`, claim);
    };
    add('clinic-a-clean', 'A1003', ['rfa/prior-blocks']); // a first RFA with fewer than 2 prior facet sessions
    add('clinic-a-clean', 'A1011', ['rfa/prior-blocks']);
    add('clinic-b-errors', 'B2016', ['rfa/prior-blocks']); // the RFA left once facet/with-rfa removed the block
    add('clinic-c-history', 'C3005', ['frequency/esi', 'coverage/liability-modifier'], 'held'); // 5th ESI session in 365 days, ⚑ without GA/GZ/GX
    add('clinic-c-history', 'C3018', ['frequency/esi', 'coverage/liability-modifier'], 'held'); // 6th
    add('clinic-c-history', 'C3009', ['rfa/repeat-interval', 'coverage/liability-modifier'], 'held'); // 140 days after C3008
    add('clinic-c-history', 'C3010', ['rfa/prior-blocks']);
    add('clinic-c-history', 'C3011', ['global/rfa-followup']);
    add('clinic-c-history', 'C3013', ['history/duplicate'], 'held');
    add('clinic-c-history', 'C3015', ['session/split']);
    add('clinic-c-history', 'C3016', ['facet/kx']);
    add('clinic-c-history', 'C3017', ['facet/kx']);
    // The CSV carries the same claims after the 837P: its own copies are left out (same billing NPI and claim id),
    // and the 837P's held claims count as pending services: C3013 (held as a duplicate of C3012) is a duplicate of
    // the CSV's C3012, C3015 (held) bills the add-on of the CSV's C3014.
    addInFile('clinic-c-history.csv', 'C3012', ['history/duplicate'], 'held');
    addInFile('clinic-c-history.csv', 'C3014', ['session/split']);
    add('clinic-d-payers', 'D4006', ['rfa/prior-blocks']); // a first RFA, no prior facet sessions
    const base = (file: string) => path.basename(file);
    crossCheck(
      withHistory,
      { ...report, summary: { files: report.summary.files.map((file) => ({ ...file, file: base(file.file) })) }, findings: report.findings.map((finding) => ({ ...finding, file: base(finding.file) })) },
      (file, claimId) => cases.get(`${file}|${claimId}`) === 'held',
      (file) => [...cases.keys()].filter((key) => key.startsWith(`${file}|`)).map((key) => key.slice(file.length + 1)),
      overrides,
    );
  });
});

function expected(): SamplesExpected {
  return JSON.parse(readFileSync(path.join(ROOT, 'test/golden/samples-expected.json'), 'utf8')) as SamplesExpected;
}

/** `basename(file)|claimId` → held / ready, from junit.xml (one test case per claim; held claims fail). */
function junitCases(xml: string): Map<string, 'held' | 'ready'> {
  const cases = new Map<string, 'held' | 'ready'>();
  for (const match of xml.matchAll(/<testcase classname="([^"]*)" name="claim ([^"]*)"(\/>|>\s*<failure)?/g)) {
    cases.set(`${path.basename(match[1]!)}|${match[2]!}`, match[3]?.endsWith('<failure') ? 'held' : 'ready');
  }
  return cases;
}
