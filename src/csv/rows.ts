/**
 * csv-parse as a row source: every record comes with its exact bytes (from csv-parse's byte counter, not a
 * re-serialization), its byte offset and the physical line it starts on — so an untouched row can be written
 * back byte for byte and every problem can name its line.
 */
import { once } from 'node:events';
import { parse, type CsvError as CsvParseError } from 'csv-parse';

/** The longest row read (characters): far above any claim row (51 cells of 1000 characters at most are read). */
export const MAX_ROW_CHARS = 1 << 20;

export interface ParsedRow {
  fields: string[];
  /** Byte offset of the row's bytes in the file (blank lines before it included). */
  start: number;
  end: number;
  /** The row's bytes: blank lines skipped before it, its content, its line ending. */
  bytes: Buffer;
  /** 1-based physical line where the row's content starts. */
  line: number;
}

export interface RowSourceState {
  /** Bytes read in all (trailing blank lines after the last row included). */
  totalBytes: number;
  /** csv-parse's error, when the file could not be parsed to its end (rows before it were yielded). */
  error?: CsvParseError | Error;
}

export interface RowSourceOptions {
  delimiter: string;
  /**
   * How bytes become field text. `latin1` (the default) maps every byte to one character, so no byte sequence
   * is lost or altered, whatever the export's real encoding; a UTF-8 BOM switches csv-parse to `utf8`.
   */
  encoding?: 'latin1' | 'utf8';
  /** Offset of the first byte of `source` in the file, and the line it starts on (re-reading part of a file). */
  baseOffset?: number;
  baseLine?: number;
}

/** Field text in the transport encoding (latin1) → the text it means: UTF-8 when its bytes are valid UTF-8. */
export function decodeField(text: string): string {
  if (!/[\u0080-\u00ff]/.test(text)) return text;
  const decoded = Buffer.from(text, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? text : decoded;
}

/** Text → field text in the transport encoding: non-ASCII text is written as UTF-8 bytes. */
export function encodeField(text: string): string {
  return /[^\u0000-\u007f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** Count line breaks: `\n`, and `\r` not followed by `\n` (old Mac files). */
export function countLineBreaks(bytes: Buffer, from = 0, to = bytes.length): number {
  let count = 0;
  for (let index = bytes.indexOf(10, from); index !== -1 && index < to; index = bytes.indexOf(10, index + 1)) count++;
  for (let index = bytes.indexOf(13, from); index !== -1 && index < to; index = bytes.indexOf(13, index + 1)) {
    if (bytes[index + 1] !== 10) count++;
  }
  return count;
}

/** Length of the blank lines (line breaks only) at the start of `bytes`. */
export function leadingBlankLength(bytes: Buffer): number {
  let index = 0;
  while (index < bytes.length && (bytes[index] === 10 || bytes[index] === 13)) index++;
  return index === bytes.length ? 0 : index;
}

/** The line ending at the end of `bytes` (`\r\n`, `\n`, `\r`, or '' for a last row without one). */
export function trailingEnding(bytes: Buffer): string {
  const last = bytes[bytes.length - 1];
  if (last === 10) return bytes[bytes.length - 2] === 13 ? '\r\n' : '\n';
  if (last === 13) return '\r';
  return '';
}

/** Pick the delimiter of a header line: the most frequent of `,` `;` tab `|` outside quotes (`,` on a tie or none). */
export function detectDelimiter(firstBytes: Buffer): string {
  const text = firstBytes.toString('utf8');
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best = ',';
  for (const [char, count] of counts) if (count > (counts.get(best) ?? 0)) best = char;
  return best;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`Expected \`input\` to yield Buffers or strings, got ${typeof chunk}`);
}

/**
 * Parse `source` into rows. A csv-parse error ends the rows and is left in `state.error` (never thrown): the
 * rows before it stay usable.
 */
export async function* parseRows(
  source: AsyncIterable<unknown>,
  options: RowSourceOptions,
  state: RowSourceState,
): AsyncGenerator<ParsedRow> {
  const baseOffset = options.baseOffset ?? 0;
  let line = options.baseLine ?? 1;
  const parser = parse({
    delimiter: options.delimiter,
    bom: baseOffset === 0,
    encoding: options.encoding ?? 'latin1',
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // A row is refused once it grows past this, before it is buffered whole (a 100 MB cell is no claim data).
    max_record_size: MAX_ROW_CHARS,
  });
  // Chunks not yet fully consumed by emitted rows; offsets relative to the start of `source`.
  const pending: { buffer: Buffer; start: number }[] = [];
  let received = 0;
  let consumed = 0;
  const stopFeeding = new AbortController();
  let readError: Error | undefined;
  const feeding = (async () => {
    try {
      for await (const raw of source) {
        const chunk = toBuffer(raw);
        if (chunk.length === 0) continue;
        pending.push({ buffer: chunk, start: received });
        received += chunk.length;
        if (!parser.write(chunk)) await once(parser, 'drain', { signal: stopFeeding.signal });
      }
      parser.end();
    } catch (error) {
      if (stopFeeding.signal.aborted) return;
      // A read error: let csv-parse hand over the rows it holds (destroying it would drop them); the unfinished
      // row at the end, which has no line ending, is dropped below.
      readError = error as Error;
      parser.end();
    }
  })();

  const slice = (from: number, to: number): Buffer => {
    const parts: Buffer[] = [];
    for (const { buffer, start } of pending) {
      const end = start + buffer.length;
      if (end <= from || start >= to) continue;
      parts.push(buffer.subarray(Math.max(0, from - start), Math.min(buffer.length, to - start)));
    }
    while (pending.length > 0) {
      const first = pending[0]!;
      if (first.start + first.buffer.length > to) break;
      pending.shift();
    }
    return parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts);
  };

  // Records are taken from 'data' events rather than the stream's async iterator: on an error the iterator
  // drops records csv-parse had already pushed, and the rows before a bad quote must survive.
  type Item = { record: string[]; info: { bytes: number } };
  const queue: Item[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  parser.on('data', (item: Item) => {
    queue.push(item);
    if (queue.length >= 1_000) parser.pause();
    notify();
  });
  parser.on('end', () => {
    ended = true;
    notify();
  });
  parser.on('error', (error: Error) => {
    state.error ??= error;
    ended = true;
    notify();
  });

  try {
    for (;;) {
      const item = queue.shift();
      if (item === undefined) {
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (queue.length < 100 && parser.isPaused()) parser.resume();
      const end = item.info.bytes;
      const bytes = slice(consumed, end);
      if (readError !== undefined && trailingEnding(bytes) === '') break;
      const lead = leadingBlankLength(bytes);
      line += countLineBreaks(bytes, 0, lead);
      yield { fields: item.record, start: baseOffset + consumed, end: baseOffset + end, bytes, line };
      line += countLineBreaks(bytes, lead);
      consumed = end;
    }
  } finally {
    // Stopped early (or csv-parse failed): release the feeder, which may be waiting for 'drain'.
    stopFeeding.abort();
    if (!parser.readableEnded) parser.destroy();
    await feeding;
  }
  if (readError !== undefined) state.error = readError;
  state.totalBytes = baseOffset + received;
}
