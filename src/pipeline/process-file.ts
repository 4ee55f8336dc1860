/**
 * One input file through the pipeline: read → validate (the engine normalizes) → write each claim to the
 * ready or held writer of its file → exception rows and JUnit cases spilled to the staging directory (never all
 * in memory) → the file's released claims recorded in the history. A file whose envelope turns out broken (known only at
 * its end) is processed again with every claim held, so nothing from it is released.
 */
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { ReadStream, WriteStream } from 'node:fs';
import type { CsvColumnMap } from '../csv/columns.js';
import type { Claim, InputFormat } from '../encounter/model.js';
import type { HistoryView } from '../encounter/history-view.js';
import type { ClaimResult } from '../rules/types.js';
import { ReportAggregate } from '../report/aggregate.js';
import { spillCsvRecord, spillJsonRecord } from '../report/exceptions.js';
import { HeldIndex, heldRecordOf, type HeldRecord } from '../report/held.js';
import { spillJunitTestCase } from '../report/junit.js';
import { SpillFile } from '../report/sync-file.js';
import { correctedLinesOf, rowsOfClaim, type HoldingProblem, type HoldOn } from '../report/rows.js';
import type { ExceptionRow, FileProblemSummary, FileSummary, HistoryOutcome } from '../report/types.js';
import { HistoryError } from '../history/errors.js';
import type { RunHistory } from './history.js';
import type { Progress } from './progress.js';
import { endStream, type Staging } from './staging.js';
import type { ClaimReader, ClaimWriter, FileProblem, ReadClaim, ReadyClaims } from '../formats/types.js';
import { CheckWorkerError, type CheckPool } from './check-pool.js';

/** How the run reads and writes one format (parts.ts wires the real x12/ and csv/ modules). */
export interface FormatParts {
  /** `input` is the file's read stream (readers that know its path may read it twice). */
  open(format: InputFormat, input: ReadStream, name: string, csvMap?: CsvColumnMap): ClaimReader;
  writer(format: InputFormat, reader: ClaimReader, out: WriteStream): ClaimWriter;
}

export interface FileContext {
  staging: Staging;
  formats: FormatParts;
  /**
   * The engine for one claim, with the run's policy, reference, rules, date and fix setting bound; `noFix`: the
   * claim is checked but nothing of it is changed (a claim of a broken envelope may be incomplete: its money and
   * lines are written as read).
   */
  check(claim: Claim, history: HistoryView, noFix?: boolean): ClaimResult;
  /** Normalizes a claim for the history (the engine returns the input object when nothing changed). */
  normalize(claim: Claim): Claim;
  history: RunHistory;
  record: boolean;
  holdOn: HoldOn;
  progress: Progress;
  /** Checks an exception row against the report's schema (throws when it does not match), as it is spilled. */
  validateRow?(row: ExceptionRow): void;
  /** Another run recorded some of the file's patients while it was checked: it is checked again (logged). */
  onConflict?(file: string, attempt: number): void;
  /** Checks a held claim's work-queue entry against the report's schema, as it is spilled. */
  validateHeld?(record: HeldRecord): void;
  /** Check workers (`--threads N`, N > 1): the claims are checked there (runThreadedPass); undefined: on this thread. */
  pool?: CheckPool;
}

export interface PreparedInput {
  /** Position in the run's input order. */
  index: number;
  name: string;
  path: string;
  format: InputFormat;
  bytes: number;
  outputName: string;
  hash: string;
  /** CSV: the column map the file is read with (undefined: the default column set). */
  csvMap?: CsvColumnMap;
}

