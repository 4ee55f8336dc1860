/**
 * readCsv: a CSV claim export → one claim at a time.
 *
 * Grouping rows into claims needs to know a claim is complete, which an unsorted file only tells at its end. So
 * the reader makes two passes:
 *  1. csv-parse streams the file once and the header is checked. Each row's position, line and fields go to a
 *     temporary row file (a line a row: see storedRow); each run of consecutive rows with the same claim key is
 *     recorded (key, range in the row file) in a RunIndex — in memory, then in a temporary SQLite file past
 *     20 000 runs. A stream that is not an fs.ReadStream of a path is also copied to a temporary spill file, so
 *     the rows' original bytes can be read again.
 *  2. For each claim, in order of first appearance, its runs are read back from the row file (split, no
 *     second CSV parse) with each row's original bytes: memory for one claim plus two 1 MiB read windows. A
 *     sorted file (one run per claim) reads both files front to back.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { createWriteStream, ReadStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClaimReader, FileProblem, ReadClaim, ReadyClaims } from '../formats/types.js';
import type { ServiceLine } from '../encounter/model.js';
import { bindHeader, type ColumnBinding, type CsvColumnMap, type CsvField, type HeaderProblem } from './columns.js';
import { buildClaim, type RowContext } from './claim.js';
import { decodeField, detectDelimiter, leadingBlankLength, MAX_ROW_CHARS, parseRows, trailingEnding, type ParsedRow, type RowSourceState } from './rows.js';
import { RunIndex, type Run } from './run-index.js';

export interface CsvReadOptions {
  map?: CsvColumnMap;
  /** The field that groups rows into claims; overrides the map's `groupKey` (default `claim_id`). */
  groupKey?: CsvField;
  /** Where the spill copy and the grouping index go (default: the OS temp directory). */
  tempDir?: string;
  /** Runs kept in memory before the grouping index moves to disk (tests lower it). */
  memoryRuns?: number;
}

/** What a CSV writer must reproduce of its input: header bytes (BOM included), delimiter, line endings. */
export interface CsvLayout {
  file: string;
  /** The header row exactly as read (BOM and line ending included); empty for an empty file. */
  headerBytes: Buffer;
  header: string[];
  delimiter: string;
  /** How the rows' bytes were read into field text: `latin1` (byte for byte), or `utf8` after a UTF-8 BOM. */
  encoding: 'latin1' | 'utf8';
  /** The line ending of the header (`\r\n` or `\n`), used for rows that have none of their own. */
  eol: string;
  bom: boolean;
  /** Bytes after the last row (blank lines), written at the end. */
  trailer: Buffer;
  binding: ColumnBinding;
  map: CsvColumnMap;
}

/** One row as read, kept with the claim so the writer can write it back untouched or rewrite its cells. */
export interface CsvRawRow {
  key: string;
  fields: string[];
  bytes: Buffer;
  /** Blank lines before the row (kept with it). */
  leadLength: number;
  ending: string;
}

export interface CsvRawClaim {
  rows: CsvRawRow[];
}

export interface CsvReader extends ClaimReader {
  /** Resolves once the first pass is done (before the first claim is yielded), whatever the file held. */
  readonly layout: Promise<CsvLayout>;
}

type Input = AsyncIterable<Buffer> | NodeJS.ReadableStream;

function pathOf(input: Input): string | undefined {
  if (input instanceof ReadStream && typeof input.path === 'string' && ((input as unknown as { start?: number }).start ?? 0) === 0 && input.bytesRead === 0) {
    return input.path;
  }
  return undefined;
}

/**
 * Pull the beginning of the input until the header line is complete (or 64 KiB), so the delimiter can be
 * detected before csv-parse starts; then yield everything, copying it to `copy` when the input has no path.
 */
