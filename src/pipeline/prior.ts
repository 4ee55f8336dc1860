/**
 * Prior claim files (`--prior`, `spinescrub history add`): read with the format readers, normalized, and handed to
 * the history as claims, one file in one transaction. A file whose reader stopped or whose envelope is broken is
 * not added (once fixed, its corrected bytes are added in full); nor is a CSV file whose rows of one claim disagree
 * (an original and its void under one claim id would otherwise become one claim): the same CSV_FIELD_CONFLICT a run
 * input gets.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { CsvColumnMap } from '../csv/columns.js';
import { readCsv } from '../csv/reader.js';
import type { Claim, InputFormat } from '../encounter/model.js';
import { normalizeClaim } from '../encounter/normalize.js';
import { HistoryError } from '../history/errors.js';
import { ingestClaims } from '../history/run.js';
import type { HistoryStore, RecordResult } from '../history/store.js';
import { defaultReference } from '../reference/index.js';
import type { ReferenceData } from '../reference/types.js';
import { readX12 } from '../x12/reader.js';
import { detectFormat, readHead } from './inputs.js';
import { chooseCsvMap } from './parts.js';
import type { FileProblem } from '../formats/types.js';

export interface PriorOptions {
  /** The name messages cite (default: the path as given). */
  name?: string;
  reference?: ReferenceData;
  /** Column maps for CSV files (`--csv-map`): a file is read with the first its header fits. */
  csvMaps?: readonly CsvColumnMap[];
}

export interface PriorFileResult extends RecordResult {
  format: InputFormat;
  /** File problems that did not stop the file (neither fatal nor envelope problems). */
  problems: FileProblem[];
}

/** sha256 of a file's bytes, read in 64 KiB chunks. */
export async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, { highWaterMark: 64 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Adds one prior file to the history; throws HistoryError (HIST_*) naming the file when it cannot. */
export async function addPriorFile(store: HistoryStore, filePath: string, options: PriorOptions = {}): Promise<PriorFileResult> {
  const name = options.name ?? filePath;
  let head: Buffer;
  let hash: string;
  try {
    head = await readHead(filePath, 64 * 1024);
    hash = await hashFile(filePath);
  } catch (error) {
    throw new HistoryError('HIST_READ_FAILED', `${name}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const format = detectFormat(head);
  if (format === undefined) throw new HistoryError('HIST_FORMAT_UNKNOWN', `${name}: neither an 837P file (no ISA at the start) nor a CSV export`);
  const file = { name, hash, format };
  if ((await store.findFile(hash)) !== undefined) return { ...(await ingestClaims(store, file, [])), format, problems: [] };
  const csvMap = format === 'csv' ? chooseCsvMap(head, options.csvMaps ?? []) : undefined;
  const reference = options.reference ?? defaultReference;
  for (let attempt = 1; ; attempt++) {
    const input = createReadStream(filePath, { highWaterMark: 64 * 1024 });
    const reader = format === 'x12' ? readX12(input, name) : readCsv(input, name, csvMap === undefined ? {} : { map: csvMap });
    async function* claims(): AsyncGenerator<Claim> {
      for await (const read of reader.claims()) {
        const conflict = read.claim.readProblems.find((problem) => problem.code === 'CSV_FIELD_CONFLICT');
        if (conflict !== undefined) throw new HistoryError('HIST_FILE_UNREADABLE', `${name}: not added (nothing changed): CSV_FIELD_CONFLICT: ${conflict.message}`);
        yield normalizeClaim(read.claim, reference);
      }
      const broken = reader.problems.find((problem) => problem.fatal || problem.envelope);
      if (broken !== undefined) throw new HistoryError('HIST_FILE_UNREADABLE', `${name}: not added (nothing changed): ${broken.message}`);
    }
    try {
      const result = await ingestClaims(store, file, claims());
      return { ...result, format, problems: [...reader.problems] };
    } catch (error) {
      // A shared history: another run recorded some of the file's patients meanwhile; nothing was added: read it again.
      if (!(error instanceof HistoryError && error.code === 'HIST_CONFLICT') || attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
    }
  }
}

/** Readings of a prior file while other runs keep recording its patients (a shared history), before giving up. */
const MAX_CONFLICT_ATTEMPTS = 5;
