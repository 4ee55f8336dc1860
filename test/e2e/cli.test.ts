/**
 * The CLI's own contract, as a child process: standard input, usage errors (exit 2, one line, no stack trace),
 * and that the command handler's exit code reaches the process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';

let work: string;
const SAMPLE = readFileSync(path.join(ROOT, 'samples/clinic-b-errors.837'));

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-cli-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('spinescrub run (CLI)', () => {
  it('reads standard input with -, writes it as stdin.x12, and exits 1 with --fail-on error', async () => {
    const out = path.join(work, 'stdin');
    const result = await runCli(['run', '-', '--out', out, '--as-of', '2026-11-27', '--no-record', '--history', path.join(work, 'h.db'), '--fail-on', 'error', '--no-progress'], {
      input: SAMPLE,
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^spinescrub: 1 file, 22 claims: 11 ready, 11 held, /);
    const ready = readFileSync(path.join(out, 'ready', 'stdin.x12'), 'latin1');
    const golden = readFileSync(path.join(ROOT, 'test/golden/run/ready/clinic-b-errors.837'), 'latin1');
    expect(ready).toBe(golden);
  });

  it.each([
    [['run', 'samples', '--out', 'x', '--jobs', '0'], /Expected `--jobs` to be a positive integer, got 0/],
    [['run', 'samples', '--out', 'x', '--jobs', 'abc'], /^spinescrub: Expected `--jobs` to be a positive integer, got abc\n$/],
    [['run', 'samples', '--out', 'x', '--threads', '0'], /^spinescrub: Expected `--threads` to be a whole number from 1 to 64, got 0\n$/],
    [['run', 'samples', '--out', 'x', '--threads', '65'], /^spinescrub: Expected `--threads` to be a whole number from 1 to 64, got 65\n$/],
    [['run', 'samples', '--out', 'x', '--max-warnings', '-1'], /^spinescrub: Expected `--max-warnings` to be a whole number from 0 up, got -1\n$/],
    [['run', 'samples', '--out', 'x', '--as-of', '2026-02-30'], /Expected `--as-of` to be a date YYYY-MM-DD, got 2026-02-30/],
    [['run', 'samples', '--out', 'x', '--fail-on', 'sometimes'], /Invalid values/],
    [['run', 'samples', '--out', 'x', '--no-such-option'], /^spinescrub: Unknown option: --no-such-option\n$/],
    [['run', 'samples', '--out', 'x', '--polcy', 'guide'], /^spinescrub: Unknown option: --polcy \(did you mean --policy\?\)\n$/],
    [['run', 'samples', '--out', 'x', '--no-recrod'], /^spinescrub: Unknown option: --no-recrod \(did you mean --no-record\?\)\n$/],
    [['rn', 'samples'], /^spinescrub: Unknown command: rn \(did you mean run\?\)\n$/],
    [['history', 'ad', 'x.837'], /^spinescrub: Unknown command: ad \(did you mean add\?\)\n$/],
    [['rules', '--jsno'], /^spinescrub: Unknown option: --jsno \(did you mean --json\?\)\n$/],
    [['run', 'samples'], /Missing required argument: out/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await runCli(args, { cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
