/**
 * The lock on the output directory (src/pipeline/out-lock.ts) and the output names of same-named inputs
 * (src/pipeline/output-names.ts), in process.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireOutLock, OUT_LOCK_NAME, removeInterruptedRun } from '../../src/pipeline/out-lock.js';
import { outputNames, type NamedInput } from '../../src/pipeline/output-names.js';
import { CURRENT_LINK, RUNS_DIR } from '../../src/pipeline/staging.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spinescrub-lock-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('acquireOutLock', () => {
  const other = { pid: process.ppid, hostname: hostname(), since: '2026-11-27T02:00:00Z' };

  it('lets exactly one of many simultaneous takers have the lock', async () => {
    const owners = Array.from({ length: 8 }, (_, index) => ({ pid: process.pid, hostname: hostname(), since: `2026-11-27T02:00:0${index}Z` }));
    const results = await Promise.allSettled(owners.map((owner) => acquireOutLock(dir, { owner })));
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code)).toEqual(Array(7).fill('CFG_OUT_IN_USE'));
    const lock = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireOutLock>>>).value;
    expect(JSON.parse(readFileSync(path.join(dir, OUT_LOCK_NAME), 'utf8'))).toEqual(lock.owner);
    await lock.release();
    expect(existsSync(path.join(dir, OUT_LOCK_NAME))).toBe(false);
  });

  it('refuses a live lock at once, naming its pid and start time; waits for it with waitSeconds', async () => {
    const held = await acquireOutLock(dir, { owner: other });
    await expect(acquireOutLock(dir)).rejects.toThrow(`${dir} is in use by pid ${other.pid} since ${other.since}: wait for it with --wait SECONDS`);
    const told: string[] = [];
    const waiting = acquireOutLock(dir, { waitSeconds: 30, pollMs: 20, onWait: (message) => told.push(message) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await held.release();
    const mine = await waiting;
    expect(mine.owner.pid).toBe(process.pid);
    expect(told).toEqual([`${dir} is in use by pid ${other.pid} since ${other.since}: waiting up to 30 s (--wait)`]);
    await mine.release();
  });

  it('gives up after waitSeconds', async () => {
    await acquireOutLock(dir, { owner: other });
    await expect(acquireOutLock(dir, { waitSeconds: 0.2, pollMs: 20 })).rejects.toThrow(/is in use by pid \d+ since 2026-11-27T02:00:00Z \(waited 0.2 s\)/);
  });

  it('takes over the lock of a process that is gone, and never one of another host', async () => {
    writeFileSync(path.join(dir, OUT_LOCK_NAME), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), since: '2026-11-27T02:00:00Z' }));
    const lock = await acquireOutLock(dir);
    expect(lock.owner.pid).toBe(process.pid);
    await lock.release();
    writeFileSync(path.join(dir, OUT_LOCK_NAME), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: 'elsewhere', since: '2026-11-27T02:00:00Z' }));
    await expect(acquireOutLock(dir)).rejects.toThrow(`is in use by pid ${2 ** 22 + 12345} on elsewhere since 2026-11-27T02:00:00Z`);
  });

  it('removes the temporary lock names a killed run left, not those of a live or recent one', async () => {
    const dead = 2 ** 22 + 12345;
    const old = new Date(Date.now() - 3_600_000);
    const names = [`${OUT_LOCK_NAME}.${dead}-0badf00d`, `${OUT_LOCK_NAME}.stale-${dead}-0badf00d`, `${OUT_LOCK_NAME}.${process.ppid}-00c0ffee`, `${OUT_LOCK_NAME}.${dead + 1}-feedbeef`];
    for (const name of names) writeFileSync(path.join(dir, name), '{}');
    for (const name of names.slice(0, 3)) utimesSync(path.join(dir, name), old, old);
    const lock = await acquireOutLock(dir);
    expect(readdirSync(dir).sort()).toEqual([OUT_LOCK_NAME, `${OUT_LOCK_NAME}.${process.ppid}-00c0ffee`, `${OUT_LOCK_NAME}.${dead + 1}-feedbeef`].sort());
    await lock.release();
  });

  it('removeInterruptedRun removes this process run directory and lock, nothing else', async () => {
    await acquireOutLock(dir);
    const runs = path.join(dir, RUNS_DIR);
    // Its own run directory goes; another process's, and the one DIR's outputs point to (even if its own), stay.
    for (const name of [`${process.pid}-abc`, `${process.ppid}-def`, `${process.pid}-cur`]) mkdirSync(path.join(runs, name, '.tmp'), { recursive: true });
    symlinkSync(path.join(RUNS_DIR, `${process.pid}-cur`), path.join(dir, CURRENT_LINK));
    writeFileSync(path.join(dir, 'exceptions.csv'), '');
    await removeInterruptedRun(dir);
    expect(existsSync(path.join(dir, OUT_LOCK_NAME))).toBe(false);
    expect(readdirSync(runs).sort()).toEqual([`${process.pid}-cur`, `${process.ppid}-def`].sort());
    expect(existsSync(path.join(dir, 'exceptions.csv'))).toBe(true);
  });
});

describe('outputNames', () => {
  const named = (file: string, root?: string): NamedInput => ({ file: { name: file, path: file, ...(root ? { root } : {}) }, format: 'x12' });

  it('keeps base names, mirrors the path below a named directory, and resolves clashes by the shared folder', () => {
    expect(outputNames([named('in/a.837'), named('backlog/north/x.837', 'backlog'), named('backlog/south/x.837', 'backlog')])).toEqual(['a.837', 'north/x.837', 'south/x.837']);
    expect(outputNames([named('/data/one/x.837'), named('/data/two/deep/x.837'), named('/data/three/y.837')])).toEqual(['one/x.837', 'two/deep/x.837', 'y.837']);
    expect(outputNames([named('d1/x.837', 'd1'), named('d2/x.837', 'd2')])).toEqual(['d1/x.837', 'd2/x.837']);
  });

  it('refuses what stays ambiguous', () => {
    expect(() => outputNames([{ file: { name: '-', path: null }, format: 'x12' }, named('in/stdin.x12')])).toThrow('inputs in/stdin.x12 and - would both be written as stdin.x12');
    expect(() => outputNames([named('in/a', 'in'), named('in2/a/b.837', 'in2')])).toThrow('inputs in/a and in2/a/b.837 would need both a file and a folder named a');
    expect(() => outputNames([named('a/x.837'), named('b/x.837'), named('c/a/x.837', 'c')])).toThrow('would both be written as a/x.837');
  });
});
