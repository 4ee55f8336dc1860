/**
 * The run's reports from its spills, at the end of a run: exceptions.csv, exceptions.json (findings, then the held
 * claims), held-claims.csv and report.html. The held claims are read once, in rank order (held.ts), and each goes
 * to the three files that list it; nothing but the rank order is held in memory.
 */
import { stringify } from 'csv-stringify/sync';
import type { ReportAggregate } from './aggregate.js';
import {
  HELD_OPEN,
  HELD_TAIL,
  HELD_TAIL_EMPTY,
  jsonHeldEntry,
  UTF8_BOM,
  writeExceptionCsvFromSpills,
  writeJsonFindingsFromSpills,
  type ExceptionSpill,
} from './exceptions.js';
import { HELD_CSV_HEADERS, heldClaimOf, heldCsvRecord, HeldRanking, type HeldIndex, type HeldRecord } from './held.js';
import { HtmlReportWriter } from './html.js';
import { SyncFileWriter } from './sync-file.js';
import type { ExceptionReportHead } from './types.js';

export interface RunReportFiles {
  exceptionsCsv: string;
  exceptionsJson: string;
  heldCsv: string;
  html: string;
}

export interface RunReportOptions {
  /** A UTF-8 byte order mark first in the CSV files (`--csv-bom`). */
  csvBom?: boolean;
}

/** The header line of held-claims.csv. */
export function heldCsvHeader(): string {
  return stringify([HELD_CSV_HEADERS], { record_delimiter: 'unix' });
}

/** Closes every writer, the first error (if any) thrown after all are closed. */
function closeAll(writers: readonly (SyncFileWriter | null)[]): void {
  let failure: unknown = null;
  for (const writer of writers) {
    try {
      writer?.close();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== null) throw failure;
}

export function writeRunReports(
  head: ExceptionReportHead,
  aggregate: ReportAggregate,
  spills: readonly ExceptionSpill[],
  held: readonly { spill: string; index: HeldIndex }[],
  files: RunReportFiles,
  options: RunReportOptions = {},
): void {
  writeExceptionCsvFromSpills(spills, files.exceptionsCsv, options);
  const ranking = new HeldRanking(held);
  let json: SyncFileWriter | null = null;
  let heldCsv: SyncFileWriter | null = null;
  let html: SyncFileWriter | null = null;
  try {
    json = new SyncFileWriter(files.exceptionsJson);
    heldCsv = new SyncFileWriter(files.heldCsv);
    html = new SyncFileWriter(files.html);
    const jsonOut = json;
    const csvOut = heldCsv;
    const htmlOut = html;
    writeJsonFindingsFromSpills(head, spills, jsonOut);
    jsonOut.text(HELD_OPEN);
    csvOut.text(`${options.csvBom ? UTF8_BOM : ''}${heldCsvHeader()}`);
    const page = new HtmlReportWriter(head, aggregate, (text) => htmlOut.text(text));
    page.open();
    ranking.forEach((record: HeldRecord, rank: number) => {
      const claim = heldClaimOf(record);
      jsonOut.text(jsonHeldEntry(claim, rank === 0));
      csvOut.text(heldCsvRecord(claim));
      page.claim(record, rank);
    });
    jsonOut.text(ranking.count === 0 ? HELD_TAIL_EMPTY : HELD_TAIL);
    page.close();
  } finally {
    closeAll([json, heldCsv, html]);
  }
}