async function startInput(
  input: AsyncIterable<unknown>,
  copy: WriteStream | undefined,
): Promise<{ head: Buffer; chunks: AsyncGenerator<Buffer> }> {
  const iterator = input[Symbol.asyncIterator]();
  const toBuffer = (raw: unknown): Buffer => (Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string));
  const head: Buffer[] = [];
  let headLength = 0;
  let exhausted = false;
  while (headLength < 65_536) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    const chunk = toBuffer(next.value);
    head.push(chunk);
    headLength += chunk.length;
    if (chunk.includes(10) || chunk.includes(13)) break;
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (const chunk of head) {
        if (copy !== undefined && !copy.write(chunk)) await once(copy, 'drain');
        yield chunk;
      }
      if (exhausted) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const chunk = toBuffer(next.value);
        if (copy !== undefined && !copy.write(chunk)) await once(copy, 'drain');
        yield chunk;
      }
    } finally {
      if (!exhausted) await iterator.return?.();
    }
  }
  return { head: Buffer.concat(head), chunks: chunks() };
}

export function readCsv(input: Input, fileName: string, options: CsvReadOptions = {}): CsvReader {
  const map: CsvColumnMap = options.groupKey !== undefined ? { ...options.map, groupKey: options.groupKey } : (options.map ?? {});
  const problems: FileProblem[] = [];
  let resolveLayout!: (layout: CsvLayout) => void;
  const layout = new Promise<CsvLayout>((resolve) => {
    resolveLayout = resolve;
  });
  let started = false;

  const fatal = (code: string, message: string, line: number, byteOffset: number): void => {
    problems.push({ code, message, location: { file: fileName, csvLine: line, byteOffset }, envelope: false, fatal: true });
  };

  /** Pass 2's claim already readable without waiting (set once pass 2 starts; only while the generator waits). */
  let ready: (() => ReadClaim | undefined) | undefined;
  /** Runs ready() took but could not build without reading: the generator's next claim. */
  let waiting: Run[] | undefined;

  function claims(): AsyncGenerator<ReadClaim> & ReadyClaims {
    return Object.assign(claimsInOrder(), { takeReady: (): ReadClaim | undefined => ready?.() });
  }

  async function* claimsInOrder(): AsyncGenerator<ReadClaim> {
    if (started) throw new Error(`claims() of ${fileName} can be iterated once`);
    started = true;
    let tempDirectory: string | undefined;
    const directory = async (): Promise<string> => {
      tempDirectory ??= await mkdtemp(join(options.tempDir ?? tmpdir(), 'spinescrub-csv-'));
      return tempDirectory;
    };
    const index = new RunIndex(directory, options.memoryRuns);
    let handle: FileHandle | undefined;
    let rowHandle: FileHandle | undefined;
    let claimRuns: Generator<Run[]> | undefined;
    let layoutSent = false;
    const emptyLayout = (delimiter: string): CsvLayout => ({
      file: fileName, headerBytes: Buffer.alloc(0), header: [], delimiter, encoding: 'latin1', eol: '\n', bom: false,
      trailer: Buffer.alloc(0), binding: { fieldOfColumn: [], columnOfField: {} }, map,
    });
    try {
      // Pass 1: header, runs, spill copy.
      let path = pathOf(input);
      let copy: WriteStream | undefined;
      if (path === undefined) {
        path = join(await directory(), 'input.csv');
        copy = createWriteStream(path);
      }
      const rowFile = join(await directory(), 'rows.jsonl');
      const rowStore = createWriteStream(rowFile);
      let rowStoreBytes = 0;
      let pendingRows = '';
      const state: RowSourceState = { totalBytes: 0 };
      const opened = await startInput(input as AsyncIterable<unknown>, copy);
      const delimiter = map.delimiter ?? detectDelimiter(opened.head);
      const rows = parseRows(opened.chunks, { delimiter }, state);
      let headerRow: ParsedRow | undefined;
      let context: RowContext | undefined;
      let keyColumn = 0;
      let run: Run | undefined;
      let encoding: 'latin1' | 'utf8' = 'latin1';
      let lastEnd = 0;
      /** The file's last row: its offset, line, and whether a line break ends it (see cutClaimProblem). */
      let lastRow: { start: number; line: number; ended: boolean } | undefined;
      for await (const row of rows) {
        if (headerRow === undefined) {
          headerRow = row;
          encoding = startsWithBom(row.bytes) ? 'utf8' : 'latin1';
          const decode = encoding === 'utf8' ? (text: string) => text : decodeField;
          const names = row.fields.map(decode);
          const bound = bindHeader(names, map);
          context = { file: fileName, header: names, decode, binding: bound.binding, map };
          for (const problem of headerProblems(bound.problems)) fatal(problem.code, `${fileName} line ${row.line}: ${problem.message}`, row.line, row.start);
          if (bound.problems.length > 0) break;
          keyColumn = bound.binding.columnOfField[map.groupKey ?? 'claim_id'] ?? 0;
          lastEnd = row.end;
          continue;
        }
        const key = (row.fields[keyColumn] ?? '').trim();
        const stored = storedRow(row);
        const storedAt = rowStoreBytes;
        rowStoreBytes += Buffer.byteLength(stored);
        pendingRows += stored;
        if (pendingRows.length >= 65_536) {
          const full = !rowStore.write(pendingRows);
          pendingRows = '';
          if (full) await once(rowStore, 'drain');
        }
        lastRow = { start: row.start, line: row.line, ended: trailingEnding(row.bytes) !== '' };
        if (run !== undefined && run.key === key) run.end = rowStoreBytes;
        else {
          if (run !== undefined) await index.add(run);
          run = { key, start: storedAt, end: rowStoreBytes, line: row.line };
        }
        lastEnd = row.end;
      }
      if (run !== undefined) await index.add(run);
      rowStore.end(pendingRows);
      await once(rowStore, 'close');
      if (copy !== undefined) {
        copy.end();
        await once(copy, 'close');
      }

      if (headerRow === undefined || context === undefined) {
        if (state.error !== undefined) parseFailure(state.error, 0);
        else fatal('CSV_EMPTY_FILE', `${fileName} line 1: empty file, no header row`, 1, 0);
        resolveLayout(emptyLayout(delimiter));
        layoutSent = true;
        return;
      }
      const headerBytes = headerRow.bytes;
      const eol = headerBytes.subarray(-2).toString() === '\r\n' ? '\r\n' : headerBytes.subarray(-1).toString() === '\r' ? '\r' : '\n';
      handle = await open(path, 'r');
      let trailer: Buffer = Buffer.alloc(0);
      if (state.error === undefined && state.totalBytes > lastEnd) trailer = await readRange(handle, lastEnd, state.totalBytes);
      resolveLayout({
        file: fileName,
        headerBytes,
        header: context.header as string[],
        delimiter,
        encoding,
        eol,
        bom: startsWithBom(headerBytes),
        trailer,
        binding: context.binding,
        map,
      });
      layoutSent = true;
      if (problems.some((problem) => problem.fatal)) return;
      if (state.error !== undefined) parseFailure(state.error, lastEnd);

      // Pass 2: one claim at a time.
      index.finish();
      if (index.size === 0) return;
      rowHandle = await open(rowFile, 'r');
      const storedRows = new RangeReader(rowHandle);
      const originalBytes = new RangeReader(handle);
      claimRuns = index.claims();
      const runsOfClaims = claimRuns;
      const rowContext = context;
      const finalRow = lastRow;
      const toClaim = (rowsOfClaim: ParsedRow[]): ReadClaim => {
        const read = toReadClaim(rowsOfClaim, rowContext);
        if (finalRow !== undefined && rowsOfClaim.some((row) => row.start === finalRow.start)) cutClaimProblem(read, fileName, finalRow);
        return read;
      };
      /** Build the claim of `runs` from the read windows; undefined when a range lies outside them. */
      const claimNow = (runs: Run[]): ReadClaim | undefined => {
        const rowsOfClaim: ParsedRow[] = [];
        for (const part of runs) {
          const stored = storedRows.readNow(part.start, part.end);
          if (stored === undefined) return undefined;
          if (!storedRowsOf(stored, rowsOfClaim, originalBytes)) return undefined;
        }
        return toClaim(rowsOfClaim);
      };
      ready = () => {
        if (waiting !== undefined) return undefined;
        const next = runsOfClaims.next();
        if (next.done === true) return undefined;
        const read = claimNow(next.value);
        if (read === undefined) waiting = next.value;
        return read;
      };
      for (;;) {
        let runs = waiting;
        waiting = undefined;
        if (runs === undefined) {
          const next = runsOfClaims.next();
          if (next.done === true) break;
          runs = next.value;
        }
        const read = claimNow(runs);
        if (read !== undefined) {
          yield read;
          continue;
        }
        const rowsOfClaim: ParsedRow[] = [];
        for (const part of runs) {
          const text = (await storedRows.read(part.start, part.end)).toString('utf8');
          for (const stored of text.split('\n')) {
            if (stored === '') continue;
            const { start, end, line, fields } = parseStoredRow(stored);
            rowsOfClaim.push({ fields, start, end, line, bytes: Buffer.from(await originalBytes.read(start, end)) });
          }
        }
        yield toClaim(rowsOfClaim);
      }
    } finally {
      ready = undefined;
      // Stopped early: end the index's query before the index closes.
      claimRuns?.return(undefined);
      if (!layoutSent) resolveLayout(emptyLayout(map.delimiter ?? ','));
      index.close();
      await handle?.close();
      await rowHandle?.close();
      if (tempDirectory !== undefined) await rm(tempDirectory, { recursive: true, force: true });
    }
  }

  /** csv-parse gave up (or the input could not be read) at `offset`: the rows before it were read. */
  function parseFailure(error: Error, offset: number): void {
    const lines = (error as { lines?: number }).lines;
    const line = typeof lines === 'number' ? lines : 0;
    const what = error.message.replace(/\s+/g, ' ').trim();
    const code = (error as { code?: string }).code ?? 'ERROR';
    const where = `${fileName}${line > 0 ? ` line ${line}` : ''}`;
    if (code === 'CSV_MAX_RECORD_SIZE') {
      fatal('CSV_ROW_TOO_LONG', `${where}: a row longer than ${MAX_ROW_CHARS / (1 << 20)} MiB (a cell far too large for claim data): the file is not read past it`, line, offset);
    } else if (code.startsWith('CSV_')) fatal('CSV_PARSE_ERROR', `${where}: cannot parse the CSV (${code}: ${what})`, line, offset);
    else fatal('CSV_READ_ERROR', `${where}: cannot read the file after byte ${offset} (${what})`, line, offset);
  }

  return {
    format: 'csv',
    problems,
    layout,
    claims,
  };
}

