/**
 * `spinescrub run` executes in a worker thread whose V8 heap is capped (resourceLimits): left to itself V8 lets a
 * long run's heap grow to several times what it holds alive, and a flag such as --max-old-space-size cannot be set
 * once the process has started. A worker keeps it one process: a kill stops the run with it (no orphan left
 * writing), standard input is piped to it, and its output goes through this process's stdout and stderr (a
 * terminal keeps its progress bar: the worker is told so).
 */
import { Worker } from 'node:worker_threads';
import { removeInterruptedRun } from '../pipeline/out-lock.js';
import type { RunOptions } from '../pipeline/run.js';

/** Exit codes of a run stopped by a signal (128 + the signal's number, as shells report it). */
export const INTERRUPTED_EXIT_CODE = 130;
export const TERMINATED_EXIT_CODE = 143;

/** The options a run takes across the thread boundary (streams and test hooks stay on this side). */
export type WorkerRunOptions = Omit<RunOptions, 'stdin' | 'stdout' | 'stderr' | 'rules' | 'reference' | 'onCommit'>;

export interface WorkerRunData {
  options: WorkerRunOptions;
  /** Standard error is a terminal here: its width (the worker's own stderr is a pipe, not a terminal). */
  terminal: { columns: number } | null;
}

/** Default cap of the old generation (MiB): keeps the heap near the live data; a lower cap costs CPU in collections. */
export const DEFAULT_MAX_HEAP_MB = 128;
/** Young generation (MiB): smaller costs CPU in scavenges, larger costs peak memory (docs/performance.md). */
const YOUNG_GENERATION_MB = 24;

/** The worker's module, beside this one (dist/cli/ or a bundle's directory). */
const WORKER_ENTRY = new URL('./run-worker.js', import.meta.url);
/**
 * Run from the TypeScript sources (tests, through tsx): tsx's loader is not inherited by a worker, so the worker
 * starts with a line that registers it (found from here, whatever the working directory) and then imports the source.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const SOURCE_WORKER = FROM_SOURCE
  ? // tsx by absolute URL: an eval'd worker resolves bare names from the working directory, which may be anywhere.
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./run-worker.ts', import.meta.url).href)}); })`
  : '';

export class RunOutOfMemory extends Error {
  constructor(readonly maxHeapMb: number) {
    super(
      `the run needed more memory than its limit (--max-heap ${maxHeapMb} MiB); outputs not yet complete were not written and ` +
        'files not yet committed were not recorded in the history: run it again with a larger --max-heap',
    );
  }
}

/** Runs the pipeline in a worker with a capped heap and resolves to its exit code. */
export function runInWorker(options: WorkerRunOptions, maxHeapMb = DEFAULT_MAX_HEAP_MB): Promise<number> {
  const readsStdin = options.inputs.includes('-');
  const data: WorkerRunData = {
    options,
    terminal: process.stderr.isTTY === true ? { columns: process.stderr.columns ?? 80 } : null,
  };
  const worker = new Worker(FROM_SOURCE ? SOURCE_WORKER : WORKER_ENTRY, {
    eval: FROM_SOURCE,
    // Node's own flags carry over (a loader, --cpu-prof), except --input-type, which a worker refuses.
    execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    stdin: readsStdin,
  });
  if (readsStdin && worker.stdin !== null) process.stdin.pipe(worker.stdin);
  return new Promise((resolve, reject) => {
    let exitCode: number | undefined;
    let failure: unknown;
    let committing = false;
    let interrupted: NodeJS.Signals | undefined;
    // Ctrl-C (SIGINT) or SIGTERM: the worker is stopped, its staging and lock removed, nothing else touched. Once
    // the outputs are moving to their final names the run finishes instead (a few renames), so DIR stays whole.
    const onSignal = (signal: NodeJS.Signals): void => {
      if (committing) {
        process.stderr.write(`spinescrub: ${signal}: finishing: the outputs are being put in place\n`);
        return;
      }
      if (interrupted !== undefined) return;
      interrupted = signal;
      void worker.terminate();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    worker.on('message', (message: { exitCode?: number; committing?: boolean }) => {
      if (message.committing === true) committing = true;
      if (message.exitCode !== undefined) exitCode = message.exitCode;
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (readsStdin) process.stdin.unpipe(worker.stdin ?? undefined);
      if (interrupted !== undefined && exitCode === undefined) {
        const signal = interrupted;
        void removeInterruptedRun(options.outDir).then(() => {
          // A progress bar may have hidden the cursor and left a line half drawn.
          if (process.stderr.isTTY === true) process.stderr.write('\u001b[?25h\n');
          process.stderr.write(`spinescrub: interrupted (${signal}): nothing written to ${options.outDir}\n`);
          resolve(signal === 'SIGINT' ? INTERRUPTED_EXIT_CODE : TERMINATED_EXIT_CODE);
        }, reject);
        return;
      }
      if (exitCode !== undefined) resolve(exitCode);
      else if ((failure as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') reject(new RunOutOfMemory(maxHeapMb));
      else reject(failure ?? new Error('the run stopped without an exit code'));
    });
  });
}
