/**
 * The reference layer's error, one code namespace (REF_*): a shipped table in ./data that contradicts itself (a
 * fault in the shipped data, reported as an internal error), a CMS file that cannot be imported, or a reference
 * database that cannot be opened. The message names the table or file and, for a broken row, its line.
 */
export type ReferenceDataErrorCode =
  /** A shipped entry whose effective window ends before it starts. */
  | 'REF_EMPTY_WINDOW'
  /** Two shipped entries for one code whose effective windows overlap. */
  | 'REF_OVERLAPPING_WINDOWS'
  /** A shipped entry, or a code list member, without a source. */
  | 'REF_NO_SOURCE'
  /** A shipped procedure code that is not five characters of CPT/HCPCS shape. */
  | 'REF_BAD_CODE'
  | 'REF_UNKNOWN_FILE'
  | 'REF_READ_FAILED'
  | 'REF_EMPTY'
  | 'REF_NO_HEADER'
  | 'REF_BAD_ROW'
  | 'REF_DUPLICATE_ROW'
  | 'REF_DATABASE_NOT_FOUND'
  | 'REF_DATABASE_UNREADABLE';

/** Not `ReferenceError`: that name is JavaScript's own error for an unknown identifier. */
export class ReferenceDataError extends Error {
  readonly code: ReferenceDataErrorCode;
  /** The file's 1-based line the problem is on, when it is on one. */
  readonly line: number | undefined;

  constructor(code: ReferenceDataErrorCode, message: string, line?: number) {
    super(message);
    this.name = 'ReferenceDataError';
    this.code = code;
    this.line = line;
  }
}
