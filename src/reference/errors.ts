/**
 * The reference layer's error: a CMS file that cannot be imported, or a reference database that cannot be opened.
 * One code namespace (REF_*); the message names the file and, for a broken row, its line.
 */
export type ReferenceErrorCode =
  | 'REF_UNKNOWN_FILE'
  | 'REF_READ_FAILED'
  | 'REF_EMPTY'
  | 'REF_NO_HEADER'
  | 'REF_BAD_ROW'
  | 'REF_DUPLICATE_ROW'
  | 'REF_DATABASE_NOT_FOUND'
  | 'REF_DATABASE_UNREADABLE';

export class ReferenceDataError extends Error {
  readonly code: ReferenceErrorCode;
  /** The file's 1-based line the problem is on, when it is on one. */
  readonly line: number | undefined;

  constructor(code: ReferenceErrorCode, message: string, line?: number) {
    super(message);
    this.name = 'ReferenceDataError';
    this.code = code;
    this.line = line;
  }
}
