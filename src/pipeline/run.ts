/**
 * One `spinescrub run`: expand and prepare the inputs, ingest `--prior` files, process the files (p-limit),
 * then write the exception report, the HTML page and junit.xml, and move every output to its final name.
 * Returns the exit code (DESIGN.md: 0 done, 1 findings at or above --fail-on, 2 usage or configuration,
 * 3 an input could not be read); never calls process.exit.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Claim, InputFormat, IsoDate } from '../encounter/model.js';
import { formatDollars } from '../encounter/money.js';
import { normalizeClaim } from '../encounter/normalize.js';
import { DEFAULT_HISTORY_PATH, HistoryError } from '../history/store.js';
import type { HistoryView } from '../history/view.js';
import { loadPolicy, type PolicySet } from '../policy/load.js';
import { ConfigError } from '../policy/errors.js';
import { CsvError } from '../csv/errors.js';
import { UsageError } from './errors.js';
import { defaultReference } from '../reference/index.js';
import type { ReferenceData } from '../reference/types.js';
import { checkClaim } from '../rules/engine.js';
import { rules as allRules } from '../rules/index.js';
import type { RuleModule } from '../rules/types.js';
import { ReportAggregate } from '../report/aggregate.js';
import { writeChunk, writeExceptionFilesFromSpills } from '../report/exceptions.js';
import { readChunks, SyncFileWriter } from '../report/sync-file.js';
import { renderHtmlReport } from '../report/html.js';
import { junitHead, junitSuiteError, junitSuiteOpen, JUNIT_SUITE_CLOSE, JUNIT_TAIL } from '../report/junit.js';
import type { HoldOn } from '../report/rows.js';
import type { ExceptionReportHead, ExceptionRow, FileSummary, RunSummary } from '../report/types.js';
import { noRunHistory, type RunHistory } from './history.js';
import { detectFormat, expandInputs, readHead, type InputFile } from './inputs.js';
import { acquireOutLock, type OutLock } from './out-lock.js';
import { outputNames } from './output-names.js';
import { createLogger, timestamp, type LogFormat, type Logger } from './log.js';
import { runVerdict } from './verdict.js';
import { chooseCsvMap, formatParts, loadCsvMap, SqliteRunHistory, type FormatOptions } from './parts.js';
import { processFile, type FileContext, type FileResult, type PreparedInput } from './process-file.js';
import { barProgress, lineProgress, noProgress, type Progress } from './progress.js';
import { endStream, Staging } from './staging.js';

export type FailOn = 'error' | 'warning' | 'never';

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
  fix: boolean;
  asOf: IsoDate;
  quiet: boolean;
  logFormat: LogFormat;
  /** undefined: on unless --quiet. Bars on a TTY, plain lines otherwise. */
  progress?: boolean;
  /** Column map files for CSV exports with other headers (each file uses the first that fits its header). */
  csvMaps?: string[];
  /** Standard input, for `-`. */
  stdin?: Readable;
  /** Where the end summary goes (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** Where log lines go (default process.stderr). */
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Seconds to wait for another run's lock on DIR (`--wait`); 0 or undefined: refuse at once (out-lock.ts). */
  waitSeconds?: number;
  /** Exit 1 when more findings than this stay open as warnings (`--max-warnings`). */
  maxWarnings?: number;
  /** Called once the outputs start moving to their final names (an interrupt then lets the run finish). */
  onCommit?: () => void;
  /** Tests: the rule list and reference data (default: the real ones). */
  rules?: readonly RuleModule<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  reference?: ReferenceData;
}

export interface RunOutcome {
  exitCode: 0 | 1 | 2 | 3;
  summary?: RunSummary;
  seconds: number;
  bytes: number;
}

const schemaUrl = new URL('../../schemas/exceptions.schema.json', import.meta.url);