export interface FileResult {
  index: number;
  summary: FileSummary;
  aggregate: ReportAggregate;
  /** Exception rows of the file, one JSON object per line (spillLine), in report order (null: none to report). */
  rowsSpill: string | null;
  /** The same rows as CSV records (csvRecord). */
  csvSpill: string | null;
  junitSpill: string | null;
  /** The file's held claims, one JSON record a line (HeldIndex says where each lies; null: none kept). */
  heldSpill: string | null;
  heldIndex: HeldIndex;
  /** Completed temporary files to commit as ready/<outputName> and held/<outputName>. */
  ready: string | null;
  held: string | null;
  /**
   * Set when claims in ≠ ready + held (never expected: the run fails with exit 3). Then nothing of the file is
   * kept: no ready/held output, no rows or test cases, no claim in the history; its summary counts no claim.
   */
  conservation: string | null;
  /** What happened in the history (logged; not in the report, which must not change on a re-run). */
  history: HistoryOutcome;
}

function problemSummary(problem: FileProblem): FileProblemSummary {
  return { code: problem.code, message: problem.message, envelope: problem.envelope, fatal: problem.fatal };
}

/** A writer opened on the first claim of its fate (a file with no such claim is never created). */
class LazyOutput {
  private path: string | null = null;
  private stream: WriteStream | null = null;
  private writer: ClaimWriter | null = null;
  written = 0;

  constructor(
    private readonly context: FileContext,
    private readonly input: PreparedInput,
    private readonly kind: 'ready' | 'held',
    private readonly reader: ClaimReader,
  ) {}

  get(): ClaimWriter {
    if (!this.writer) {
      this.path = this.context.staging.tempPath(`${this.kind}-${this.input.outputName}`);
      this.stream = this.context.staging.createStream(this.path);
      this.writer = this.context.formats.writer(this.input.format, this.reader, this.stream);
    }
    return this.writer;
  }

  /** Closes the file; returns its path and the claims the writer says it wrote (no path: no claim, no file). */
  async close(): Promise<{ path: string | null; claims: number }> {
    if (!this.writer || !this.stream) return { path: null, claims: 0 };
    const { claims } = await this.writer.close();
    if (!this.stream.closed) await endStream(this.stream);
    if (claims === 0) {
      // Opened for a claim the writer then refused: a file with no claim is not an output.
      await this.discard();
      return { path: null, claims: 0 };
    }
    return { path: this.path, claims };
  }

  async discard(): Promise<void> {
    if (this.stream && !this.stream.closed) {
      this.stream.destroy();
    }
    if (this.path) await unlink(this.path).catch(() => undefined);
  }
}

interface PassOutcome {
  result: FileResult;
  problems: FileProblem[];
  discard(): Promise<void>;
  history: Pick<ReturnType<RunHistory['openFile']>, 'commit' | 'abort'>;
}

/** What one pass counts as it writes the file's claims. */
interface PassCounts {
  claimsRead: number;
  ready: number;
  held: number;
  correctedLines: number;
  findings: number;
}

/**
 * What one pass over a file writes: the ready and held outputs (opened on their first claim), the report spills and
 * the held claims' index. Rows and test cases are written into the spills as bytes, through a reused buffer each,
 * with synchronous writes of ~64 KiB (no string per batch, no Buffer per write, no stream callbacks).
 */
class PassOutputs {
  readonly ready: LazyOutput;
  readonly held: LazyOutput;
  readonly rowsSpill: string;
  readonly csvSpill: string;
  readonly junitSpill: string;
  readonly heldSpill: string;
  readonly rowsOut: SpillFile;
  readonly csvOut: SpillFile;
  readonly junitOut: SpillFile;
  readonly heldOut: SpillFile;
  readonly heldIndex = new HeldIndex();

