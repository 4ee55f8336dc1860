import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli.js';

let dir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hist-cli-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  process.exitCode = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
  rmSync(dir, { recursive: true, force: true });
});

describe('spinescrub history', () => {
  it('adds 837P and CSV files once, shows stats and a member id\'s claims without names or birth dates', async () => {
    const db = join(dir, 'h.db');
    const x12 = join(dir, 'c.837');
    copyFileSync('samples/clinic-c-history.837', x12);
    const csv = join(dir, 'c.csv');
    copyFileSync('samples/clinic-c-history.csv', csv);
    expect(await runCli(['history', 'add', x12, csv, x12, '--history', db])).toBe(0);
    expect(out.join('')).toBe(
      `${x12}: added 18 claims, 30 lines\n${csv}: added 18 claims, 30 lines\n${x12}: already in the history (same content), nothing changed\n`,
    );
    out.length = 0;
    expect(await runCli(['history', 'stats', '--json', '--history', db])).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ schemaVersion: 2, files: 2, claims: 36, readyClaims: 36, lines: 60, patients: 6 });
    out.length = 0;
    const subscriber = /NM1\*IL\*1\*([^*]*)\*([^*]*)\*{4}MI\*([^~]+)~/.exec((await import('node:fs')).readFileSync(x12, 'latin1'))!;
    const [, lastName, firstName, memberId] = subscriber as unknown as [string, string, string, string];
    expect(await runCli(['history', 'patient', memberId, '--history', db])).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^\d+ claims? for that member id\n/);
    expect(text).toContain('c.837');
    expect(text).toContain('c.csv');
    expect(text).not.toMatch(/DMG|\b(19|20)\d{6}\b/);
    expect(text).not.toContain(memberId);
    expect(text).not.toContain(lastName);
    expect(text).not.toContain(firstName);
  });

  it('exits 3 naming a file it cannot read, and 2 for a missing database', async () => {
    const db = join(dir, 'h.db');
    expect(await runCli(['history', 'add', join(dir, 'missing.837'), '--history', db])).toBe(3);
    expect(err.join('')).toBe(`spinescrub: HIST_READ_FAILED: ${join(dir, 'missing.837')}: cannot read the file: ENOENT\n`);
    process.exitCode = 0;
    err.length = 0;
    expect(await runCli(['history', 'stats', '--history', join(dir, 'none.db')])).toBe(2);
    expect(err.join('')).toContain('HIST_NOT_FOUND: no history database at');
  });
});
