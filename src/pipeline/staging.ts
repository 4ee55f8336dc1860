/**
 * Atomic outputs: everything a run writes goes to a staging directory inside DIR (same file system, so a
 * rename is atomic) and is renamed to its final name only once the whole run is complete. A run killed
 * mid-way leaves its staging directory behind, never a half-written file under a final name; the next run
 * removes staging directories whose process is gone.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';

export const STAGING_PREFIX = '.spinescrub-staging-';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Staging {
  readonly outDir: string;
  readonly dir: string;
  private sequence = 0;

  private constructor(outDir: string, dir: string) {
    this.outDir = outDir;
    this.dir = dir;
  }

  /** Creates DIR and a fresh staging directory in it; removes the staging directories of dead runs. */
  static async create(outDir: string): Promise<Staging> {
    await mkdir(outDir, { recursive: true });
    for (const entry of await readdir(outDir)) {
      const match = entry.startsWith(STAGING_PREFIX) ? /^(\d+)-/.exec(entry.slice(STAGING_PREFIX.length)) : null;
      if (match && !processAlive(Number(match[1]))) await rm(path.join(outDir, entry), { recursive: true, force: true });
    }
    const dir = path.join(outDir, `${STAGING_PREFIX}${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
    await mkdir(dir);
    return new Staging(outDir, dir);
  }

  /** A new temporary file path in the staging directory. */
  tempPath(hint: string): string {
    this.sequence += 1;
    return path.join(this.dir, `${this.sequence}-${hint.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  }

  createStream(file: string): WriteStream {
    return createWriteStream(file, { highWaterMark: 1 << 20 });
  }

  /** Moves a completed temporary file to DIR/<relative>. */
  async commit(temp: string, relative: string): Promise<void> {
    const target = path.join(this.outDir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(temp, target);
  }

  /** Removes DIR/<relative> left by an earlier run when this run has nothing to write there. */
  async removeStale(relative: string): Promise<void> {
    try {
      await unlink(path.join(this.outDir, relative));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Ends a write stream and resolves once its bytes are flushed to the file. */
export async function endStream(stream: WriteStream): Promise<void> {
  stream.end();
  await finished(stream);
}
