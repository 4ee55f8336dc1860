/**
 * The reference layer's error: a table in ./data that contradicts itself, found when the reference data is
 * built. It is a fault in the shipped data, not in the input, so a run reports it as an internal error; the code
 * and the message name the table, the code and what is wrong.
 */

export type ReferenceDataErrorCode =
  /** An entry whose effective window ends before it starts. */
  | 'REF_EMPTY_WINDOW'
  /** Two entries for one code whose effective windows overlap. */
  | 'REF_OVERLAPPING_WINDOWS'
  /** An entry, or a code list member, without a source. */
  | 'REF_NO_SOURCE'
  /** A procedure code that is not five characters of CPT/HCPCS shape. */
  | 'REF_BAD_CODE';

/** Not `ReferenceError`: that name is JavaScript's own error for an unknown identifier. */
export class ReferenceDataError extends Error {
  readonly code: ReferenceDataErrorCode;
  constructor(code: ReferenceDataErrorCode, message: string) {
    super(message);
    this.name = 'ReferenceDataError';
    this.code = code;
  }
}