  constructor(
    context: FileContext,
    private readonly input: PreparedInput,
    private readonly reader: ClaimReader,
  ) {
    this.ready = new LazyOutput(context, input, 'ready', reader);
    this.held = new LazyOutput(context, input, 'held', reader);
    this.rowsSpill = context.staging.tempPath(`rows-${input.outputName}.ndjson`);
    this.csvSpill = context.staging.tempPath(`rows-${input.outputName}.csv`);
    this.junitSpill = context.staging.tempPath(`junit-${input.outputName}.xml`);
    this.heldSpill = context.staging.tempPath(`held-${input.outputName}.ndjson`);
    this.rowsOut = new SpillFile(this.rowsSpill);
    this.csvOut = new SpillFile(this.csvSpill);
    this.junitOut = new SpillFile(this.junitSpill);
    this.heldOut = new SpillFile(this.heldSpill);
  }

  /** The output's file system is full or read-only: close what can be closed and drop the outputs. */
  async abandon(): Promise<void> {
    for (const spill of [this.rowsOut, this.csvOut, this.junitOut]) {
      try {
        spill.close();
      } catch {
        // Its last bytes cannot be written either: the file goes with the run's directory.
      }
    }
    await this.ready.discard();
    await this.held.discard();
  }

  /** A reader or writer failure is a tool failure for this file: keep what was read, report it, hold nothing back. */
  readingStopped(error: unknown): void {
    const input = this.input;
    this.reader.problems.push({
      code: input.format === 'csv' ? 'CSV_READ_FAILED' : 'X12_READ_FAILED',
      message: `${input.name}: reading stopped: ${(error as Error).message}`,
      location: { file: input.name },
      envelope: true,
      fatal: true,
    });
  }

  /** Closes every output and says what the pass did: its summary, its files, and whether claims were lost. */
  async finish(counts: PassCounts, aggregate: ReportAggregate, history: PassOutcome['history']): Promise<PassOutcome> {
    const input = this.input;
    try {
      this.rowsOut.close();
    } finally {
      try {
        this.csvOut.close();
      } finally {
        try {
          this.junitOut.close();
        } finally {
          this.heldOut.close();
        }
      }
    }
    const readyOut = await this.ready.close();
    const heldFile = await this.held.close();

    const { claimsRead } = counts;
    const written = readyOut.claims + heldFile.claims;
    const conservation =
      claimsRead !== counts.ready + counts.held || written !== claimsRead
        ? `${input.name}: ${claimsRead} claims read but ${readyOut.claims} written to ready and ${heldFile.claims} to held`
        : null;
    const problems = [...this.reader.problems];
    const readable = !problems.some((problem) => problem.envelope || problem.fatal);
    const summary: FileSummary = {
      file: input.name,
      format: input.format,
      bytes: input.bytes,
      claims: claimsRead,
      ready: counts.ready,
      held: counts.held,
      correctedLines: counts.correctedLines,
      findings: counts.findings,
      readable,
      problems: problems.map(problemSummary),
    };
    const { rowsSpill, csvSpill, junitSpill, heldSpill } = this;
    return {
      problems,
      history,
      result: {
        index: input.index,
        summary,
        aggregate,
        rowsSpill,
        csvSpill,
        junitSpill,
        heldSpill,
        heldIndex: this.heldIndex,
        ready: readyOut.path,
        held: heldFile.path,
        conservation,
        history: 'not-recorded',
      },
      discard: async () => {
        await this.ready.discard();
        await this.held.discard();
        for (const spill of [rowsSpill, csvSpill, junitSpill, heldSpill]) await unlink(spill).catch(() => undefined);
      },
    };
  }
}

/** The file's reader and the outputs of one pass over it. */
function openPass(input: PreparedInput, context: FileContext): { stream: ReadStream; reader: ClaimReader; outputs: PassOutputs } {
  // 64 KiB reads: the X12 reader assembles every claim of a chunk before yielding the first, and the claims of a
  // larger chunk outlive young-generation collections (copied, promoted). Figures: docs/performance.md.
  const stream = createReadStream(input.path, { highWaterMark: 64 * 1024 });
  const reader = context.formats.open(input.format, stream, input.name, input.csvMap);
  return { stream, reader, outputs: new PassOutputs(context, input, reader) };
}

