/**
 * `spinescrub run INPUTS… --out DIR`: argument parsing only; the run itself is src/pipeline/run.ts.
 * The handler returns the exit code (cli.ts passes it to the process). `--print-config` prints the options the
 * run would use (command line over config file over defaults), its policy and reference versions, and exits.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import type { InputFormat } from '../../encounter/model.js';
import { DEFAULT_HISTORY_PATH, isPostgresUrl, redactUrl } from '../../history/defaults.js';
import { DEFAULT_REFERENCE_PATH } from '../../reference/defaults.js';
import { MAX_THREADS } from '../../pipeline/check-protocol.js';
import type { FailOn } from '../../pipeline/run.js';
import { DEFAULT_UMASK } from '../../pipeline/staging.js';
import type { LogFormat } from '../../pipeline/log.js';
import { activeConfig } from '../config.js';
import { DEFAULT_MAX_HEAP_MB, runInWorker, type WorkerRunOptions } from '../run-in-worker.js';
import { withStdin } from '../stdin.js';

export interface RunArgs {
  inputs: string[];
  out?: string;
  'input-format'?: InputFormat;
  format?: InputFormat;
  policy?: string;
  /** false: `--no-history`. */
  history: string | false;
  record: boolean;
  prior: string[];
  'fail-on': FailOn;
  'hold-on': 'error' | 'warning';
  'max-warnings'?: number;
  jobs: number;
  /** undefined: `auto` (see pipeline/run.ts threadsOf). */
  threads?: number;
  fix: boolean;
  'as-of'?: string;
  quiet: boolean;
  'log-format': LogFormat;
  progress?: boolean;
  'csv-map': string[];
  'csv-bom': boolean;
  'max-heap': number;
  umask?: string;
  reference?: string;
  wait: number;
  'print-config': boolean;
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

/**
 * A coerce for whole-number options. The options have no yargs type, so a value that is not a number reaches it as
 * typed and the message shows it (`--jobs abc`), where `type: 'number'` would have made it NaN.
 */
export function wholeNumber(option: string, min: number, what: string): (value: unknown) => number {
  return (value: unknown) => {
    const text = String(Array.isArray(value) ? value[value.length - 1] : value).trim();
    const number = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min) throw new Error(`Expected \`--${option}\` to be ${what}, got ${text}`);
    return number;
  };
}

function seconds(value: unknown): number {
  const text = String(Array.isArray(value) ? value[value.length - 1] : value).trim();
  const number = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(number)) throw new Error(`Expected \`--wait\` to be a number of seconds from 0 up, got ${text}`);
  return number;
}

/** The run's options from the parsed arguments (command line, config file, defaults). */
export function runOptionsOf(args: RunArgs): WorkerRunOptions {
  const format = args['input-format'] ?? args.format;
  return {
    inputs: withStdin(args.inputs),
    outDir: args.out ?? '',
    ...(format ? { format } : {}),
    ...(args.policy ? { policy: args.policy } : {}),
    historyPath: args.history === false ? null : args.history,
    record: args.record,
    prior: args.prior,
    failOn: args['fail-on'],
    holdOn: args['hold-on'],
    ...(args['max-warnings'] !== undefined ? { maxWarnings: args['max-warnings'] } : {}),
    jobs: args.jobs,
    threads: args.threads ?? 'auto',
    maxHeapMb: args['max-heap'],
    fix: args.fix,
    asOf: args['as-of'] ?? today(),
    quiet: args.quiet,
    logFormat: args['log-format'],
    ...(args.progress !== undefined ? { progress: args.progress } : {}),
    csvMaps: args['csv-map'],
    csvBom: args['csv-bom'],
    umask: umaskOf(args),
    ...(args.reference !== undefined ? { referencePath: args.reference } : {}),
    waitSeconds: args.wait,
  };
}

function umaskOf(args: RunArgs): number {
  return args.umask === undefined ? DEFAULT_UMASK : Number.parseInt(args.umask, 8);
}

