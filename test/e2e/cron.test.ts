/**
 * What a cron job relies on, end to end through the CLI: the lock on --out (two runs at once, --wait, a stale
 * lock), Ctrl-C, time-stamped logs and the JSON end summary on stdout, --no-record and --no-history, same-named
 * inputs mirrored under ready/ and held/.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree, ROOT, runCli, startCli } from './helpers.js';

let work: string;
/** A generated 837P big enough (a few MB) that a run lasts a few seconds. */
let big: string;
const SAMPLE_B = path.join(ROOT, 'samples/clinic-b-errors.837');
const SAMPLE_A = path.join(ROOT, 'samples/clinic-a-clean.837');
const SAMPLE_C = path.join(ROOT, 'samples/clinic-c-history.837');
const BASE = ['--as-of', '2026-11-27', '--no-progress'];
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z spinescrub: /;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-cron-'));
  big = path.join(work, 'big.837');
  const made = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/generate-837p.ts'), '--mb', '4', '--out', big], { cwd: ROOT, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function waitFor(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const lockOf = (out: string) => path.join(out, '.spinescrub-lock');
/** The run directories (DIR/.spinescrub-runs/<pid>-<id>) that process `pid` has in `out`. */
const runDirsOf = (out: string, pid: number | undefined) => {
  const runs = path.join(out, '.spinescrub-runs');
  return existsSync(runs) ? readdirSync(runs).filter((entry) => entry.startsWith(`${pid}-`)) : [];
};

describe('the lock on --out', () => {
  // The first run reads standard input, which the test holds open: it keeps the lock until the test sends the claims.
  it('refuses a second run into the same DIR while one runs (exit 2, pid and start time), and lets both finish', async () => {
    const out = path.join(work, 'locked');
    const first = startCli(['run', '-', '--out', out, '--no-history', ...BASE], { holdStdin: true });
    await waitFor(() => existsSync(lockOf(out)), 'the first run to take the lock');
    const owner = JSON.parse(readFileSync(lockOf(out), 'utf8')) as { pid: number; since: string; hostname: string };
    expect(owner.pid).toBe(first.child.pid);
    expect(owner.hostname).toBe(hostname());
    expect(owner.since).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const second = await runCli(['run', SAMPLE_A, '--out', out, '--no-history', ...BASE]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(TIME);
    expect(second.stderr).toContain(`spinescrub: error: ${out} is in use by pid ${owner.pid} since ${owner.since}: wait for it with --wait SECONDS`);
    expect(second.stdout).toBe('');
    first.child.stdin.end(readFileSync(SAMPLE_B));
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    // The refused run wrote nothing: the outputs are the first run's alone, and the lock is gone.
    expect(listTree(out)).toEqual(['exceptions.csv', 'exceptions.json', 'held/stdin.x12', 'held-claims.csv', 'junit.xml', 'ready/stdin.x12', 'report.html']);
  });

  it('waits for the lock with --wait SECONDS, then runs', async () => {
    const out = path.join(work, 'waited');
    const first = startCli(['run', '-', '--out', out, '--no-history', ...BASE], { holdStdin: true });
    await waitFor(() => existsSync(lockOf(out)), 'the first run to take the lock');
    const second = startCli(['run', SAMPLE_A, '--out', out, '--no-history', '--wait', '300', ...BASE]);
    let secondLog = '';
    second.child.stderr.on('data', (chunk: Buffer) => (secondLog += chunk.toString('utf8')));
    await waitFor(() => secondLog.includes('waiting up to 300 s'), 'the second run to wait');
    first.child.stdin.end(readFileSync(SAMPLE_B));
    const [firstDone, secondDone] = await Promise.all([first.done, second.done]);
    expect(firstDone.code, firstDone.stderr).toBe(0);
    expect(secondDone.code, secondDone.stderr).toBe(0);
    expect(secondDone.stderr).toMatch(new RegExp(`^\\S+Z spinescrub: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by pid ${first.child.pid} since \\S+Z: waiting up to 300 s \\(--wait\\)\n`));
    // The second run came after the first: exceptions.json is its own.
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { files: { file: string }[] } };
    expect(report.summary.files.map((file) => file.file)).toEqual([SAMPLE_A]);
    expect(listTree(out)).toEqual(['exceptions.csv', 'exceptions.json', 'held-claims.csv', 'junit.xml', 'ready/clinic-a-clean.837', 'report.html']);
  });

  it('takes over a stale lock (its process is gone)', async () => {
    const out = path.join(work, 'stale');
    mkdirSync(out, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockOf(out), `${JSON.stringify({ pid: Number(gone.stdout), hostname: hostname(), since: '2026-11-27T02:00:00Z' })}\n`);
    const result = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', ...BASE]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(lockOf(out))).toBe(false);
    expect(listTree(out)).toContain('ready/clinic-b-errors.837');
  });
});