/**
 * The claim of the file's last row may have been cut off with the rest of the file (an export copied or written
 * only in part ends at a row boundary as often as inside one): when the file does not end with a line break, or
 * that claim's total disagrees with its lines, the claim is held with a problem saying so. claim/total-mismatch
 * then holds a partial claim anywhere in the file, and never lowers its total.
 */
function cutClaimProblem(read: ReadClaim, fileName: string, last: { start: number; line: number; ended: boolean }): void {
  const claim = read.claim;
  let sum = 0;
  for (const line of claim.lines) sum += line.chargeCents;
  const why = !last.ended ? 'the file ends without a line break after its last row' : sum !== claim.totalChargeCents ? "its total disagrees with its lines" : undefined;
  if (why === undefined) return;
  claim.readProblems.push({
    code: 'CSV_POSSIBLY_TRUNCATED',
    message: `${fileName} line ${last.line}: the file may be truncated: this claim is the file's last and ${why}, so rows of it may be missing`,
    location: { file: fileName, csvLine: last.line, byteOffset: last.start },
  });
}

function startsWithBom(bytes: Buffer): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function toReadClaim(rows: ParsedRow[], context: RowContext): ReadClaim {
  const claim = buildClaim(rows, context);
  const raw: CsvRawClaim = {
    rows: rows.map((row, index) => {
      const lead = leadingBlankLength(row.bytes);
      const lastByte = row.bytes[row.bytes.length - 1];
      const ending = lastByte === 10 ? (row.bytes[row.bytes.length - 2] === 13 ? '\r\n' : '\n') : lastByte === 13 ? '\r' : '';
      const line = claim.lines[index] as ServiceLine;
      return { key: line.key, fields: row.fields, bytes: row.bytes, leadLength: lead, ending };
    }),
  };
  return { claim, raw };
}