/** What `--print-config` prints: the resolved options under their config-file names, the policy and the reference versions. */
async function printConfig(args: RunArgs): Promise<number> {
  const options = runOptionsOf(args);
  const [{ ConfigError }, { loadPolicy }, { rules }, { defaultReference }] = await Promise.all([
    import('../../policy/errors.js'),
    import('../../policy/load.js'),
    import('../../rules/index.js'),
    import('../../reference/index.js'),
  ]);
  let policy;
  try {
    const set = loadPolicy(options.policy, { rules });
    policy = { ...set.default, ...(set.payers.length > 0 ? { payers: Object.fromEntries(set.payers.map((payer) => [payer, set.policyFor(payer)])) } : {}), origin: set.origin };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`spinescrub: ${error.message}\n`);
    return 2;
  }
  const printed = {
    configFile: activeConfig().file,
    options: {
      inputs: options.inputs,
      out: args.out ?? null,
      inputFormat: options.format ?? null,
      policy: options.policy ?? 'medicare',
      history: options.historyPath === undefined || options.historyPath === null ? false : isPostgresUrl(options.historyPath) ? redactUrl(options.historyPath) : options.historyPath,
      record: options.record,
      prior: options.prior,
      failOn: options.failOn,
      holdOn: options.holdOn,
      maxWarnings: options.maxWarnings ?? null,
      jobs: options.jobs,
      threads: options.threads ?? 'auto',
      fix: options.fix,
      asOf: options.asOf,
      quiet: options.quiet,
      logFormat: options.logFormat,
      progress: options.progress ?? !options.quiet,
      csvMap: options.csvMaps ?? [],
      maxHeap: args['max-heap'],
      wait: options.waitSeconds ?? 0,
      csvBom: options.csvBom ?? false,
      umask: (options.umask ?? DEFAULT_UMASK).toString(8).padStart(3, '0'),
      reference: args.reference ?? (existsSync(DEFAULT_REFERENCE_PATH) ? DEFAULT_REFERENCE_PATH : null),
    },
    policy,
    reference: defaultReference.versions(),
  };
  process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
  return 0;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run [inputs..]',
  describe: 'Scrub claim files (837P or CSV) into DIR: ready/ and held/ claims, exceptions.csv/.json, report.html, junit.xml',
  builder: (yargs: Argv<object>) =>
    (
      yargs
        .positional('inputs', {
          describe: 'claim files, directories (searched recursively for files that start with ISA, and .csv files), or - for standard input',
          type: 'string',
          array: true,
          default: [] as string[],
        })
        .option('out', { alias: 'o', describe: 'output directory (required)', type: 'string', requiresArg: true })
        .option('input-format', { describe: 'read every input as this format (default: detected from the content)', choices: ['x12', 'csv'] as const })
        .option('format', { describe: 'deprecated: --input-format', choices: ['x12', 'csv'] as const, hidden: true })
        .option('policy', { describe: 'policy profile (medicare, guide) or a JSON policy file', type: 'string', requiresArg: true })
        .option('history', {
          describe: 'history database: a SQLite file, or a postgres:// URL shared by several hosts (docs/history-postgres.md); --no-history: run without one',
          type: 'string',
          default: DEFAULT_HISTORY_PATH,
          requiresArg: true,
        })
        .option('reference', {
          describe: `reference database of imported CMS tables (default: ${DEFAULT_REFERENCE_PATH} when it exists; otherwise the shipped tables)`,
          type: 'string',
          requiresArg: true,
        })
        .option('record', { describe: 'record the claims released by this run in the history (--no-record: read it only, never create it)', type: 'boolean', default: true })
        .option('prior', { describe: 'prior claim files to add to the history before the run', type: 'string', array: true, default: [] as string[] })
        .option('fail-on', { describe: 'exit 1 when an open finding reaches this severity', choices: ['error', 'warning', 'never'] as const, default: 'never' as const })
        .option('hold-on', { describe: 'hold a claim when a finding of this severity remains open', choices: ['error', 'warning'] as const, default: 'error' as const })
        .option('max-warnings', { describe: 'exit 1 when more findings than this stay open as warnings', requiresArg: true, coerce: wholeNumber('max-warnings', 0, 'a whole number from 0 up') })
        .option('jobs', { alias: 'j', describe: `files processed in parallel [default: ${availableParallelism()}]`, requiresArg: true, coerce: wholeNumber('jobs', 1, 'a positive integer') })
        .option('threads', {
          alias: 't',
          describe: `check workers: claims are dealt out by patient, the outputs are the same whatever the number; each is another JavaScript heap of up to --max-heap [default: auto: cores - 1 from 4 cores up, about one per MiB of input, else 1 (${availableParallelism() < 4 ? 1 : availableParallelism() - 1} here at most)]`,
          requiresArg: true,
          coerce: (value: unknown) => {
            const threads = wholeNumber('threads', 1, `a whole number from 1 to ${MAX_THREADS}`)(value);
            if (threads > MAX_THREADS) throw new Error(`Expected \`--threads\` to be a whole number from 1 to ${MAX_THREADS}, got ${threads}`);
            return threads;
          },
        })
        .option('fix', { describe: 'apply safe fixes (--no-fix: report only, every claim written as read)', type: 'boolean', default: true })
        .option('as-of', { describe: 'the run date for date rules, YYYY-MM-DD (default: today, UTC)', type: 'string', requiresArg: true })
        .option('quiet', { alias: 'q', describe: 'report errors only (no progress, no text summary)', type: 'boolean', default: false })
        .option('log-format', { describe: 'log lines on standard error', choices: ['text', 'json'] as const, default: 'text' as const })
        .option('progress', { describe: 'show progress (a bar on a terminal, a line every few seconds otherwise)', type: 'boolean' })
        .option('csv-map', {
          describe: 'JSON column map for CSV exports with other headers (repeat it: each CSV file uses the first map its header fits)',
          type: 'string',
          array: true,
          default: [] as string[],
        })
        .option('csv-bom', {
          describe: 'start exceptions.csv and held-claims.csv with a UTF-8 byte order mark (Excel on Windows)',
          type: 'boolean',
          default: false,
        })
        .option('max-heap', {
          describe: "memory limit of the run's JavaScript heap, in MiB (SQLite page caches come on top)",
          default: DEFAULT_MAX_HEAP_MB,
          requiresArg: true,
          coerce: wholeNumber('max-heap', 32, 'a whole number of MiB from 32 up'),
        })
        .option('umask', {
          describe: 'permissions of the outputs and a new history database, as an octal umask (default 077: folders 0700, files 0600, readable by you only; 022: readable by all)',
          type: 'string',
          requiresArg: true,
        })
        .option('wait', { describe: 'seconds to wait for another run that holds DIR (or the history)', default: 0, requiresArg: true, coerce: seconds })
        .option('print-config', { describe: 'print the resolved options, policy and reference versions as JSON, and exit', type: 'boolean', default: false })
        .check((args) => {
          if (args['print-config']) return true;
          if (args.umask !== undefined && !/^0?[0-7]{3}$/.test(args.umask)) throw new Error(`Expected \`--umask\` to be an octal umask like 077 or 022, got ${args.umask}`);
          if (args.out === undefined || args.out === '') throw new Error('Missing required argument: out (--out DIR, or "out" in the config file)');
          if (args.inputs.length === 0) throw new Error('Name the inputs: claim files, directories, or - for standard input');
          if (args['as-of'] !== undefined && !isIsoDate(args['as-of'])) throw new Error(`Expected \`--as-of\` to be a date YYYY-MM-DD, got ${args['as-of']}`);
          return true;
        })
        .example('$0 run /inbound/*.837 --out /outbound/2026-11-27 --history /var/lib/spinescrub/history.db', 'nightly job')
        .example('$0 run claims/ --out out --fail-on error --no-record', 'CI-style audit')
    ) as unknown as Argv<RunArgs>,
  handler: async (args: RunArgs): Promise<number> => {
    if (args.jobs === undefined) args.jobs = availableParallelism();
    if (args.format !== undefined && args['input-format'] === undefined) {
      process.stderr.write('spinescrub: warning: --format is deprecated and goes in the next release: use --input-format\n');
    }
    if (args['print-config']) return printConfig(args);
    // Process-wide (a worker thread cannot set it): SQLite's -wal/-shm and every file of the run follow it.
    process.umask(umaskOf(args));
    return runInWorker(runOptionsOf(args), args['max-heap']);
  },
} as unknown as CommandModule<object, RunArgs>;
