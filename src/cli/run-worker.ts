/** The worker thread of `spinescrub run` (see run-in-worker.ts): runs the pipeline and posts its exit code. */
import { parentPort, workerData } from 'node:worker_threads';
import { runPipeline } from '../pipeline/run.js';
import type { WorkerRunData } from './run-in-worker.js';

const { options, terminal } = workerData as WorkerRunData;
if (terminal !== null) {
  // This thread's stderr is a pipe to the main thread, whose stderr is the terminal: say so, for the progress bar.
  Object.assign(process.stderr, { isTTY: true, columns: terminal.columns });
}
const outcome = await runPipeline({ ...options, onCommit: () => parentPort?.postMessage({ committing: true }) });
parentPort?.postMessage({ exitCode: outcome.exitCode });
