/**
 * junit.xml for CI systems: one test suite per input file, one test case per claim; a held claim fails with
 * its open findings, a flagged one passes with its warnings in system-out. No timings: the bytes depend on the
 * inputs only.
 */
import type { ClaimOutcome, FileSummary } from './types.js';

/**
 * Any character escapeXml changes (markup, controls, U+FFFE/U+FFFF) or may change (every surrogate: a lone one is
 * replaced, a pair kept): text without one is returned as it is, without the two replace passes.
 */
// eslint-disable-next-line no-control-regex
const MAY_NEED_ESCAPE = /[\x00-\x08\x0B\x0C\x0E-\x1F&<>"'\uD800-\uDFFF\uFFFE\uFFFF]/;

/** XML 1.0 text: escape markup, drop characters XML cannot carry. */
export function escapeXml(value: string | number | null | undefined): string {
  const text = String(value ?? '');
  if (!MAY_NEED_ESCAPE.test(text)) return text;
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function reasonLine(reason: ClaimOutcome['reasons'][number]): string {
  return `${reason.severity} ${reason.ruleId}${reason.line === null ? '' : ` line ${reason.line}`}: ${reason.message}`;
}

/** The escaped file name of the last test case (every claim of a file carries the same one). */
let lastFile = '';
let lastFileEscaped = '';

export function junitTestCase(outcome: ClaimOutcome): string {
  if (outcome.file !== lastFile) {
    lastFileEscaped = escapeXml(outcome.file);
    lastFile = outcome.file;
  }
  const open = `    <testcase classname="${lastFileEscaped}" name="claim ${escapeXml(outcome.claimId)}"`;
  if (outcome.fate === 'held') {
    const reasons = outcome.reasons.filter((reason) => reason.action === 'held');
    const message = reasons.length === 1 ? `held: ${reasons[0]?.ruleId}` : `held: ${reasons.length} open findings`;
    const body = outcome.reasons.map(reasonLine).join('\n');
    return `${open}>\n      <failure type="held" message="${escapeXml(message)}">${escapeXml(body)}</failure>\n    </testcase>\n`;
  }
  if (outcome.reasons.length > 0) {
    return `${open}>\n      <system-out>${escapeXml(outcome.reasons.map(reasonLine).join('\n'))}</system-out>\n    </testcase>\n`;
  }
  return `${open}/>\n`;
}

export function junitHead(totals: { claims: number; held: number; unreadableFiles: number }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="spinescrub" tests="${totals.claims + totals.unreadableFiles}" failures="${totals.held}" errors="${totals.unreadableFiles}">\n`;
}

export function junitSuiteOpen(file: FileSummary): string {
  const errors = file.readable ? 0 : 1;
  return `  <testsuite name="${escapeXml(file.file)}" tests="${file.claims + errors}" failures="${file.held}" errors="${errors}">\n`;
}

/** An unreadable file is one more test case, in error (its claims, if any, are failing test cases as well). */
export function junitSuiteError(file: FileSummary): string {
  if (file.readable) return '';
  const message = file.problems.map((problem) => `${problem.code}: ${problem.message}`).join('\n');
  return `    <testcase classname="${escapeXml(file.file)}" name="file is readable">\n      <error type="unreadable" message="${escapeXml(file.problems[0]?.code ?? 'unreadable')}">${escapeXml(message)}</error>\n    </testcase>\n`;
}

export const JUNIT_SUITE_CLOSE = '  </testsuite>\n';
export const JUNIT_TAIL = '</testsuites>\n';
