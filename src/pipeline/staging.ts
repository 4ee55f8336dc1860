/**
 * Outputs that switch as a set. A run writes everything into a directory of its own, DIR/.spinescrub-runs/<id>/
 * (same file system as DIR), its temporary files in a `.tmp/` inside it. The outputs readers open —
 * DIR/ready, DIR/held, DIR/exceptions.csv, DIR/exceptions.json, DIR/held-claims.csv, DIR/report.html,
 * DIR/junit.xml — are fixed symbolic links into DIR/.spinescrub-current, itself a symbolic link to one run's
 * directory. Once the whole run
 * is complete, one rename replaces .spinescrub-current: every output switches from the earlier run's to this
 * run's at once, and a run killed at any moment leaves either set whole, never a mix. The next run removes what
 * a killed run left (its directory, a half-made link) and brings an older layout of real files into this one.
 *
 * DIR/.spinescrub-output marks the folder as a spinescrub output: an input scan never reads a folder holding it.
 * Folders are created 0700 and outputs 0600 unless the run's umask says otherwise.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { processAlive } from './out-lock.js';

/** The outputs a run writes, as DIR sees them. */
export const OUTPUT_NAMES = ['ready', 'held', 'exceptions.csv', 'exceptions.json', 'held-claims.csv', 'report.html', 'junit.xml'] as const;
/** Output directories (always present in a run's directory, so their links are never dangling). */
const OUTPUT_DIRECTORIES = new Set<string>(['ready', 'held']);

export const OUTPUT_MARKER = '.spinescrub-output';
const MARKER_TEXT = 'This folder holds spinescrub outputs; spinescrub never reads it as an input.\n';
export const RUNS_DIR = '.spinescrub-runs';
export const CURRENT_LINK = '.spinescrub-current';
/** Staging directories of earlier versions (removed when their process is gone). */
const LEGACY_STAGING_PREFIX = '.spinescrub-staging-';
const TEMP_DIR = '.tmp';

/** The umask outputs and the history database are created with unless told otherwise (folders 0700, files 0600). */
export const DEFAULT_UMASK = 0o077;

/** The permissions a run creates with: the default umask 077 gives folders 0700 and files 0600. */
export interface Modes {
  file: number;
  directory: number;
}

export function modesOf(umask: number): Modes {
  return { file: 0o666 & ~umask, directory: 0o777 & ~umask };
}

/**
 * Test hook: SPINESCRUB_FAULT_AT names a step of the commit at which the process kills itself (SIGKILL), as a
 * power cut or `kill -9` would stop it there. The reliability tests use it to check that a kill between any two
 * steps leaves a whole output set.
 */
function faultPoint(step: string): void {
  if (process.env.SPINESCRUB_FAULT_AT === step) process.kill(process.pid, 'SIGKILL');
}