/** Validators for one finding and the summary (a run validates what it writes, streaming). */
async function reportValidators(): Promise<{ row(row: ExceptionRow): void; summary(summary: RunSummary): void }> {
  const { readFile } = await import('node:fs/promises');
  const schema = JSON.parse(await readFile(schemaUrl, 'utf8')) as { $id: string };
  // validateSchema off: checking our own committed schema against the 2020-12 meta-schema cost ~45 ms a run
  // (test/report/exceptions.test.ts compiles it with the meta-schema check); rows are validated the same.
  const ajv = new Ajv2020({ allErrors: false, strict: true, validateSchema: false });
  ajv.addSchema(schema);
  const finding = ajv.getSchema(`${schema.$id}#/$defs/finding`);
  const summary = ajv.getSchema(`${schema.$id}#/$defs/summary`);
  if (!finding || !summary) throw new Error('exceptions.schema.json: $defs finding/summary missing');
  const check = (validate: typeof finding, value: unknown, what: string): void => {
    if (!validate(value)) {
      const error = validate.errors?.[0];
      throw new Error(`internal: ${what} does not match schemas/exceptions.schema.json: ${error?.instancePath ?? ''} ${error?.message ?? ''}`);
    }
  };
  return { row: (row) => check(finding, row, 'a finding'), summary: (value) => check(summary, value, 'the summary') };
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
  let outLock: OutLock | null = null;
  try {
    const reference = options.reference ?? defaultReference;
    const ruleList = options.rules ?? allRules;
    const policies: PolicySet = loadPolicy(options.policy, { rules: ruleList });
    const formatOptions: FormatOptions = {};
    formatOptions.csvMaps = (options.csvMaps ?? []).map((file) => loadCsvMap(file));

    outLock = await acquireOutLock(options.outDir, { waitSeconds: options.waitSeconds ?? 0, onWait: (message) => logger.info('lock-wait', message) });
    staging = await Staging.create(options.outDir);
    formatOptions.tempDir = staging.dir;
    const expanded = await expandInputs(options.inputs, { exclude: [options.outDir] });
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
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
        unreadable.push({ index: position, summary: unreadableSummary(shown.name, null, bytes, 'INPUT_UNREADABLE', `${shown.name}: cannot read the file (${code})`) });
      }
    }
    for (const missing of expanded.missing) {
      unreadable.push({ index: index++, summary: unreadableSummary(missing.name, null, 0, missing.code, missing.message) });
    }

    // Names under ready/ and held/: same-named files of different folders are mirrored by their relative path.
    const names = outputNames(prepared.map((input) => ({ file: shownOf.get(input.index)!, format: input.format })));
    prepared.forEach((input, at) => (input.outputName = names[at]!));

    if (historyPath !== null) {
      history = SqliteRunHistory.open(historyPath, prepared.map((input) => input.hash), options.record, reference, formatOptions, options.prior.length > 0);
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
    const wantProgress = options.progress ?? !options.quiet;
    if (wantProgress) progress = isTty ? barProgress(prepared.length, bytesTotal, stderr as NodeJS.WriteStream) : lineProgress(prepared.length, bytesTotal, logger);

    // The engine normalizes every claim it checks: the history gets that normalized claim instead of a second
    // normalization (remembered by the identity of the claim it returned; claims are never mutated).
    let lastChecked: Claim | null = null;
    let lastNormalized: Claim | null = null;
    // Rows are checked against the report's schema as each file spills them; the summary at the end.
    const validators = await reportValidators();
    const context: FileContext = {
      staging,
      formats: formatParts(formatOptions),
      check: (claim: Claim, view: HistoryView) => {
        const checked = checkClaim(claim, {
          rules: ruleList,
          policy: policies.policyFor(claim.payerId),
          reference,
          history: view,
          asOf: options.asOf,
          fix: options.fix,
          holdOn: options.holdOn,
        });
        lastChecked = checked.result.claim;
        lastNormalized = checked.normalized;
        return checked.result;
      },
      normalize: (claim: Claim) => (claim === lastChecked && lastNormalized ? lastNormalized : normalizeClaim(claim, reference)),
      history,
      record: options.record,
      holdOn: options.holdOn,
      progress,
      validateRow: validators.row,
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
        if (history.available) await turn;
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
      policy: {
        ...policies.default,
        ...(policies.payers.length > 0 ? { payers: Object.fromEntries(policies.payers.map((payer) => [payer, policies.policyFor(payer)])) } : {}),
        origin: policies.origin,
      },
      reference: reference.versions(),
    };
    validators.summary(summary);
    const head: ExceptionReportHead = { tool: 'spinescrub', schemaVersion: 1, asOf: options.asOf, summary };

    // Reports, into staging.
    const doneResults = results.slice().sort((a, b) => a.index - b.index);
    const csvTemp = staging.tempPath('exceptions.csv');
    const jsonTemp = staging.tempPath('exceptions.json');
    const spills = doneResults.flatMap((result) => (result.rowsSpill === null || result.csvSpill === null ? [] : [{ json: result.rowsSpill, csv: result.csvSpill }]));
    writeExceptionFilesFromSpills(head, spills, csvTemp, jsonTemp);

    const htmlTemp = staging.tempPath('report.html');
    const htmlOut = staging.createStream(htmlTemp);
    await writeChunk(htmlOut, renderHtmlReport(head, aggregate));
    await endStream(htmlOut);

    const junitTemp = staging.tempPath('junit.xml');
    const resultByName = new Map(doneResults.map((result) => [result.summary.file, result]));
    writeJunitFile(
      junitTemp,
      junitHead(summary.totals),
      files.map((file) => ({ open: junitSuiteOpen(file), error: junitSuiteError(file), spill: resultByName.get(file.file)?.junitSpill ?? null })),
    );

    // Commit: every output moves to its final name; outputs of an earlier run that this run has none of go.
    options.onCommit?.();
    for (const result of doneResults) {
      const name = prepared.find((input) => input.index === result.index)!.outputName;
      for (const kind of ['ready', 'held'] as const) {
        const temp = result[kind];
        const relative = path.join(kind, name);
        if (temp) await staging.commit(temp, relative);
        else await staging.removeStale(relative);
      }
    }
    await staging.commit(csvTemp, 'exceptions.csv');
    await staging.commit(jsonTemp, 'exceptions.json');
    await staging.commit(htmlTemp, 'report.html');
    await staging.commit(junitTemp, 'junit.xml');
    await staging.dispose();
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
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof CsvError || error instanceof HistoryError) {
      logger.error('usage', error.message, { code: error.code });
      return { exitCode: 2, seconds: (performance.now() - startedAt) / 1000, bytes: 0 };
    }
    // A bug, not a claim problem: one line (the outputs of earlier runs are left as they were), exit 2 like ESLint.
    logger.error('internal', `internal error: ${(error as Error).message}`, { code: 'RUN_INTERNAL' });
    return { exitCode: 2, seconds: (performance.now() - startedAt) / 1000, bytes: 0 };
  } finally {
    history.close();
    if (staging) await staging.dispose().catch(() => undefined);
    await outLock?.release();
  }
}

/**
 * junit.xml: its head, each file's suite around the file's spill of test cases (copied as bytes), its tail. Written
 * with synchronous calls through one reused buffer: a stream copy allocated a new buffer per chunk, and those dead
 * buffers (tens of MB before a collection) were the 200 MB run's peak RSS.
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