async function runPass(input: PreparedInput, context: FileContext, holding: HoldingProblem[] | null, again = false): Promise<PassOutcome> {
  const fileHistory = context.history.openFile({ name: input.name, hash: input.hash, format: input.format }, context.record);
  const { stream, reader, outputs } = openPass(input, context);
  let bytesReported = 0;
  let claimsToReport = 0;
  const { ready, held, rowsOut, csvOut, junitOut, heldOut, heldIndex } = outputs;
  const aggregate = new ReportAggregate();
  let claimsRead = 0;
  let readyCount = 0;
  let heldCount = 0;
  let findings = 0;
  let correctedLines = 0;

  const claims = reader.claims();
  /** A claim is being handled (an error then comes from handling it, not from the reader). */
  let inClaim = false;
  // The claims a reader has already read are taken without a promise each (one await per chunk read, not per claim).
  const readyClaims = typeof (claims as Partial<ReadyClaims>).takeReady === 'function' ? (claims as AsyncGenerator<ReadClaim> & ReadyClaims) : undefined;
  // A history on a server reads ahead for the claims a reader has ready all at once (one round trip), then they are
  // checked in order; a claim read alone, or a batch the server failed to read, is prepared claim by claim.
  const batching = readyClaims !== undefined && fileHistory.prepareMany !== undefined;
  const batch: ReadClaim[] = [];
  let batchAt = 0;
  let batchPrepared = false;
  try {
    for (;;) {
      let read: ReadClaim | undefined;
      if (batchAt < batch.length) {
        read = batch[batchAt++]!;
      } else {
        read = readyClaims?.takeReady();
        if (read === undefined) {
          const step = await claims.next();
          if (step.done === true) break;
          read = step.value;
        }
        batch.length = batchAt = 0;
        batchPrepared = false;
        if (batching) {
          batch.push(read);
          for (let next = readyClaims.takeReady(); next !== undefined; next = batch.length < PREPARE_BATCH ? readyClaims.takeReady() : undefined) batch.push(next);
          batchAt = 1;
          if (batch.length > 1) {
            try {
              const preparing = fileHistory.prepareMany!(batch.map((ready) => ready.claim));
              if (preparing !== undefined) await preparing;
              batchPrepared = true;
            } catch {
              // Each claim is then prepared alone: a failure is its own (held with the reason, as below).
            }
          }
        }
      }
      inClaim = true;
      claimsRead += 1;
      let result: ClaimResult;
      let claimProblems: readonly HoldingProblem[] = holding ?? NO_PROBLEMS;
      let checked = true;
      try {
        const preparing = batchPrepared ? undefined : fileHistory.prepare(read.claim);
        if (preparing !== undefined) await preparing;
        result = context.check(read.claim, fileHistory.view, holding !== null);
      } catch (error) {
        checked = false;
        // A rule failed on this claim (a bug): the claim is not lost, it is held as read, with the reason.
        result = { claim: read.claim, changed: false, findings: [], applied: [], fate: 'held' };
        claimProblems = [
          ...claimProblems,
          { code: 'RUN_CHECK_FAILED', message: `the rules could not check this claim: ${(error as Error).message}`, location: read.claim.source, source: 'engine' },
        ];
      }
      let fate: 'ready' | 'held' = holding || claimProblems.length > 0 ? 'held' : result.fate;
      try {
        const writer = (fate === 'ready' ? ready : held).get();
        const pending = writer.writeNow ? writer.writeNow(read, result.claim, result.changed) : writer.write(read, result.claim, result.changed);
        if (pending !== undefined) await pending;
      } catch (error) {
        if (!result.changed) throw error;
        // The corrected claim cannot be written (a value the format cannot carry): it goes to held as it was read,
        // its fixes not applied, with the reason.
        result = { claim: read.claim, changed: false, findings: result.findings, applied: [], fate: 'held', ...(result.judgedBy ? { judgedBy: result.judgedBy } : {}) };
        claimProblems = [
          ...claimProblems,
          { code: 'RUN_WRITE_REFUSED', message: `the corrected claim could not be written (${(error as Error).message}): held as read`, location: read.claim.source, source: 'writer' },
        ];
        fate = 'held';
        await held.get().write(read, read.claim, false);
      }
      if (fate === 'ready') readyCount += 1;
      else heldCount += 1;

      const { rows, outcome } = rowsOfClaim(input.name, read.claim, result, fate, claimProblems, context.holdOn);
      const corrected = correctedLinesOf(result);
      correctedLines += corrected;
      findings += rows.length;
      const final = result.claim;
      if (rows.length === 0) aggregate.addClaim(outcome, rows, corrected, NO_ROWS);
      else aggregate.addClaim(outcome, rows, corrected, (row: ExceptionRow) => providerOf(final, row));
      // Each row is checked and serialized once, here: the exception files are then copied from these spills.
      for (const row of rows) {
        context.validateRow?.(row);
        spillJsonRecord(row, rowsOut);
        spillCsvRecord(row, csvOut);
      }
      spillJunitTestCase(outcome, junitOut);
      if (fate === 'held') {
        const record = heldRecordOf(outcome);
        context.validateHeld?.(record);
        heldIndex.spill(record, heldOut);
      }
      // The history holds every service the claims bill: released ones, and held ones as pending until their
      // correction supersedes them. Not the claims of a file held whole (its envelope is broken: it comes again),
      // nor a claim the rules could not check. Without a history index there is nothing to add to.
      if (!holding && checked && context.history.available) fileHistory.add(context.normalize(final), fate);
      if (!holding && !again) {
        // A progress call when the file has been read further (about one per chunk, not per claim): the bytes
        // read since the last call and the claims handled since.
        claimsToReport += 1;
        if (stream.bytesRead !== bytesReported) {
          context.progress.advance(input.name, stream.bytesRead - bytesReported, claimsToReport);
          bytesReported = stream.bytesRead;
          claimsToReport = 0;
        }
      }
      inClaim = false;
    }
  } catch (error) {
    // As for await … of does when its body throws: the reader is closed (an error closing it is not the story).
    if (inClaim) await claims.return(undefined).catch(() => undefined);
    // The output's file system is full or read-only: the run cannot complete, whatever the file held.
    if (STORAGE_ERRORS.has((error as NodeJS.ErrnoException).code ?? '')) {
      if (!stream.destroyed) stream.destroy();
      await outputs.abandon();
      throw error;
    }
    outputs.readingStopped(error);
  }

  // A reader that reads the file by its path (the CSV reader's two passes) leaves this stream unread: the file
  // is done either way.
  if (!holding && !again) context.progress.advance(input.name, Math.max(0, input.bytes - bytesReported), claimsToReport);
  if (!stream.destroyed) stream.destroy();
  return outputs.finish({ claimsRead, ready: readyCount, held: heldCount, correctedLines, findings }, aggregate, fileHistory);
}