/** The pid a run's directory name starts with (`<pid>-<random>`, `legacy-<pid>-<random>`); NaN when none. */
function pidOf(name: string): number {
  const match = /^(?:legacy-)?(\d+)-/.exec(name);
  return match ? Number(match[1]) : Number.NaN;
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** A fresh name for a temporary entry next to others of this process. */
function uniqueId(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

export class Staging {
  readonly outDir: string;
  /** This run's directory: its outputs, and `.tmp/` for the files of the run. */
  readonly runDir: string;
  /** Temporary files of the run (spills, spooled standard input, the CSV reader's index). */
  readonly dir: string;
  private readonly modes: Modes;
  private sequence = 0;

  private constructor(outDir: string, runDir: string, modes: Modes) {
    this.outDir = outDir;
    this.runDir = runDir;
    this.dir = path.join(runDir, TEMP_DIR);
    this.modes = modes;
  }

  /** Creates DIR and this run's directory; repairs what an earlier run left (see repairOutputs). */
  static async create(outDir: string, modes: Modes = modesOf(0o077)): Promise<Staging> {
    await mkdir(outDir, { recursive: true, mode: modes.directory });
    await repairOutputs(outDir, modes);
    const runDir = path.join(outDir, RUNS_DIR, uniqueId());
    const staging = new Staging(outDir, runDir, modes);
    await mkdir(staging.dir, { recursive: true, mode: modes.directory });
    for (const name of OUTPUT_DIRECTORIES) await mkdir(path.join(runDir, name), { mode: modes.directory });
    return staging;
  }

  /** A new temporary file path in the run's temporary directory. */
  tempPath(hint: string): string {
    this.sequence += 1;
    return path.join(this.dir, `${this.sequence}-${hint.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  }

  createStream(file: string): WriteStream {
    return createWriteStream(file, { highWaterMark: 1 << 20, mode: this.modes.file });
  }

  /** Moves a completed temporary file to <run>/<relative> (an output of this run, not yet visible in DIR). */
  async commit(temp: string, relative: string): Promise<void> {
    const target = path.join(this.runDir, relative);
    // A mirrored name (north/claims.837) lives in a sub-folder of ready/ or held/.
    await mkdir(path.dirname(target), { recursive: true, mode: this.modes.directory });
    await rename(temp, target);
    await chmod(target, this.modes.file);
  }

  /**
   * Makes this run's outputs DIR's outputs, all at once: the temporary files go, the folder is marked, and one
   * rename points DIR/.spinescrub-current at this run's directory. The earlier run's directory is then removed.
   */
  async publish(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    for (const name of OUTPUT_DIRECTORIES) await chmod(path.join(this.runDir, name), this.modes.directory);
    await writeMarker(this.outDir, this.modes);
    // The links exist before the switch (dangling in a folder's first run: no output yet, the whole set then).
    for (const name of OUTPUT_NAMES) await linkOutput(this.outDir, name);
    faultPoint('before-switch');
    const previous = await currentRun(this.outDir);
    await switchCurrent(this.outDir, path.basename(this.runDir));
    faultPoint('after-switch');
    if (previous !== null) await rm(path.join(this.outDir, RUNS_DIR, previous), { recursive: true, force: true });
  }

  /** Removes this run's directory (a run that failed: DIR's outputs stay the earlier run's). */
  async dispose(): Promise<void> {
    if ((await currentRun(this.outDir).catch(() => null)) === path.basename(this.runDir)) {
      await rm(this.dir, { recursive: true, force: true });
      return;
    }
    await rm(this.runDir, { recursive: true, force: true });
  }
}

/** The run directory DIR/.spinescrub-current points at (its name), or null. */
async function currentRun(outDir: string): Promise<string | null> {
  try {
    return path.basename(await readlink(path.join(outDir, CURRENT_LINK)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return null;
    throw error;
  }
}

/** Points DIR/.spinescrub-current at runs/<name> with one rename (atomic on POSIX file systems). */
async function switchCurrent(outDir: string, name: string): Promise<void> {
  const next = path.join(outDir, `${CURRENT_LINK}.new-${uniqueId()}`);
  await symlink(path.join(RUNS_DIR, name), next);
  await rename(next, path.join(outDir, CURRENT_LINK));
}

async function writeMarker(outDir: string, modes: Modes): Promise<void> {
  const marker = path.join(outDir, OUTPUT_MARKER);
  if (!(await exists(marker))) await writeFile(marker, MARKER_TEXT, { mode: modes.file });
}

/**
 * Before a run: removes the directories of runs whose process is gone (but the current one), half-made links,
 * staging directories of earlier versions; moves outputs of the older layout (real files and folders under
 * DIR's output names) into a run directory that becomes current; makes every output name a link into
 * .spinescrub-current. Each step can be repeated: a run killed in the middle of it is repaired by the next.
 */
export async function repairOutputs(outDir: string, modes: Modes): Promise<void> {
  const runsDir = path.join(outDir, RUNS_DIR);
  await mkdir(runsDir, { recursive: true, mode: modes.directory });
  let current = await currentRun(outDir);
  for (const entry of await readdir(outDir)) {
    if (entry.startsWith(`${CURRENT_LINK}.new-`) || (entry.startsWith(LEGACY_STAGING_PREFIX) && !processAlive(pidOf(entry.slice(LEGACY_STAGING_PREFIX.length))))) {
      await rm(path.join(outDir, entry), { recursive: true, force: true });
    }
  }
  for (const entry of await readdir(runsDir)) {
    const pid = pidOf(entry);
    if (entry !== current && !(Number.isFinite(pid) && processAlive(pid))) await rm(path.join(runsDir, entry), { recursive: true, force: true });
  }
  // Outputs as real files and folders (written by an older version): they become a run directory of their own.
  const real: string[] = [];
  for (const name of OUTPUT_NAMES) {
    const full = path.join(outDir, name);
    let info;
    try {
      info = await lstat(full);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (!info.isSymbolicLink()) real.push(name);
  }
  if (real.length > 0) {
    if (current === null) {
      const legacy = `legacy-${uniqueId()}`;
      await mkdir(path.join(runsDir, legacy), { mode: modes.directory });
      await switchCurrent(outDir, legacy);
      current = legacy;
    }
    for (const name of real) {
      const full = path.join(outDir, name);
      const inRun = path.join(runsDir, current, name);
      if (OUTPUT_DIRECTORIES.has(name)) {
        // A folder cannot be replaced by a rename: its link follows its move (a kill between the two leaves it
        // missing until the next run links it).
        if (await exists(inRun)) await rm(full, { recursive: true, force: true });
        else await rename(full, inRun);
      } else if (!(await exists(inRun))) {
        // A file stays where it is until its link replaces it, in one rename.
        await link(full, inRun);
      }
      await linkOutput(outDir, name);
      faultPoint('migrate');
    }
  }
  if (current !== null) {
    for (const name of OUTPUT_DIRECTORIES) await mkdir(path.join(runsDir, current, name), { recursive: true, mode: modes.directory });
    for (const name of OUTPUT_NAMES) await linkOutput(outDir, name);
  }
}

/** DIR/<name> as a link to .spinescrub-current/<name> (replaced with one rename when it is anything else). */
async function linkOutput(outDir: string, name: string): Promise<void> {
  const full = path.join(outDir, name);
  const target = path.join(CURRENT_LINK, name);
  try {
    if ((await readlink(full)) === target) return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EINVAL') throw error;
  }
  const next = path.join(outDir, `${CURRENT_LINK}.new-${uniqueId()}`);
  await symlink(target, next);
  await rename(next, full);
}

/** Ends a write stream and resolves once its bytes are flushed to the file. */
export async function endStream(stream: WriteStream): Promise<void> {
  stream.end();
  await finished(stream);
}
