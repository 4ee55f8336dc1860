/**
 * One run at a time per output directory: a run holds `DIR/.spinescrub-lock` (its pid, host and start time) from
 * before it stages anything until its outputs are in place. A second run into the same DIR is refused with exit 2
 * ("DIR is in use by pid N since T"), or waits for the lock with `--wait SECONDS`. A lock whose process is gone
 * (same host, pid no longer running) is stale: the next run takes it over.
 *
 * The lock file is written complete under a temporary name and linked to its final name: `link` fails when the
 * name exists, so two runs can never both create it, and a reader never sees half of one. A run killed while it
 * held such a temporary name leaves it behind; the next run that takes the lock removes it.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from './errors.js';

export const OUT_LOCK_NAME = '.spinescrub-lock';

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO timestamp (UTC, whole seconds). */
  since: string;
}

export interface OutLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Removes the lock file (when it is still this run's). */
  release(): Promise<void>;
}

export interface OutLockOptions {
  /** Seconds to wait for another run's lock (`--wait`); 0 refuses at once. */
  waitSeconds?: number;
  /** How often a waiting run looks again (ms). */
  pollMs?: number;
  /** The owner written to the lock (tests); default this process. */
  owner?: LockOwner;
  /** Told once when the run starts waiting for another run's lock (a log line). */
  onWait?: (message: string) => void;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(text: string): LockOwner | undefined {
  try {
    const data = JSON.parse(text) as Partial<LockOwner>;
    if (typeof data.pid === 'number' && typeof data.hostname === 'string' && typeof data.since === 'string') return data as LockOwner;
  } catch {
    // A lock file that is not ours to read is reported as held by an unknown process (never taken over).
  }
  return undefined;
}

/** A lock is stale when it names a process of this host that no longer runs. */
function isStale(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.hostname === hostname() && !processAlive(owner.pid);
}

async function readOwner(file: string): Promise<{ text: string; owner: LockOwner | undefined } | undefined> {
  try {
    const text = await readFile(file, 'utf8');
    return { text, owner: ownerOf(text) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Temporary names beside the lock: `<lock>.<pid>-<random>` while it is created, `<lock>.stale-<pid>-<random>` while a stale one is removed. */
const TEMP_NAME = /^\.spinescrub-lock\.(?:stale-)?(\d+)-[0-9a-f]+$/;
/** A temporary name younger than this may belong to a run of another host sharing DIR (its pid means nothing here). */
const TEMP_GRACE_MS = 60_000;

/** Removes the temporary lock names of runs that were killed while they held one. */
async function removeLeftTemps(outDir: string): Promise<void> {
  for (const entry of await readdir(outDir)) {
    const match = TEMP_NAME.exec(entry);
    if (match === null || processAlive(Number(match[1]))) continue;
    const full = path.join(outDir, entry);
    const info = await lstat(full).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > TEMP_GRACE_MS) await unlink(full).catch(() => undefined);
  }
}

/** Creates the lock file from a complete temporary file; false when another lock holds the name. */
async function tryCreate(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, text, { mode: 0o600 });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Removes a stale lock. It is first renamed aside (atomic): should another run have replaced it in the meantime,
 * what was moved is not the stale text, and it is put back.
 */
async function removeStale(file: string, staleText: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** `waited`: the `--wait` that ran out (0: none). */
function inUseMessage(outDir: string, owner: LockOwner | undefined, waited: number): string {
  const who = owner === undefined ? 'another run (unreadable lock file)' : `pid ${owner.pid}${owner.hostname === hostname() ? '' : ` on ${owner.hostname}`} since ${owner.since}`;
  const after = waited > 0 ? ` (waited ${waited} s)` : '';
  return `${outDir} is in use by ${who}${after}: wait for it with --wait SECONDS, or write to another --out (a lock left by a crash elsewhere: remove ${path.join(outDir, OUT_LOCK_NAME)})`;
}

/** Takes the lock on `outDir` (created when missing), waiting up to `waitSeconds` for another run's. */
export async function acquireOutLock(outDir: string, options: OutLockOptions = {}): Promise<OutLock> {
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, OUT_LOCK_NAME);
  const owner: LockOwner = options.owner ?? { pid: process.pid, hostname: hostname(), since: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const text = `${JSON.stringify(owner)}\n`;
  const waitMs = Math.max(0, (options.waitSeconds ?? 0) * 1000);
  const pollMs = options.pollMs ?? 200;
  const started = Date.now();
  let told = false;
  for (;;) {
    if (await tryCreate(file, text)) {
      await removeLeftTemps(outDir);
      return {
        file,
        owner,
        release: async () => {
          const current = await readOwner(file).catch(() => undefined);
          if (current?.text === text) await unlink(file).catch(() => undefined);
        },
      };
    }
    const current = await readOwner(file);
    if (current === undefined) continue; // released between the two calls
    if (isStale(current.owner)) {
      await removeStale(file, current.text);
      continue;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= waitMs) {
      throw new UsageError('CFG_OUT_IN_USE', inUseMessage(outDir, current.owner, options.waitSeconds ?? 0));
    }
    if (!told) {
      told = true;
      const who = current.owner === undefined ? 'another run' : `pid ${current.owner.pid} since ${current.owner.since}`;
      options.onWait?.(`${outDir} is in use by ${who}: waiting up to ${options.waitSeconds} s (--wait)`);
    }
    await sleep(Math.min(pollMs, waitMs - elapsed));
  }
}

/**
 * What a run of this process leaves in `outDir` when it is stopped from outside (Ctrl-C ends its worker thread):
 * its run directory (never the one DIR's outputs point to) and its lock. Nothing under a final name is touched.
 */
export async function removeInterruptedRun(outDir: string, pid = process.pid): Promise<void> {
  const { readdir, readlink, rm } = await import('node:fs/promises');
  const { CURRENT_LINK, RUNS_DIR } = await import('./staging.js');
  const current = await readlink(path.join(outDir, CURRENT_LINK)).then((target) => path.basename(target), () => undefined);
  let entries: string[];
  try {
    entries = await readdir(path.join(outDir, RUNS_DIR));
  } catch {
    entries = [];
  }
  for (const entry of entries) {
    if (entry.startsWith(`${pid}-`) && entry !== current) await rm(path.join(outDir, RUNS_DIR, entry), { recursive: true, force: true });
  }
  const lock = await readOwner(path.join(outDir, OUT_LOCK_NAME)).catch(() => undefined);
  if (lock?.owner?.pid === pid && lock.owner.hostname === hostname()) await unlink(path.join(outDir, OUT_LOCK_NAME)).catch(() => undefined);
}