describe('Ctrl-C', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: "interrupted: nothing written", exit %i, run directory and lock removed, earlier outputs untouched', async (signal, code) => {
    const out = path.join(work, `interrupted-${signal}`);
    const earlier = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', ...BASE]);
    expect(earlier.code).toBe(0);
    const before = listTree(out).map((file) => [file, readFileSync(path.join(out, file)).toString('latin1')]);
    const run = startCli(['run', big, '--out', out, '--history', path.join(work, `h-${signal}.db`), ...BASE]);
    await waitFor(() => runDirsOf(out, run.child.pid).length > 0, 'the run to stage');
    run.child.kill(signal);
    const result = await run.done;
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(`spinescrub: interrupted (${signal}): nothing written to ${out}\n`);
    expect(result.stdout).toBe('');
    expect(runDirsOf(out, run.child.pid)).toEqual([]);
    expect(existsSync(lockOf(out))).toBe(false);
    expect(listTree(out).map((file) => [file, readFileSync(path.join(out, file)).toString('latin1')])).toEqual(before);
  });
});

describe('logs and the end summary', () => {
  it('time-stamps text log lines; -q --fail-on error prints one line on exit 1', async () => {
    const out = path.join(work, 'quiet');
    const loud = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', ...BASE]);
    const lines = loud.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(TIME);
    expect(loud.stdout).toMatch(/\ncharges: \$[\d,]+\.\d\d, held \$[\d,]+\.\d\d, flagged \$[\d,]+\.\d\d\n/);

    const quiet = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', '-q', '--fail-on', 'error', ...BASE]);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z spinescrub: error: 11 claims held with open errors \(--fail-on error\)\n$/);
  });

  it('--max-warnings N: exit 1 and one line when more warnings stay open, 0 at N', async () => {
    const out = path.join(work, 'warnings');
    const at = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', '-q', '--max-warnings', '4', ...BASE]);
    expect(at.code).toBe(0);
    expect(at.stderr).toBe('');
    const over = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', '-q', '--max-warnings', '3', ...BASE]);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/^\S+Z spinescrub: error: 4 open warnings, more than --max-warnings 3\n$/);
  });

  it('--log-format json: a time on every log line, the end summary as one JSON object on stdout with the charges', async () => {
    const out = path.join(work, 'json');
    const result = await runCli(['run', SAMPLE_B, '--out', out, '--no-history', '--log-format', 'json', '--fail-on', 'error', ...BASE]);
    expect(result.code).toBe(1);
    for (const line of result.stderr.trim().split('\n')) expect((JSON.parse(line) as { time: string }).time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { chargesCents: unknown } };
    expect(summary).toMatchObject({
      level: 'info',
      event: 'summary',
      out,
      exitCode: 1,
      files: 1,
      claims: 22,
      ready: 11,
      held: 11,
      unreadableFiles: 0,
      chargesCents: report.summary.chargesCents,
      reasons: ['11 claims held with open errors (--fail-on error)'],
    });
    expect((summary.chargesCents as { held: number }).held).toBeGreaterThan(0);
  });
});

