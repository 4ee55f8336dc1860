/**
 * `spinescrub run INPUTS… --out DIR`: argument parsing only; the run itself is src/pipeline/run.ts.
 * The handler returns the exit code (cli.ts passes it to the process).
 */
import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import type { InputFormat } from '../../encounter/model.js';
import { DEFAULT_HISTORY_PATH } from '../../history/defaults.js';
import type { FailOn } from '../../pipeline/run.js';
import { DEFAULT_UMASK } from '../../pipeline/staging.js';
import type { LogFormat } from '../../pipeline/log.js';
import { DEFAULT_MAX_HEAP_MB, runInWorker } from '../run-in-worker.js';
import { withStdin } from '../stdin.js';

export interface RunArgs {
  inputs: string[];
  out: string;
  format?: InputFormat;
  policy?: string;
  history: string;
  record: boolean;
  prior: string[];
  'fail-on': FailOn;
  'hold-on': 'error' | 'warning';
  jobs: number;
  fix: boolean;
  'as-of'?: string;
  quiet: boolean;
  'log-format': LogFormat;
  progress?: boolean;
  'csv-map': string[];
  'max-heap': number;
  umask?: string;
}

/** Today's date in UTC: the only place a run reads the clock (rules get it as `asOf`). */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <inputs..>',
  describe: 'Scrub claim files (837P or CSV) into DIR: ready/ and held/ claims, exceptions.csv/.json, report.html, junit.xml',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('inputs', {
        describe: 'claim files, directories (searched recursively for files that start with ISA, and .csv files), or - for standard input',
        type: 'string',
        array: true,
        demandOption: true,
      })
      .option('out', { alias: 'o', describe: 'output directory', type: 'string', demandOption: true, requiresArg: true })
      .option('format', { describe: 'read every input as this format (default: detected from the content)', choices: ['x12', 'csv'] as const })
      .option('policy', { describe: 'policy profile (medicare, guide) or a JSON policy file', type: 'string', requiresArg: true })
      .option('history', { describe: 'history database (SQLite)', type: 'string', default: DEFAULT_HISTORY_PATH, requiresArg: true })
      .option('record', { describe: 'record the claims released by this run in the history (--no-record: read it only)', type: 'boolean', default: true })
      .option('prior', { describe: 'prior claim files to add to the history before the run', type: 'string', array: true, default: [] as string[] })
      .option('fail-on', { describe: 'exit 1 when an open finding reaches this severity', choices: ['error', 'warning', 'never'] as const, default: 'never' as const })
      .option('hold-on', { describe: 'hold a claim when a finding of this severity remains open', choices: ['error', 'warning'] as const, default: 'error' as const })
      .option('jobs', { alias: 'j', describe: 'files processed in parallel', type: 'number', default: availableParallelism(), requiresArg: true })
      .option('fix', { describe: 'apply safe fixes (--no-fix: report only, every claim written as read)', type: 'boolean', default: true })
      .option('as-of', { describe: 'the run date for date rules, YYYY-MM-DD (default: today, UTC)', type: 'string', requiresArg: true })
      .option('quiet', { alias: 'q', describe: 'print warnings and errors only', type: 'boolean', default: false })
      .option('log-format', { describe: 'log lines on standard error', choices: ['text', 'json'] as const, default: 'text' as const })
      .option('progress', { describe: 'show progress (a bar on a terminal, a line every few seconds otherwise)', type: 'boolean' })
      .option('csv-map', {
        describe: 'JSON column map for CSV exports with other headers (repeat it: each CSV file uses the first map its header fits)',
        type: 'string',
        array: true,
        default: [] as string[],
      })
      .option('max-heap', {
        describe: 'memory limit of the run\'s JavaScript heap, in MiB (SQLite page caches come on top)',
        type: 'number',
        default: DEFAULT_MAX_HEAP_MB,
        requiresArg: true,
      })
      .option('umask', {
        describe: 'permissions of the outputs and a new history database, as an octal umask (default 077: folders 0700, files 0600, readable by you only; 022: readable by all)',
        type: 'string',
        requiresArg: true,
      })
      .check((args) => {
        if (args.umask !== undefined && !/^0?[0-7]{3}$/.test(args.umask)) throw new Error(`Expected \`--umask\` to be an octal umask like 077 or 022, got ${args.umask}`);
        if (!Number.isInteger(args['max-heap']) || args['max-heap'] < 32) throw new Error(`Expected \`--max-heap\` to be a whole number of MiB from 32 up, got ${String(args['max-heap'])}`);
        if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new Error(`Expected \`--jobs\` to be a whole number from 1 up, got ${String(args.jobs)}`);
        if (args['as-of'] !== undefined && !isIsoDate(args['as-of'])) throw new Error(`Expected \`--as-of\` to be a date YYYY-MM-DD, got ${args['as-of']}`);
        return true;
      })
      .example('$0 run /inbound/*.837 --out /outbound/2026-11-27 --history /var/lib/spinescrub/history.db', 'nightly job')
      .example('$0 run claims/ --out out --fail-on error --no-record', 'CI-style audit') as unknown as Argv<RunArgs>,
  handler: async (args: RunArgs): Promise<number> => {
    const umask = args.umask === undefined ? DEFAULT_UMASK : Number.parseInt(args.umask, 8);
    // Process-wide (a worker thread cannot set it): SQLite's -wal/-shm and every file of the run follow it.
    process.umask(umask);
    return runInWorker(
      {
        inputs: withStdin(args.inputs),
        outDir: args.out,
        ...(args.format ? { format: args.format } : {}),
        ...(args.policy ? { policy: args.policy } : {}),
        historyPath: args.history,
        record: args.record,
        prior: args.prior,
        failOn: args['fail-on'],
        holdOn: args['hold-on'],
        jobs: args.jobs,
        fix: args.fix,
        asOf: args['as-of'] ?? today(),
        quiet: args.quiet,
        logFormat: args['log-format'],
        ...(args.progress !== undefined ? { progress: args.progress } : {}),
        csvMaps: args['csv-map'],
        umask,
      },
      args['max-heap'],
    );
  },
} as unknown as CommandModule<object, RunArgs>;