async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.alloc(end - start);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/**
 * A row as one line of the row file: `start,end,line` then each field after a NUL — split() reads it back far
 * faster than JSON.parse. A row whose fields could hold a NUL (its bytes have one) or a line feed, or that has no
 * field, is stored as `J` + JSON instead.
 */
function storedRow(row: ParsedRow): string {
  if (row.fields.length > 0 && row.bytes.indexOf(0) === -1) {
    const joined = row.fields.join('\0');
    if (!joined.includes('\n')) return `${row.start},${row.end},${row.line}\0${joined}\n`;
  }
  return `J${JSON.stringify([row.start, row.end, row.line, row.fields])}\n`;
}

const NO_BYTES = Buffer.alloc(0);

/** One line of the row file (see storedRow) → the row, its bytes not yet read. */
function parseStoredRow(stored: string): ParsedRow {
  if (stored.charCodeAt(0) === 74 /* J */) {
    const [start, end, line, fields] = JSON.parse(stored.slice(1)) as [number, number, number, string[]];
    return { fields, start, end, line, bytes: NO_BYTES };
  }
  const fields = stored.split('\0');
  const position = fields.shift()!;
  const firstComma = position.indexOf(',');
  const secondComma = position.indexOf(',', firstComma + 1);
  return {
    fields,
    start: Number(position.slice(0, firstComma)),
    end: Number(position.slice(firstComma + 1, secondComma)),
    line: Number(position.slice(secondComma + 1)),
    bytes: NO_BYTES,
  };
}

