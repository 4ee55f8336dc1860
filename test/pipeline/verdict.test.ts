/** The exit code of a finished run and the line that says why it is 1 (src/pipeline/verdict.ts). */
import { describe, expect, it } from 'vitest';
import { runVerdict } from '../../src/pipeline/verdict.js';

const counts = (error: number, warning: number, claimsError: number, claimsWarning: number, unreadable = 0) => ({
  open: { error, warning },
  claimsOpen: { error: claimsError, warning: claimsWarning },
  unreadable,
});

describe('runVerdict', () => {
  it.each([
    ['nothing open', counts(0, 0, 0, 0), 'error', undefined, { exitCode: 0, reasons: [] }],
    ['errors under --fail-on error', counts(9, 3, 6, 8), 'error', undefined, { exitCode: 1, reasons: ['6 claims held with open errors (--fail-on error)'] }],
    ['one claim', counts(1, 0, 1, 1), 'error', undefined, { exitCode: 1, reasons: ['1 claim held with open errors (--fail-on error)'] }],
    ['warnings only under --fail-on error', counts(0, 3, 0, 2), 'error', undefined, { exitCode: 0, reasons: [] }],
    ['warnings under --fail-on warning', counts(0, 3, 0, 2), 'warning', undefined, { exitCode: 1, reasons: ['2 claims with open errors or warnings (--fail-on warning)'] }],
    ['--fail-on never', counts(9, 3, 6, 8), 'never', undefined, { exitCode: 0, reasons: [] }],
    ['at --max-warnings', counts(0, 3, 0, 2), 'never', 3, { exitCode: 0, reasons: [] }],
    ['over --max-warnings', counts(0, 3, 0, 2), 'never', 2, { exitCode: 1, reasons: ['3 open warnings, more than --max-warnings 2'] }],
    ['both', counts(2, 1, 1, 2), 'error', 0, { exitCode: 1, reasons: ['1 claim held with open errors (--fail-on error)', '1 open warning, more than --max-warnings 0'] }],
    ['an unreadable input wins', counts(2, 1, 1, 2, 1), 'error', 0, { exitCode: 3, reasons: [] }],
  ] as const)('%s', (_name, given, failOn, maxWarnings, expected) => {
    expect(runVerdict(given, failOn, maxWarnings)).toEqual(expected);
  });
});
