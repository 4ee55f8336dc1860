/**
 * One `spinescrub run`: expand and prepare the inputs, ingest `--prior` files, process the files (p-limit),
 * then write the exception report, the HTML page and junit.xml, and move every output to its final name.
 * Returns the exit code (README "Exit codes": 0 done, 1 findings at or above --fail-on, 2 usage or configuration,
 * 3 an input could not be read); never calls process.exit.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { closeSync, createReadStream, createWriteStream, existsSync, openSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import type { InputFormat, IsoDate } from '../encounter/model.js';
import { formatDollars } from '../encounter/money.js';
import { DEFAULT_HISTORY_PATH, isPostgresUrl } from '../history/defaults.js';
import { HistoryError } from '../history/errors.js';
import { loadPolicy, type PolicySet } from '../policy/load.js';
import { ConfigError } from '../policy/errors.js';
import { CsvError } from '../csv/errors.js';
import { UsageError } from './errors.js';
import { defaultReference } from '../reference/index.js';
import { DEFAULT_REFERENCE_PATH } from '../reference/defaults.js';
import { ReferenceDataError } from '../reference/errors.js';
import { ImportedReference } from '../reference/imported/reference.js';
import type { ReferenceData } from '../reference/types.js';
import { createChecker } from './checker.js';
import { reportValidators } from './validators.js';
import { rules as allRules } from '../rules/index.js';
import type { RuleModule } from '../rules/types.js';
import { ReportAggregate } from '../report/aggregate.js';
import { readChunks, SyncFileWriter } from '../report/sync-file.js';
import { writeRunReports } from '../report/write-reports.js';
import { junitHead, junitSuiteError, junitSuiteOpen, JUNIT_SUITE_CLOSE, JUNIT_TAIL } from '../report/junit.js';
import type { HoldOn } from '../report/rows.js';
import type { ExceptionReportHead, FileSummary, RunSummary } from '../report/types.js';
import { noRunHistory, type RunHistory } from './history.js';
import { detectFormat, expandInputs, readHead, type InputFile, type SkippedInput } from './inputs.js';
import { acquireOutLock, type OutLock } from './out-lock.js';
import { outputNames } from './output-names.js';
import { createLogger, timestamp, type LogFormat, type Logger } from './log.js';
import { runVerdict } from './verdict.js';
import { chooseCsvMap, formatParts, loadCsvMap, openRunHistory, type FormatOptions } from './parts.js';
import { CheckPool, CheckWorkerError } from './check-pool.js';
import { MAX_THREADS } from './check-protocol.js';
import { processFile, type FileContext, type FileResult, type PreparedInput } from './process-file.js';
import { barProgress, lineProgress, noProgress, type Progress } from './progress.js';
import { DEFAULT_UMASK, modesOf, Staging, type Modes } from './staging.js';

const SKIP_REASONS: Record<SkippedInput['reason'], string> = {
  hidden: 'a hidden file or folder',
  'symbolic-link': 'a symbolic link (links are not followed in a folder: name the file itself to read it)',
  document: 'not a claim file (a column map, policy or document, by its extension)',
  'unknown-format': 'neither an 837P file (no ISA at the start) nor a .csv file',
  'output-folder': 'a spinescrub output folder (it holds .spinescrub-output): outputs are never read as inputs',
  'not-a-file': 'not a regular file (a device, socket or pipe)',
};

/** A UTF-16 byte order mark, or ASCII text in UTF-16 (every other byte NUL). */
function isUtf16(head: Buffer): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  if (head.length < 8) return false;
  const even = head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0;
  const odd = head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0;
  return even || odd;
}

/** Creates the history database file with the run's modes when it does not exist (SQLite gives -wal/-shm the same). */
function createPrivately(file: string, modes: Modes): void {
  try {
    closeSync(openSync(file, 'wx', modes.file));
  } catch {
    // There already (EEXIST), or not creatable: opening the history reports what is wrong with the path.
  }
}