/**
 * The rows stored in `stored` (lines of the row file) appended to `rows`, with their original bytes from
 * `original`'s window; false when some row's bytes lie outside it (nothing usable appended then).
 */
function storedRowsOf(stored: Buffer, rows: ParsedRow[], original: RangeReader): boolean {
  const text = stored.toString('utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const row = parseStoredRow(line);
    const bytes = original.readNow(row.start, row.end);
    if (bytes === undefined) return false;
    row.bytes = Buffer.from(bytes);
    rows.push(row);
  }
  return true;
}

/** Reads byte ranges through a 1 MiB window, so neighbouring runs cost one read. */
class RangeReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(private readonly handle: FileHandle) {}

  /** The range when it lies in the current window (no read), else undefined. */
  readNow(start: number, end: number): Buffer | undefined {
    if (start >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(start - this.windowStart, end - this.windowStart);
    }
    return undefined;
  }

  async read(start: number, end: number): Promise<Buffer> {
    if (start >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(start - this.windowStart, end - this.windowStart);
    }
    if (end - start >= 1_048_576) return readRange(this.handle, start, end);
    this.window = await readRange(this.handle, start, start + 1_048_576);
    this.windowStart = start;
    return this.window.subarray(0, Math.min(end - start, this.window.length));
  }
}

/**
 * The header's problems as the user reads them: every missing column in one problem, with what to do about an
 * export that names its columns differently (a column map), then any duplicate.
 */
function headerProblems(problems: readonly HeaderProblem[]): HeaderProblem[] {
  const missing = problems.filter((problem) => problem.code === 'CSV_MISSING_COLUMN').map((problem) => problem.message.replace(/^missing required column /, ''));
  const others = problems.filter((problem) => problem.code !== 'CSV_MISSING_COLUMN');
  if (missing.length === 0) return others;
  const list = missing.length === 1 ? `column ${missing[0]}` : `columns ${missing.join('; ')}`;
  const hint = ': the header fits no column map (an export with other headers needs one: --csv-map FILE, schemas/csv-map.schema.json)';
  return [{ code: 'CSV_MISSING_COLUMN', message: `missing required ${list}${hint}` }, ...others];
}
