/**
 * The history layer's one error class (node-csv's CsvError style): a `HIST_*` code and a one-line message naming
 * the database or file. The CLI prints `code: message` and exits 2 (3 for a prior file that cannot be read).
 */
export type HistoryErrorCode =
  | 'HIST_NOT_FOUND'
  | 'HIST_OPEN_FAILED'
  | 'HIST_SCHEMA_NEWER'
  | 'HIST_SCHEMA_MISMATCH'
  | 'HIST_SCHEMA_OLD'
  | 'HIST_CONFLICT'
  | 'HIST_NOT_PREPARED'
  | 'HIST_IN_USE'
  | 'HIST_READ_FAILED'
  | 'HIST_FORMAT_UNKNOWN'
  | 'HIST_FILE_UNREADABLE'
  | 'HIST_FILE_CLOSED'
  | 'HIST_FILE_OPEN';

export class HistoryError extends Error {
  readonly code: HistoryErrorCode;
  constructor(code: HistoryErrorCode, message: string) {
    super(message);
    this.name = 'HistoryError';
    this.code = code;
  }
}