/** A file system error as one line: the path, what it means, what to do. */
export function describeFsError(error: unknown, fallbackPath: string): string {
  const { code, path: where = fallbackPath, syscall } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${where} (${code}): check the permissions of the file or folder, or choose another path`;
    case 'ENOENT':
      return `${where} does not exist (ENOENT): check the path`;
    case 'EISDIR':
      return `${where} is a folder where a file is needed (EISDIR): name a file`;
    case 'ENOTDIR':
      return `${where}: part of the path is a file where a folder is needed (ENOTDIR): choose another path`;
    case 'EEXIST':
      return `${where} already exists and is in the way (EEXIST): move it or choose another path`;
    case 'EROFS':
      return `${where} is on a read-only file system (EROFS): choose a writable path`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on ${where} (${code}): free some space and run again`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files (${code}) at ${where}: raise the open-file limit (ulimit -n) or lower --jobs`;
    default:
      return `${where}: ${syscall ?? 'file system'} failed (${code ?? 'unknown error'}: ${(error as Error).message})`;
  }
}

export type FailOn = 'error' | 'warning' | 'never';

/** A check worker's heap limit when none is given (MiB), as the CLI's --max-heap default. */
export const DEFAULT_WORKER_HEAP_MB = 128;
/** Input bytes per check worker when their number is `auto`: a worker costs its start (loading the rules) and its heap. */
const BYTES_PER_AUTO_THREAD = 1024 * 1024;
/**
 * Cores below which `auto` checks on the run's thread alone: with check workers the run's thread still reads, writes
 * and records, every worker reads the file again, and each heap collects and compiles on its own, so a run takes
 * more CPU in all; on fewer cores that costs more than it gains (docs/performance.md, "Several cores").
 */
const AUTO_MIN_CORES = 4;

/**
 * The number of check workers of a run (1: none, the claims are checked on the run's thread) and, when it is 1 where
 * more were asked for, why.
 */
function threadsOf(options: RunOptions, bytesTotal: number): { threads: number; why?: string } {
  const asked = options.threads ?? 1;
  if (asked === 1) return { threads: 1 };
  const alone = (why: string) => (asked === 'auto' ? { threads: 1 } : { threads: 1, why });
  // A test's own rules or reference data are objects of this thread: they cannot be sent to a worker.
  if (options.rules !== undefined || options.reference !== undefined) return alone('the rules or reference data were given as objects');
  const cores = availableParallelism();
  // `auto` leaves a core to the run's thread.
  const threads = asked === 'auto' ? (cores < AUTO_MIN_CORES ? 1 : Math.min(cores - 1, Math.floor(bytesTotal / BYTES_PER_AUTO_THREAD))) : asked;
  return { threads: Math.max(1, Math.min(MAX_THREADS, threads)) };
}

export interface RunOptions {
  inputs: string[];
  outDir: string;
  format?: InputFormat;
  /** Profile name or policy file. */
  policy?: string;
  /** The history database; null runs without one (tests, benchmarks). */
  historyPath?: string | null;
  record: boolean;
  prior: string[];
  failOn: FailOn;
  holdOn: HoldOn;
  jobs: number;
  /**
   * Check workers (`--threads N`): claims are dealt out by patient to N worker threads and written back in input
   * order, the outputs the same whatever N. 1 (the default here): checked on the run's own thread. `auto`: cores − 1
   * from 4 cores up (about one per MiB of input), else 1.
   */
  threads?: number | 'auto';
  /** Each check worker's heap limit in MiB (the CLI's --max-heap; default DEFAULT_WORKER_HEAP_MB). */
  maxHeapMb?: number;
  fix: boolean;
  asOf: IsoDate;
  quiet: boolean;
  logFormat: LogFormat;
  /** undefined: on unless --quiet. Bars on a TTY, plain lines otherwise. */
  progress?: boolean;
  /** Column map files for CSV exports with other headers (each file uses the first that fits its header). */
  csvMaps?: string[];
  /** A UTF-8 byte order mark first in exceptions.csv and held-claims.csv (Excel on Windows). */
  csvBom?: boolean;
  /** Standard input, for `-`. */
  stdin?: Readable;
  /** Where the end summary goes (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** Where log lines go (default process.stderr). */
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
  /**
   * The permissions outputs and the history database are created with, as a umask (default 0o077: folders 0700,
   * files 0600: the outputs carry patient data). `--umask 022` gives 0755/0644.
   */
  umask?: number;
  /**
   * The reference database of imported CMS tables: a path, null for none; undefined uses ./spinescrub-reference.db
   * when that file exists (otherwise the shipped tables alone).
   */
  referencePath?: string | null;
  /** Seconds to wait for another run's lock on DIR or on the history (`--wait`); 0 or undefined: refuse at once. */
  waitSeconds?: number;
  /** Exit 1 when more findings than this stay open as warnings (`--max-warnings`). */
  maxWarnings?: number;
  /** Called once the outputs start moving to their final names (an interrupt then lets the run finish). */
  onCommit?: () => void;
  /** Tests: the rule list and reference data (default: the real ones). */
  rules?: readonly RuleModule<unknown>[];
  reference?: ReferenceData;
}

export interface RunOutcome {
  exitCode: 0 | 1 | 2 | 3;
  /** Exit 2: the usage, configuration or internal error, as logged. */
  error?: { code: string; message: string };
  summary?: RunSummary;
  seconds: number;
  bytes: number;
}

async function hashOf(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface Unreadable {
  index: number;
  summary: FileSummary;
}

function unreadableSummary(name: string, format: InputFormat | null, bytes: number, code: string, message: string): FileSummary {
  return {
    file: name,
    format,
    bytes,
    claims: 0,
    ready: 0,
    held: 0,
    correctedLines: 0,
    findings: 0,
    readable: false,
    problems: [{ code, message, envelope: false, fatal: true }],
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function formatDuration(seconds: number): string {
  return seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`;
}