/** At most this many claims are read ahead for in one round trip to a history server (prepareMany). */
const PREPARE_BATCH = 500;

/** Checks of one file against a shared history that other runs keep changing, before the run gives up (HIST_CONFLICT). */
const MAX_CONFLICT_PASSES = 5;

/** Errors of the output's file system (the run fails with exit 2), never a problem of the file being read. */
const STORAGE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** One holding finding per problem code (the first message of that code, with how many more there were). */
function holdingProblems(broken: readonly FileProblem[]): HoldingProblem[] {
  const byCode = new Map<string, { first: FileProblem; count: number }>();
  for (const problem of broken) {
    const entry = byCode.get(problem.code);
    if (entry) entry.count += 1;
    else byCode.set(problem.code, { first: problem, count: 1 });
  }
  return [...byCode.values()].map(({ first, count }) => ({
    code: first.code,
    message: `the file cannot be released: ${first.message}${count > 1 ? ` (and ${count - 1} more ${first.code} problems)` : ''}`,
    location: first.location,
    source: 'reader',
  }));
}

/** The problems of a claim nothing holds (shared: only read; a problem is added to a copy). */
const NO_PROBLEMS: readonly HoldingProblem[] = Object.freeze([]);

/** The provider function of a claim without rows (never called). */
const NO_ROWS = (): string => 'unknown';