describe('--no-record and --no-history', () => {
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('--no-record creates no history when there is none, and leaves an existing one unchanged', async () => {
    const missing = path.join(work, 'none', 'history.db');
    const out = path.join(work, 'no-record');
    const first = await runCli(['run', SAMPLE_C, '--out', out, '--history', missing, '--no-record', ...BASE]);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(path.dirname(missing))).toBe(false);
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { options: { history: boolean; record: boolean } } };
    expect(report.summary.options).toMatchObject({ history: true, record: false });

    const db = path.join(work, 'existing.db');
    const added = await runCli(['history', 'add', SAMPLE_A, '--history', db]);
    expect(added.code, added.stderr).toBe(0);
    const before = sha(db);
    const second = await runCli(['run', SAMPLE_C, SAMPLE_B, '--out', out, '--history', db, '--no-record', ...BASE]);
    expect(second.code, second.stderr).toBe(0);
    expect(sha(db)).toBe(before);
    const stats = await runCli(['history', 'stats', '--history', db, '--json']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ files: 1, claims: 15 });
  });

  it('--no-history runs with no history at all: nothing opened or created, history rules not consulted', async () => {
    const cwd = mkdtempSync(path.join(work, 'cwd-'));
    const out = path.join(work, 'no-history');
    const withHistory = await runCli(['run', SAMPLE_C, '--out', out, '--history', path.join(work, 'c.db'), ...BASE], { cwd });
    expect(withHistory.code).toBe(0);
    const ruleIds = () => (JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { findings: { ruleId: string }[] }).findings.map((finding) => finding.ruleId);
    expect(ruleIds()).toContain('rfa/prior-blocks');
    const without = await runCli(['run', SAMPLE_C, '--out', out, '--no-history', ...BASE], { cwd });
    expect(without.code, without.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
    expect(ruleIds()).not.toContain('rfa/prior-blocks');
    const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { options: { history: boolean; record: boolean } } };
    expect(report.summary.options).toMatchObject({ history: false, record: false });
  });
});

describe('same-named inputs', () => {
  it('mirrors same-named files of different sub-folders under ready/ and held/ by their relative path', async () => {
    const input = path.join(work, 'backlog');
    mkdirSync(path.join(input, 'north'), { recursive: true });
    mkdirSync(path.join(input, 'south', 'deep'), { recursive: true });
    copyFileSync(SAMPLE_B, path.join(input, 'north', 'claims.837'));
    copyFileSync(SAMPLE_A, path.join(input, 'south', 'deep', 'claims.837'));
    copyFileSync(SAMPLE_A, path.join(input, 'top.837'));
    const out = path.join(work, 'mirrored');
    const result = await runCli(['run', input, '--out', out, '--no-history', ...BASE]);
    expect(result.code, result.stderr).toBe(0);
    expect(listTree(out)).toEqual([
      'exceptions.csv',
      'exceptions.json',
      'held/north/claims.837',
      'held-claims.csv',
      'junit.xml',
      'ready/north/claims.837',
      'ready/south/deep/claims.837',
      'ready/top.837',
      'report.html',
    ]);
    expect(readFileSync(path.join(out, 'ready/south/deep/claims.837'))).toEqual(readFileSync(SAMPLE_A));

    // Named one by one: the clashing files take their path below the folder they share.
    const named = path.join(work, 'named');
    const byName = await runCli(['run', path.join(input, 'north', 'claims.837'), path.join(input, 'south', 'deep', 'claims.837'), SAMPLE_C, '--out', named, '--no-history', ...BASE]);
    expect(byName.code, byName.stderr).toBe(0);
    expect(listTree(named).filter((file) => file.startsWith('ready/'))).toEqual(['ready/clinic-c-history.837', 'ready/north/claims.837', 'ready/south/deep/claims.837']);
  });

  it('still refuses what stays ambiguous: standard input and a file named stdin.x12', async () => {
    const file = path.join(work, 'stdin.x12');
    copyFileSync(SAMPLE_A, file);
    const result = await runCli(['run', '-', file, '--out', path.join(work, 'ambiguous'), '--no-history', ...BASE], { input: readFileSync(SAMPLE_B) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`spinescrub: error: inputs ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and stdin would both be written as stdin\\.x12 in ready/ and held/: run them separately\\n$`));
  });
});