/** The end summary: files, claims, ready, held, corrected lines, top rules, time, MB/s (counts only). */
export function endSummaryText(summary: RunSummary, seconds: number, bytes: number, outDir: string): string {
  const totals = summary.totals;
  const mbps = seconds > 0 ? bytes / (1024 * 1024) / seconds : 0;
  const top = summary.rules.slice(0, 5).map((rule) => `${rule.ruleId} ${rule.findings}`);
  const lines = [
    `spinescrub: ${plural(totals.files, 'file')}, ${plural(totals.claims, 'claim')}: ${totals.ready} ready, ${totals.held} held, ${plural(totals.correctedLines, 'corrected line')}, ${plural(totals.findings, 'finding')}${totals.unreadableFiles ? `; ${plural(totals.unreadableFiles, 'unreadable file')}` : ''}`,
    `charges: ${formatDollars(summary.chargesCents.total)}, held ${formatDollars(summary.chargesCents.held)}, flagged ${formatDollars(summary.chargesCents.flagged)}`,
    `top rules: ${top.length ? top.join(', ') : 'none'}`,
    `${formatDuration(seconds)}, ${mbps.toFixed(mbps < 10 ? 2 : 1)} MB/s → ${outDir}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The end summary with `--log-format json`: one object, counts, charges (integer cents) and the exit code. */
export function endSummaryJson(summary: RunSummary, seconds: number, bytes: number, outDir: string, exitCode: number, reasons: readonly string[], time: string): Record<string, unknown> {
  const totals = summary.totals;
  return {
    time,
    level: 'info',
    event: 'summary',
    message: 'run complete',
    out: outDir,
    exitCode,
    files: totals.files,
    claims: totals.claims,
    ready: totals.ready,
    held: totals.held,
    correctedLines: totals.correctedLines,
    findings: totals.findings,
    unreadableFiles: totals.unreadableFiles,
    chargesCents: summary.chargesCents,
    topRules: summary.rules.slice(0, 5).map((rule) => ({ ruleId: rule.ruleId, findings: rule.findings })),
    ...(reasons.length > 0 ? { reasons } : {}),
    seconds: Number(seconds.toFixed(3)),
    mbPerSecond: Number((seconds > 0 ? bytes / (1024 * 1024) / seconds : 0).toFixed(2)),
  };
}

/** Spools standard input to a staging file (it is read twice: format detection, and a broken envelope). */
async function spoolStdin(stdin: Readable, staging: Staging): Promise<string> {
  const file = staging.tempPath('stdin');
  await pipeline(stdin, createWriteStream(file));
  return file;
}

/** The run's reference database (see RunOptions.referencePath), or null for the shipped tables alone. */
function openReferenceDatabase(referencePath: string | null | undefined): ImportedReference | null {
  if (referencePath === null) return null;
  if (referencePath === undefined) {
    if (!existsSync(DEFAULT_REFERENCE_PATH)) return null;
    return ImportedReference.open(DEFAULT_REFERENCE_PATH, defaultReference);
  }
  return ImportedReference.open(referencePath, defaultReference);
}

export async function runPipeline(options: RunOptions): Promise<RunOutcome> {
  const startedAt = performance.now();
  const stderr = options.stderr ?? process.stderr;
  const stdout = options.stdout ?? process.stdout;
  const isTty = (stderr as NodeJS.WriteStream).isTTY === true;
  const logTime = (): string => timestamp(new Date(), options.logFormat);
  let progress: Progress = noProgress;
  const logger: Logger = createLogger({
    format: options.logFormat,
    quiet: options.quiet,
    write: (line) => {
      if (!progress.log(line)) stderr.write(line);
    },
  });
  let history: RunHistory = noRunHistory;
  let staging: Staging | null = null;
  let imported: ImportedReference | null = null;
  let outLock: OutLock | null = null;
  let pool: CheckPool | null = null;
  try {
    imported = options.reference === undefined ? openReferenceDatabase(options.referencePath) : null;
    const reference = options.reference ?? imported ?? defaultReference;
    const ruleList = options.rules ?? allRules;
    const policies: PolicySet = loadPolicy(options.policy, { rules: ruleList });
    const formatOptions: FormatOptions = {};
    formatOptions.csvMaps = (options.csvMaps ?? []).map((file) => loadCsvMap(file));

    outLock = await acquireOutLock(options.outDir, { waitSeconds: options.waitSeconds ?? 0, onWait: (message) => logger.info('lock-wait', message) });
    const modes = modesOf(options.umask ?? DEFAULT_UMASK);
    staging = await Staging.create(options.outDir, modes);
    formatOptions.tempDir = staging.dir;
    const expanded = await expandInputs(options.inputs, { exclude: [options.outDir] });
    for (const skipped of expanded.skipped) {
      // Hidden entries and documents (a column map beside the exports) are skipped by convention, logged for the
      // record; the others may be claims nobody meant to skip.
      const log = skipped.reason === 'hidden' || skipped.reason === 'document' ? logger.info : logger.warn;
      log('input-skipped', `${skipped.name}: skipped: ${SKIP_REASONS[skipped.reason]}`, { file: skipped.name, reason: skipped.reason });
    }
    if (expanded.files.length === 0 && expanded.missing.length === 0) {
      throw new UsageError('CFG_NO_INPUTS', `no claim files found in ${options.inputs.join(', ')} (files that start with ISA, or .csv files)`);
    }

    const historyPath = options.historyPath === undefined ? DEFAULT_HISTORY_PATH : options.historyPath;
    // Prepare: size, format (from the content unless --format), hash (the history knows files by their bytes).
    const prepared: PreparedInput[] = [];
    const unreadable: Unreadable[] = [];
    const shownOf = new Map<number, InputFile>();
    let index = 0;
    for (const file of expanded.files) {
      const position = index++;
      const source = file.path ?? (await spoolStdin(options.stdin ?? process.stdin, staging));
      const shown: InputFile = file;
      let bytes = 0;
      try {
        bytes = (await stat(source)).size;
        const head = await readHead(source, 64 * 1024);
        const format = options.format ?? detectFormat(head);
        if (bytes === 0) {
          unreadable.push({ index: position, summary: unreadableSummary(shown.name, null, 0, 'INPUT_EMPTY', `${shown.name}: the file is empty`) });
          continue;
        }
        if (isUtf16(head)) {
          unreadable.push({
            index: position,
            summary: unreadableSummary(shown.name, null, bytes, 'INPUT_UTF16', `${shown.name}: the file is UTF-16 text: spinescrub reads 837P and CSV files in ASCII or UTF-8 (save or export it as UTF-8 and run again)`),
          });
          continue;
        }
        if (!format) {
          unreadable.push({
            index: position,
            summary: unreadableSummary(shown.name, null, bytes, 'INPUT_UNKNOWN_FORMAT', `${shown.name}: neither an 837P file (no ISA at the start) nor a CSV export (no delimited header line)`),
          });
          continue;
        }
        const hash = historyPath === null ? '' : await hashOf(source);
        const csvMap = format === 'csv' ? chooseCsvMap(head, formatOptions.csvMaps) : undefined;
        prepared.push({ index: position, name: shown.name, path: source, format, bytes, outputName: '', hash, ...(csvMap ? { csvMap } : {}) });
        shownOf.set(position, shown);
      } catch (error) {
        unreadable.push({ index: position, summary: unreadableSummary(shown.name, null, bytes, 'INPUT_UNREADABLE', `${shown.name}: cannot read the file: ${describeFsError(error, shown.name)}`) });
      }
    }
    for (const missing of expanded.missing) {
      unreadable.push({ index: index++, summary: unreadableSummary(missing.name, null, 0, missing.code, missing.message) });
    }

    // Names under ready/ and held/: same-named files of different folders are mirrored by their relative path.
    const names = outputNames(prepared.map((input) => ({ file: shownOf.get(input.index)!, format: input.format })));
    prepared.forEach((input, at) => (input.outputName = names[at]!));

    if (historyPath !== null) {
      // Only a run that writes the history creates it; a read-only run without one checks against nothing.
      if ((options.record || options.prior.length > 0) && !isPostgresUrl(historyPath)) createPrivately(historyPath, modes);
      history = await openRunHistory(historyPath, prepared.map((input) => input.hash), options.record, reference, formatOptions, options.waitSeconds ?? 0, options.prior.length > 0);
      for (const prior of options.prior) {
        const found = await expandInputs([prior]);
        for (const missing of found.missing) throw new UsageError('CFG_PRIOR_NOT_FOUND', `--prior ${missing.message}`);
        for (const file of found.files) {
          if (file.path === null) throw new UsageError('CFG_PRIOR_STDIN', '--prior cannot read standard input');
          const result = await history.addPrior(file.path, file.name);
          logger.info('prior', `${file.name}: ${result.outcome === 'added' ? `${result.claims} claims added to the history` : 'already in the history'}`, { file: file.name, outcome: result.outcome, claims: result.claims });
        }
      }
      history.startRun();
    } else if (options.prior.length > 0) {
      throw new UsageError('CFG_PRIOR_WITHOUT_HISTORY', '--prior needs a history database (--history)');
    }

    const bytesTotal = prepared.reduce((sum, input) => sum + input.bytes, 0);
    const { threads, why } = threadsOf(options, bytesTotal);
    if (why !== undefined) logger.info('threads', `--threads: the claims are checked on one thread: ${why}`);
    if (threads > 1) {
      pool = CheckPool.start(
        threads,
        {
          ...(options.policy !== undefined ? { policy: options.policy } : {}),
          referencePath: imported?.path ?? null,
          asOf: options.asOf,
          fix: options.fix,
          holdOn: options.holdOn,
          history: history.available,
          record: options.record,
          tempDir: staging.dir,
        },
        options.maxHeapMb ?? DEFAULT_WORKER_HEAP_MB,
      );
      pool.useStore(history.sharedStore?.() ?? null, prepared.map((input) => input.hash));
    }
    const wantProgress = options.progress ?? !options.quiet;
    if (wantProgress) progress = isTty ? barProgress(prepared.length, bytesTotal, stderr as NodeJS.WriteStream) : lineProgress(prepared.length, bytesTotal, logger);

    // Rows are checked against the report's schema as each file spills them; the summary at the end.
    const validators = await reportValidators();
    const checker = createChecker(ruleList, policies, reference, { asOf: options.asOf, fix: options.fix, holdOn: options.holdOn });
    const context: FileContext = {
      staging,
      formats: formatParts(formatOptions),
      check: checker.check,
      normalize: checker.normalize,
      history,
      record: options.record,
      holdOn: options.holdOn,
      progress,
      validateRow: validators.row,
      validateHeld: validators.held,
      ...(pool !== null ? { pool } : {}),
      onConflict: (file, attempt) =>
        logger.info('history-conflict', `${file}: another run recorded some of its patients while it was checked: checking it again (retry ${attempt})`, { file, attempt }),
    };

    // Files in parallel (p-limit); with a history index each file's claims are checked after the files before
    // it are done, so a claim sees the same earlier claims whatever --jobs is.
    const limit = pLimit(Math.max(1, options.jobs));
    let previous: Promise<void> = Promise.resolve();
    const tasks = prepared.map((input) => {
      const turn = previous;
      let release!: () => void;
      previous = new Promise<void>((resolve) => {
        release = resolve;
      });
      return limit(async (): Promise<FileResult> => {
        // Check workers take one file at a time (their passes follow each other).
        if (history.available || pool !== null) await turn;
        try {
          const result = await processFile(input, context);
          for (const problem of result.summary.problems) {
            // A broken envelope or a reader that stopped makes the file unreadable (exit 3): an error, not a warning.
            const log = problem.envelope || problem.fatal ? logger.error : logger.warn;
            log('file-problem', problem.message, { file: input.name, code: problem.code });
          }
          logger.info('file-done', `${input.name}: ${plural(result.summary.claims, 'claim')}, ${result.summary.ready} ready, ${result.summary.held} held`, {
            file: input.name,
            claims: result.summary.claims,
            ready: result.summary.ready,
            held: result.summary.held,
            correctedLines: result.summary.correctedLines,
            history: result.history,
          });
          return result;
        } finally {
          release();
        }
      });
    });
    // Wait for every file even when one fails, so no stream is still writing when the staging directory goes.
    const settled = await Promise.allSettled(tasks);
    const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    const results = settled.map((outcome) => (outcome as PromiseFulfilledResult<FileResult>).value);
    progress.stop();
    progress = noProgress;
    if (pool !== null) {
      // The workers' questions to the imported reference count in its usage summary.
      await pool.finish(imported);
      pool = null;
    }

    // Assemble in input order.
    const ordered: ({ kind: 'done'; result: FileResult } | { kind: 'unreadable'; summary: FileSummary; index: number })[] = [
      ...results.map((result) => ({ kind: 'done' as const, result })),
      ...unreadable.map((entry) => ({ kind: 'unreadable' as const, summary: entry.summary, index: entry.index })),
    ].sort((a, b) => (a.kind === 'done' ? a.result.index : a.index) - (b.kind === 'done' ? b.result.index : b.index));

    const aggregate = new ReportAggregate();
    const files: FileSummary[] = [];
    const conservation: string[] = [];
    for (const entry of ordered) {
      if (entry.kind === 'done') {
        aggregate.merge(entry.result.aggregate);
        files.push(entry.result.summary);
        if (entry.result.conservation) {
          // Never expected: the file's outputs cannot be trusted (processFile kept none of them, nor its claims in
          // the history); it is reported like an unreadable file (exit 3). Its stale outputs go at the commit below.
          conservation.push(entry.result.conservation);
          entry.result.summary.problems.push({ code: 'RUN_CONSERVATION', message: entry.result.conservation, envelope: false, fatal: true });
          entry.result.summary.readable = false;
        }
      } else {
        files.push(entry.summary);
        for (const problem of entry.summary.problems) logger.error('file-unreadable', problem.message, { file: entry.summary.file, code: problem.code });
      }
    }
    for (const message of conservation) logger.error('conservation', `RUN_CONSERVATION: ${message}`);

    const unreadableList = files
      .filter((file) => !file.readable)
      .flatMap((file) => file.problems.filter((problem) => problem.envelope || problem.fatal).slice(0, 1).map((problem) => ({ file: file.file, code: problem.code, message: problem.message })));
    const summary: RunSummary = {
      options: { fix: options.fix, holdOn: options.holdOn, failOn: options.failOn, record: options.record && history.available, history: history.available },
      totals: {
        files: files.length,
        claims: aggregate.claims,
        ready: aggregate.ready,
        held: aggregate.held,
        correctedLines: aggregate.correctedLines,
        findings: aggregate.findings,
        unreadableFiles: unreadableList.length,
      },
      chargesCents: { total: aggregate.chargeCents, held: aggregate.heldChargeCents, flagged: aggregate.flaggedChargeCents },
      files,
      unreadable: unreadableList,
      rules: aggregate.rules(),
      judgedBy: aggregate.judgedBy(),
      policy: {
        ...policies.default,
        ...(policies.payers.length > 0 ? { payers: Object.fromEntries(policies.payers.map((payer) => [payer, policies.policyFor(payer)])) } : {}),
        payerClasses: policies.classes,
        origin: policies.origin,
      },
      reference: reference.versions(),
      ...(imported !== null ? { referenceVersions: imported.usage() } : {}),
    };
    validators.summary(summary);
    for (const table of summary.referenceVersions?.tables ?? []) {
      if (table.uncovered === null) continue;
      const { dates, first, last } = table.uncovered;
      logger.warn(
        'reference-uncovered',
        `${table.title}: no imported version covers ${plural(dates, 'date')} of service (${first === last ? first : `${first} to ${last}`}); the shipped tables answered for ${dates === 1 ? 'it' : 'them'}`,
        { code: 'REF_UNCOVERED', table: table.table, dates },
      );
    }
    const head: ExceptionReportHead = { tool: 'spinescrub', schemaVersion: 1, asOf: options.asOf, summary };

    // Reports, into staging.
    const doneResults = results.slice().sort((a, b) => a.index - b.index);
    const csvTemp = staging.tempPath('exceptions.csv');
    const jsonTemp = staging.tempPath('exceptions.json');
    const heldCsvTemp = staging.tempPath('held-claims.csv');
    const htmlTemp = staging.tempPath('report.html');
    const spills = doneResults.flatMap((result) => (result.rowsSpill === null || result.csvSpill === null ? [] : [{ json: result.rowsSpill, csv: result.csvSpill }]));
    const heldSpills = doneResults.flatMap((result) => (result.heldSpill === null ? [] : [{ spill: result.heldSpill, index: result.heldIndex }]));
    writeRunReports(head, aggregate, spills, heldSpills, { exceptionsCsv: csvTemp, exceptionsJson: jsonTemp, heldCsv: heldCsvTemp, html: htmlTemp }, { csvBom: options.csvBom === true });

    const junitTemp = staging.tempPath('junit.xml');
    const resultByName = new Map(doneResults.map((result) => [result.summary.file, result]));
    writeJunitFile(
      junitTemp,
      junitHead(summary.totals),
      files.map((file) => ({ open: junitSuiteOpen(file), error: junitSuiteError(file), spill: resultByName.get(file.file)?.junitSpill ?? null })),
    );

    // Commit: the outputs move into this run's directory, which then becomes DIR's outputs in one switch.
    options.onCommit?.();
    for (const result of doneResults) {
      const name = prepared.find((input) => input.index === result.index)!.outputName;
      for (const kind of ['ready', 'held'] as const) {
        const temp = result[kind];
        if (temp) await staging.commit(temp, path.join(kind, name));
      }
    }
    await staging.commit(csvTemp, 'exceptions.csv');
    await staging.commit(jsonTemp, 'exceptions.json');
    await staging.commit(heldCsvTemp, 'held-claims.csv');
    await staging.commit(htmlTemp, 'report.html');
    await staging.commit(junitTemp, 'junit.xml');
    await staging.publish();
    staging = null;

    const seconds = (performance.now() - startedAt) / 1000;
    const bytes = bytesTotal;
    const verdict = runVerdict({ open: aggregate.open, claimsOpen: aggregate.claimsOpen, unreadable: summary.totals.unreadableFiles + conservation.length }, options.failOn, options.maxWarnings);
    if (options.logFormat === 'json') {
      // The end summary is the run's record for scripts: one JSON object on standard output, --quiet or not.
      stdout.write(`${JSON.stringify(endSummaryJson(summary, seconds, bytes, options.outDir, verdict.exitCode, verdict.reasons, logTime()))}\n`);
    } else if (!options.quiet) {
      stdout.write(endSummaryText(summary, seconds, bytes, options.outDir));
    }
    for (const reason of verdict.reasons) logger.error('fail', reason, { code: 'RUN_FAIL_ON' });
    const exitCode: RunOutcome['exitCode'] = verdict.exitCode;
    return { exitCode, summary, seconds, bytes };
  } catch (error) {
    progress.stop();
    if (error instanceof CheckWorkerError) {
      logger.error('internal', error.message, { code: 'RUN_WORKER' });
      return { exitCode: 2, error: { code: 'RUN_WORKER', message: error.message }, seconds: (performance.now() - startedAt) / 1000, bytes: 0 };
    }
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof CsvError || error instanceof HistoryError || error instanceof ReferenceDataError) {
      logger.error('usage', error.message, { code: error.code });
      return { exitCode: 2, error: { code: error.code, message: error.message }, seconds: (performance.now() - startedAt) / 1000, bytes: 0 };
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      // The file system refused (a full disk, a permission, a path that is not what it should be): what, where and
      // what to do, in one line; this run's partial outputs are removed (finally) and the earlier ones are untouched.
      const message = code === 'ENOSPC' || code === 'EDQUOT' ? `no space left on ${options.outDir} (${code}): this run's partial outputs were removed and the earlier outputs are unchanged; free some space and run again` : describeFsError(error, options.outDir);
      logger.error('filesystem', message, { code });
      return { exitCode: 2, error: { code, message }, seconds: (performance.now() - startedAt) / 1000, bytes: 0 };
    }
    // A bug, not a claim problem: one line (the outputs of earlier runs are left as they were), exit 2 like ESLint.
    const message = `internal error: ${(error as Error).message}`;
    logger.error('internal', message, { code: 'RUN_INTERNAL' });
    return { exitCode: 2, error: { code: 'RUN_INTERNAL', message }, seconds: (performance.now() - startedAt) / 1000, bytes: 0 };
  } finally {
    await pool?.terminate();
    await Promise.resolve(history.close()).catch(() => undefined);
    imported?.close();
    if (staging) await staging.dispose().catch(() => undefined);
    await outLock?.release();
  }
}

/**
 * junit.xml: its head, each file's suite around the file's spill of test cases (copied as bytes), its tail. Written
 * with synchronous calls through one reused buffer: a stream copy allocates a new buffer per chunk, and those dead
 * buffers would set a large run's peak memory.
 */
function writeJunitFile(file: string, head: string, suites: readonly { open: string; error: string; spill: string | null }[]): void {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const out = new SyncFileWriter(file);
  try {
    out.text(head);
    for (const suite of suites) {
      out.text(suite.open);
      out.text(suite.error);
      if (suite.spill !== null) readChunks(suite.spill, buffer, (bytes) => out.bytes(bytes));
      out.text(JUNIT_SUITE_CLOSE);
    }
    out.text(JUNIT_TAIL);
  } finally {
    out.close();
  }
}