/** The rendering provider a row counts against: its line's, else the claim's. */
function providerOf(claim: Claim, row: ExceptionRow): string {
  const line = row.line === null ? undefined : claim.lines.find((candidate) => candidate.lineNumber === row.line);
  return line?.renderingNpi ?? claim.renderingNpi ?? 'unknown';
}

/**
 * A file whose written claims do not add up to the claims read: its outputs cannot be trusted, so none is kept
 * (an output is complete or absent), its claims are not recorded in the history, and the report carries
 * nothing of its claims (no rows, no test cases, zero counts: the report's totals stay equal to what was written).
 * run.ts reports the file as failed with RUN_CONSERVATION (whose message gives the counts) and exits 3.
 */
async function failedConservation(pass: PassOutcome): Promise<FileResult> {
  pass.history.abort();
  await pass.discard();
  const result = pass.result;
  return {
    ...result,
    summary: { ...result.summary, claims: 0, ready: 0, held: 0, correctedLines: 0, findings: 0, readable: false },
    aggregate: new ReportAggregate(),
    rowsSpill: null,
    csvSpill: null,
    junitSpill: null,
    heldSpill: null,
    heldIndex: new HeldIndex(),
    ready: null,
    held: null,
    history: 'not-recorded',
  };
}

export async function processFile(input: PreparedInput, context: FileContext): Promise<FileResult> {
  context.progress.fileStarted(input.name, input.bytes);
  const pool = context.pool;
  const nextPass = (holding: HoldingProblem[] | null, again = false, refused: ReadonlyMap<number, string> = NO_REFUSALS): Promise<PassOutcome> =>
    pool === undefined ? runPass(input, context, holding, again) : runThreadedPass(input, context, pool, holding, refused);
  try {
    let pass = await nextPass(null);
    const broken = pass.problems.filter((problem) => problem.envelope || problem.fatal);
    if (broken.length > 0 && pass.result.summary.claims > 0) {
      // Known only at the end of the file: its envelope cannot be trusted, so nothing of it is released, and
      // every claim carries the problem as a finding.
      pass.history.abort();
      await pass.discard();
      pass = await nextPass(holdingProblems(broken));
    } else if (pool !== undefined) {
      // With check workers a claim is checked (and its patient's later claims too) before the writer sees it: a
      // corrected claim the writer refuses sends the file through again, that claim held as read from the start,
      // as a single thread holds it at once.
      const refused = new Map<number, string>();
      while ((pass as ThreadedOutcome).refusals.size > 0) {
        for (const [seq, message] of (pass as ThreadedOutcome).refusals) refused.set(seq, message);
        pass.history.abort();
        await pass.discard();
        pass = await nextPass(null, false, refused);
      }
    }
    if (pass.result.conservation) return await failedConservation(pass);
    let outcome: HistoryOutcome;
    if (broken.length > 0) {
      pass.history.abort();
      outcome = 'not-recorded';
    } else {
      for (let attempt = 1; ; attempt++) {
        try {
          outcome = await pass.history.commit();
          break;
        } catch (error) {
          // A shared history: another run recorded some of the file's patients while it was checked. The history has
          // read them again; the file is checked again against what that run recorded (a bounded number of times).
          if (!(error instanceof HistoryError && error.code === 'HIST_CONFLICT')) throw error;
          if (attempt >= MAX_CONFLICT_PASSES) {
            throw new HistoryError('HIST_CONFLICT', `${input.name}: other runs kept recording its patients while it was checked (${attempt} times): nothing of it was recorded; run again`);
          }
          context.onConflict?.(input.name, attempt);
          await pass.discard();
          pass = await nextPass(null, true);
          if (pass.result.conservation) return await failedConservation(pass);
        }
      }
    }
    pass.result.history = outcome;
    return pass.result;
  } finally {
    context.progress.fileDone(input.name);
  }
}
// ---------------------------------------------------------------------------------------------------------
// A pass with check workers (`--threads N`).

