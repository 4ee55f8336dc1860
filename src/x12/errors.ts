/**
 * The X12 adapter's error: a claim the writer refuses to write (nothing of it is written), with an `X12_*` code
 * and a one-line message naming the file, the claim and the value. The pipeline holds such a claim as read.
 * Problems found while reading are not thrown: they are FileProblems and ReadProblems with `X12_*` codes. A broken
 * invariant or a misuse of the API (a bug) throws a plain Error; an argument check, a TypeError or RangeError.
 */

export type X12ErrorCode =
  /** The claim was not read from X12 (another format's raw data). */
  | 'X12_NOT_X12'
  /** A value holds one of the interchange's delimiters or a line break. */
  | 'X12_DELIMITER_IN_VALUE'
  /** A line of the corrected claim matches no service line loop read from the file. */
  | 'X12_UNKNOWN_LINE'
  /** More modifiers than SV101 holds (4). */
  | 'X12_TOO_MANY_MODIFIERS'
  /** A diagnosis pointer outside 1–12. */
  | 'X12_BAD_POINTER';

export class X12Error extends Error {
  readonly code: X12ErrorCode;
  constructor(code: X12ErrorCode, message: string) {
    super(message);
    this.name = 'X12Error';
    this.code = code;
  }
}
