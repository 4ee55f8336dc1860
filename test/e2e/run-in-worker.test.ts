/** The run's worker thread (src/cli/run-in-worker.ts): its heap cap holds, and hitting it is one clear error. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunOutOfMemory, runInWorker, type WorkerRunOptions } from '../../src/cli/run-in-worker.js';

const dir = mkdtempSync(path.join(tmpdir(), 'spinescrub-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (out: string): WorkerRunOptions => ({
  inputs: ['samples/clinic-b-errors.837'],
  outDir: path.join(dir, out),
  historyPath: null,
  record: false,
  prior: [],
  failOn: 'error',
  holdOn: 'error',
  jobs: 1,
  fix: true,
  asOf: '2026-11-27',
  quiet: true,
  logFormat: 'text',
  progress: false,
});

describe('runInWorker', () => {
  it('resolves to the run exit code (1: errors left open with --fail-on error)', async () => {
    await expect(runInWorker(options('ok'))).resolves.toBe(1);
  });

  it('rejects with RunOutOfMemory, naming the limit, when the heap cap is reached', async () => {
    const failure = await runInWorker(options('oom'), 4).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RunOutOfMemory);
    expect((failure as Error).message).toBe(
      'the run needed more memory than its limit (--max-heap 4 MiB); outputs not yet complete were not written and files not yet committed were not recorded in the history: run it again with a larger --max-heap',
    );
  });
});