const NO_REFUSALS: ReadonlyMap<number, string> = new Map();
/** Claims read but not yet written back: past this, reading waits for the workers (memory stays bounded). */
const MAX_IN_FLIGHT = 1024;

interface ThreadedOutcome extends PassOutcome {
  /** Corrected claims the writer refused in this pass (by their number in the file), with the writer's message. */
  refusals: Map<number, string>;
}

/**
 * One pass over a file with check workers: this thread reads, deals each claim to its patient's worker, and writes
 * the results back in input order: the claim to ready/ or held/, its report records (bytes the worker made) to the
 * spills. Everything else is runPass's: the same outputs, counts and problems.
 */
async function runThreadedPass(input: PreparedInput, context: FileContext, pool: CheckPool, holding: HoldingProblem[] | null, refused: ReadonlyMap<number, string>): Promise<ThreadedOutcome> {
  const threaded = pool.open(input, holding, refused);
  const { stream, reader, outputs } = openPass(input, context);
  let bytesReported = 0;
  let claimsToReport = 0;
  const { ready, held, rowsOut, csvOut, junitOut, heldOut, heldIndex } = outputs;
  const refusals = new Map<number, string>();
  let claimsRead = 0;
  let readyCount = 0;
  let heldCount = 0;
  /** Claims read and not yet written, and the worker each went to (from the claim numbered `written`). */
  const inFlight: ReadClaim[] = [];
  const owners: number[] = [];
  let head = 0;
  let written = 0;
  /** Writing stopped (a writer failed on a claim as read): the rest comes back unwritten. */
  let stopped = false;

  const drain = async (): Promise<void> => {
    while (!stopped && written < claimsRead) {
      const got = threaded.next(owners[head]!);
      if (got === undefined) return;
      const { batch, index } = got;
      const read = inFlight[head]!;
      inFlight[head] = undefined as never;
      head += 1;
      const seq = written;
      written += 1;
      let fate: 'ready' | 'held' = batch.fates[index] === 0 ? 'ready' : 'held';
      const corrected = batch.changed[index] ?? null;
      try {
        const writer = (fate === 'ready' ? ready : held).get();
        const claim = corrected ?? read.claim;
        const pending = writer.writeNow ? writer.writeNow(read, claim, corrected !== null) : writer.write(read, claim, corrected !== null);
        if (pending !== undefined) await pending;
      } catch (error) {
        if (corrected === null) {
          stopped = true;
          throw error;
        }
        // Refused: this pass is done again with the claim held as read (processFile); it goes on to find the others.
        refusals.set(seq, (error as Error).message);
        fate = 'held';
        await held.get().write(read, read.claim, false);
      }
      if (fate === 'ready') readyCount += 1;
      else heldCount += 1;
      appendRange(rowsOut, batch.json, batch.jsonEnds, index);
      appendRange(csvOut, batch.csv, batch.csvEnds, index);
      appendRange(junitOut, batch.junit, batch.junitEnds, index);
      const heldFrom = index === 0 ? 0 : batch.heldEnds[index - 1]!;
      const heldTo = batch.heldEnds[index]!;
      if (heldTo > heldFrom) {
        const offset = heldOut.position();
        heldOut.append(batch.held.subarray(heldFrom, heldTo));
        heldIndex.add(batch.charges[index]!, offset, heldTo - heldFrom);
      }
      if (!holding) {
        claimsToReport += 1;
        if (stream.bytesRead !== bytesReported) {
          context.progress.advance(input.name, stream.bytesRead - bytesReported, claimsToReport);
          bytesReported = stream.bytesRead;
          claimsToReport = 0;
        }
      }
      if (head >= 1024) {
        inFlight.splice(0, head);
        owners.splice(0, head);
        head = 0;
      }
    }
  };
  const waitForAll = async (): Promise<void> => {
    pool.flush(threaded);
    while (!stopped && written < claimsRead) {
      await pool.nextResults();
      await drain();
    }
  };

  const claims = reader.claims();
  const readyClaims = typeof (claims as Partial<ReadyClaims>).takeReady === 'function' ? (claims as AsyncGenerator<ReadClaim> & ReadyClaims) : undefined;
  try {
    try {
      for (;;) {
        let read = readyClaims?.takeReady();
        if (read === undefined) {
          const step = await claims.next();
          if (step.done === true) break;
          read = step.value;
        }
        const batch = [read];
        if (readyClaims !== undefined && pool.readsAhead) {
          // A history on a server reads ahead for the claims the reader has ready, in one round trip, before they are dealt.
          for (let next = readyClaims.takeReady(); next !== undefined; next = batch.length < PREPARE_BATCH ? readyClaims.takeReady() : undefined) batch.push(next);
        }
        const preparing = pool.prepare(batch);
        if (preparing !== undefined) await preparing;
        for (const one of batch) {
          owners.push(pool.deal(one.claim, claimsRead, threaded));
          inFlight.push(one);
          claimsRead += 1;
        }
        await drain();
        while (!stopped && claimsRead - written >= MAX_IN_FLIGHT) {
          pool.flush(threaded);
          await pool.nextResults();
          await drain();
        }
      }
    } catch (error) {
      await claims.return(undefined).catch(() => undefined);
      // What was read is still written (the reader stopped): its claims are in the workers.
      if (!(error instanceof CheckWorkerError) && !(error instanceof HistoryError) && !STORAGE_ERRORS.has((error as NodeJS.ErrnoException).code ?? '')) await waitForAll();
      throw error;
    }
    await waitForAll();
  } catch (error) {
    // The workers or the history failed: the run cannot go on (exit 2), whatever the file held.
    if (error instanceof CheckWorkerError || error instanceof HistoryError) throw error;
    if (stopped) claimsRead = written;
    if (STORAGE_ERRORS.has((error as NodeJS.ErrnoException).code ?? '')) {
      if (!stream.destroyed) stream.destroy();
      await outputs.abandon();
      throw error;
    }
    outputs.readingStopped(error);
  }
  // The workers' counts for the pass (after every result: their answers come in order).
  const aggregate = await threaded.end(claimsRead);

  if (!holding) context.progress.advance(input.name, Math.max(0, input.bytes - bytesReported), claimsToReport);
  if (!stream.destroyed) stream.destroy();
  let open = true;
  const history: PassOutcome['history'] = {
    abort: () => {
      if (open) threaded.discard();
      open = false;
    },
    commit: async () => {
      open = false;
      const result = await threaded.commit();
      return result === null ? 'not-recorded' : result.status === 'added' ? 'recorded' : result.status === 'already-ingested' ? 'already-recorded' : 'not-recorded';
    },
  };
  const counts = { claimsRead, ready: readyCount, held: heldCount, correctedLines: aggregate.correctedLines, findings: aggregate.findings };
  return { ...(await outputs.finish(counts, aggregate, history)), refusals };
}

/** Appends one claim's bytes of a batch (`index`'s range in `ends`) to a spill. */
function appendRange(out: SpillFile, bytes: Uint8Array, ends: Uint32Array, index: number): void {
  const from = index === 0 ? 0 : ends[index - 1]!;
  const to = ends[index]!;
  if (to > from) out.append(bytes.subarray(from, to));
}
