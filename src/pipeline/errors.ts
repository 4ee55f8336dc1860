/**
 * The pipeline's error: a run that cannot start as asked (the inputs, the outputs, `--prior`), with a `CFG_*` code
 * and a one-line message. The run logs it and exits 2, as it does for the policy's ConfigError, the CSV map's
 * CsvError and the history's HistoryError.
 */

export type UsageErrorCode =
  /** No claim files in the inputs. */
  | 'CFG_NO_INPUTS'
  /** Two inputs would be written under the same output name. */
  | 'CFG_DUPLICATE_OUTPUT'
  /** A `--prior` path does not exist. */
  | 'CFG_PRIOR_NOT_FOUND'
  /** `--prior -`: standard input cannot be a prior file. */
  | 'CFG_PRIOR_STDIN'
  /** `--prior` without a history database. */
  | 'CFG_PRIOR_WITHOUT_HISTORY'
  /** Another run holds the output directory's lock (out-lock.ts). */
  | 'CFG_OUT_IN_USE';

export class UsageError extends Error {
  readonly code: UsageErrorCode;
  constructor(code: UsageErrorCode, message: string) {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}
