/**
 * Ingestion of prior claim files (837P or CSV) into the history store: hash the bytes, skip a file seen
 * before, read it claim by claim, normalize each claim, and write the file in one transaction. A file whose
 * reader stopped on a fatal problem is rolled back (a truncated file must not count as ingested: once fixed,
 * its corrected bytes are added in full); so is a file with an envelope problem (truncated, wrong counts).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Claim, InputFormat } from '../encounter/model.js';
import { normalizeClaim } from '../encounter/normalize.js';
import type { ClaimReader, FileProblem } from '../formats/types.js';
import { defaultReference } from '../reference/index.js';
import type { ReferenceData } from '../reference/types.js';
import { readCsv } from '../csv/reader.js';
import { readX12 } from '../x12/reader.js';
import { HistoryError } from './schema.js';
import type { HistoryStore, IngestResult } from './store.js';

/** sha256 of a file's bytes, read as a stream. */
export async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export type ReaderFactory = (input: NodeJS.ReadableStream, fileName: string) => ClaimReader;

export interface IngestOptions {
  reference?: ReferenceData;
  /** The CSV reader (default: csv/'s readCsv with the default column names; pass one bound to a column map). */
  readCsv?: ReaderFactory;
  /** The name messages cite (default: the path as given). */
  name?: string;
}

export interface FileIngestResult extends IngestResult {
  format: InputFormat;
  /** File problems that did not stop the ingest (neither fatal nor envelope problems). */
  problems: FileProblem[];
}

async function detectFormat(filePath: string): Promise<InputFormat | undefined> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
    if (text.startsWith('ISA')) return 'x12';
    if (/\.csv$/i.test(filePath) || /^[^\n]*[,;\t|][^\n]*\r?\n/.test(text)) return 'csv';
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Ingests one file; throws HistoryError (HIST_*) with a one-line message naming the file when it cannot. */
export async function ingestFile(store: HistoryStore, filePath: string, options: IngestOptions = {}): Promise<FileIngestResult> {
  const name = options.name ?? filePath;
  let format: InputFormat | undefined;
  let hash: string;
  try {
    format = await detectFormat(filePath);
    hash = await hashFile(filePath);
  } catch (error) {
    throw new HistoryError('HIST_READ_FAILED', `${name}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (format === undefined) {
    throw new HistoryError('HIST_FORMAT_UNKNOWN', `${name}: neither an 837P file (no ISA at the start) nor a CSV export`);
  }
  const factory: ReaderFactory = format === 'x12' ? readX12 : (options.readCsv ?? ((input, fileName) => readCsv(input, fileName)));
  if (store.findFile(hash) !== undefined) {
    const result = await store.ingestClaims({ name, hash, format }, []);
    return { ...result, format, problems: [] };
  }
  const reader = factory(createReadStream(filePath), name);
  const reference = options.reference ?? defaultReference;
  async function* normalized(): AsyncGenerator<Claim> {
    for await (const read of reader.claims()) yield normalizeClaim(read.claim, reference);
    // A file that stopped early or whose envelope is broken (truncated, counts wrong) is not trusted as history.
    const broken = reader.problems.find((problem) => problem.fatal || problem.envelope);
    if (broken !== undefined) {
      throw new HistoryError('HIST_FILE_UNREADABLE', `${name}: not ingested (nothing changed): ${broken.message}`);
    }
  }
  const result = await store.ingestClaims({ name, hash, format }, normalized());
  return { ...result, format, problems: [...reader.problems] };
}
