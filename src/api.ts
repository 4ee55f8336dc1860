/**
 * The library's entry points over the pipeline: `scrub` runs what `spinescrub run` runs (in this thread, without
 * the CLI's worker and heap cap) and returns the run's summary; `loadPolicy` resolves a profile or policy file.
 * Problems with the options or the configuration throw a ScrubError; problems in the claims are findings.
 */
import path from 'node:path';
import type { InputFormat, IsoDate } from './encounter/model.js';
import { loadPolicy as loadPolicySet, type PolicySet } from './policy/load.js';
import { MAX_THREADS } from './pipeline/check-protocol.js';
import { runPipeline, type FailOn } from './pipeline/run.js';
import type { RunSummary } from './report/types.js';
import { rules } from './rules/index.js';

export interface ScrubOptions {
  /** The output directory (ready/, held/, exceptions.csv/.json, held-claims.csv, report.html, junit.xml). */
  out: string;
  /** A profile (`medicare`, `guide`) or a JSON policy file (schemas/policy.schema.json). Default `medicare`. */
  policy?: string;
  /** The SQLite history index the history rules read. Default: none (the history rules say so). */
  history?: string;
  /** Add this run's released claims to the history. Default true (only with `history`). */
  record?: boolean;
  /** Prior claim files to add to the history first (needs `history`). */
  prior?: string[];
  /** `exitCode` 1 when an open finding reaches this severity. Default `never`. */
  failOn?: FailOn;
  /** Hold a claim when a finding of this severity stays open. Default `error`. */
  holdOn?: 'error' | 'warning';
  /** Apply safe fixes. Default true. */
  fix?: boolean;
  /** The run date the date rules use. Default today (UTC). */
  asOf?: IsoDate;
  /** Files in flight at once. Default 1. */
  jobs?: number;
  /** Check workers: claims dealt out by patient to this many worker threads, the outputs the same. Default 1 (none). */
  threads?: number;
  /** Read every input as this format (default: detected from its content). */
  format?: InputFormat;
  /** Column maps for CSV exports with other headers. */
  csvMaps?: string[];
  /** Start the CSV files with a UTF-8 byte order mark. */
  csvBom?: boolean;
  /** Receives each log line (text); default: none are kept. */
  log?: (line: string) => void;
}

export interface ScrubResult {
  /** As the CLI's: 0 done, 1 an open finding at or above `failOn`, 3 an input could not be read. */
  exitCode: 0 | 1 | 3;
  summary: RunSummary;
  /** The files written (absolute paths). */
  files: { exceptionsCsv: string; exceptionsJson: string; heldClaimsCsv: string; report: string; junit: string; ready: string; held: string };
  seconds: number;
}

/** A usage or configuration problem (the CLI's exit 2): `code` is a CFG_*, HIST_* or RUN_* code. */
export class ScrubError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ScrubError';
    this.code = code;
  }
}

function today(): IsoDate {
  return new Date().toISOString().slice(0, 10);
}

/** A writable that hands each log line to `log` (or drops it). */
function logSink(log: ((line: string) => void) | undefined): NodeJS.WritableStream {
  return {
    write(chunk: string | Uint8Array): boolean {
      if (log) for (const line of String(chunk).split('\n')) if (line !== '') log(line);
      return true;
    },
  } as NodeJS.WritableStream;
}

/** Scrubs claim files (837P or CSV; directories are searched) into `options.out`. */
export async function scrub(inputs: string | readonly string[], options: ScrubOptions): Promise<ScrubResult> {
  if (typeof options?.out !== 'string' || options.out === '') throw new TypeError('Expected `out` to be an output directory');
  const list = typeof inputs === 'string' ? [inputs] : [...inputs];
  if (list.length === 0) throw new TypeError('Expected `inputs` to name at least one claim file or directory');
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new TypeError(`Expected \`jobs\` to be a whole number from 1 up, got ${String(options.jobs)}`);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new TypeError(`Expected \`threads\` to be a whole number from 1 to ${MAX_THREADS}, got ${String(options.threads)}`);
  const sink = logSink(options.log);
  const outcome = await runPipeline({
    inputs: list,
    outDir: options.out,
    ...(options.format ? { format: options.format } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    historyPath: options.history ?? null,
    record: options.record ?? true,
    prior: options.prior ?? [],
    failOn: options.failOn ?? 'never',
    holdOn: options.holdOn ?? 'error',
    jobs,
    threads,
    fix: options.fix ?? true,
    asOf: options.asOf ?? today(),
    quiet: options.log === undefined,
    logFormat: 'text',
    progress: false,
    csvMaps: options.csvMaps ?? [],
    csvBom: options.csvBom ?? false,
    stdout: sink,
    stderr: sink,
  });
  if (outcome.exitCode === 2 || !outcome.summary) {
    throw new ScrubError(outcome.error?.code ?? 'RUN_INTERNAL', outcome.error?.message ?? 'the run failed');
  }
  const out = path.resolve(options.out);
  return {
    exitCode: outcome.exitCode,
    summary: outcome.summary,
    files: {
      exceptionsCsv: path.join(out, 'exceptions.csv'),
      exceptionsJson: path.join(out, 'exceptions.json'),
      heldClaimsCsv: path.join(out, 'held-claims.csv'),
      report: path.join(out, 'report.html'),
      junit: path.join(out, 'junit.xml'),
      ready: path.join(out, 'ready'),
      held: path.join(out, 'held'),
    },
    seconds: outcome.seconds,
  };
}

/** A profile (`medicare`, `guide`; default `medicare`) or a JSON policy file, checked against the rules. */
export function loadPolicy(nameOrFile?: string): PolicySet {
  try {
    return loadPolicySet(nameOrFile, { rules });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') throw new ScrubError(code, (error as Error).message);
    throw error;
  }
}
