/**
 * junit.xml for CI systems: one test suite per input file, one test case per claim; a held claim fails with
 * its open findings, a flagged one passes with its warnings in system-out. No timings: the bytes depend on the
 * inputs only.
 */
import { ANY_ASCII, asciiRejecting, isPlainAscii, type SpillFile } from './sync-file.js';
import type { ClaimOutcome, FileSummary } from './types.js';

/**
 * Any character escapeXml changes (markup, controls, U+FFFE/U+FFFF) or may change (every surrogate: a lone one is
 * replaced, a pair kept): text without one is returned as it is, without the two replace passes.
 */
const MAY_NEED_ESCAPE = /[\x00-\x08\x0B\x0C\x0E-\x1F&<>"'\uD800-\uDFFF\uFFFE\uFFFF]/;

/** XML 1.0 text: escape markup, drop characters XML cannot carry. */
export function escapeXml(value: string | number | null | undefined): string {
  const text = String(value ?? '');
  if (!MAY_NEED_ESCAPE.test(text)) return text;
  return text
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

/** XML text copied as it is: no control char (tab and line ends included: the general form decides) or markup. */
const XML_PLAIN = asciiRejecting((code) => code < 0x20 || code === 0x26 || code === 0x3c || code === 0x3e || code === 0x22 || code === 0x27);

/** The constant pieces of a test case, as bytes (one copy each instead of a char loop). */
const FAILURE_OPEN = Buffer.from('">\n      <failure type="held" message="held: ', 'latin1');
const OPEN_FINDINGS = Buffer.from(' open findings', 'latin1');
const FAILURE_CLOSE = Buffer.from('</failure>\n    </testcase>\n', 'latin1');
const SYSTEM_OUT_OPEN = Buffer.from('">\n      <system-out>', 'latin1');
const SYSTEM_OUT_CLOSE = Buffer.from('</system-out>\n    </testcase>\n', 'latin1');
const EMPTY_CLOSE = Buffer.from('"/>\n', 'latin1');

/** The file of the test cases spilled last, and `    <testcase classname="FILE" name="claim ` as bytes (null: FILE is not plain). */
let openingFile: string | undefined;
let openingBytes: Buffer | null = null;

/** A test case's opening up to its claim id, as bytes (every claim of a file shares it); null when the file name is not plain XML text. */
function testCaseOpening(file: string): Buffer | null {
  if (file !== openingFile) {
    openingBytes = isPlainAscii(file, XML_PLAIN) ? Buffer.from(`    <testcase classname="${file}" name="claim `, 'latin1') : null;
    openingFile = file;
  }
  return openingBytes;
}

/**
 * junitTestCase(outcome) written into a spill as bytes: plain ASCII pieces are copied; a test case with anything
 * escapeXml would change (or non-ASCII) is written as junitTestCase's text. Same bytes.
 */
export function spillJunitTestCase(outcome: ClaimOutcome, spill: SpillFile): void {
  spill.begin();
  if (!testCaseBytes(outcome, spill)) {
    spill.rewind();
    spill.text(junitTestCase(outcome));
  }
}

function testCaseBytes(outcome: ClaimOutcome, spill: SpillFile): boolean {
  const opening = testCaseOpening(outcome.file);
  if (opening === null || !spill.bytes(opening) || !spill.ascii(outcome.claimId, XML_PLAIN)) return false;
  const reasons = outcome.reasons;
  if (outcome.fate === 'held') {
    let heldCount = 0;
    let firstHeld: string | undefined;
    for (const reason of reasons) {
      if (reason.action !== 'held') continue;
      if (heldCount === 0) firstHeld = reason.ruleId;
      heldCount++;
    }
    if (!spill.bytes(FAILURE_OPEN)) return false;
    if (heldCount === 1 ? !spill.ascii(String(firstHeld), XML_PLAIN) : !spill.integer(heldCount) || !spill.bytes(OPEN_FINDINGS)) return false;
    return spill.ascii('">', ANY_ASCII) && reasonsBytes(reasons, spill) && spill.bytes(FAILURE_CLOSE);
  }
  if (reasons.length > 0) {
    return spill.bytes(SYSTEM_OUT_OPEN) && reasonsBytes(reasons, spill) && spill.bytes(SYSTEM_OUT_CLOSE);
  }
  return spill.bytes(EMPTY_CLOSE);
}

/** The reason lines (reasonLine), one a line. */
function reasonsBytes(reasons: ClaimOutcome['reasons'], spill: SpillFile): boolean {
  for (let i = 0; i < reasons.length; i++) {
    const reason = reasons[i]!;
    if (i !== 0 && !spill.byte(0x0a)) return false;
    if (!spill.ascii(reason.severity, XML_PLAIN) || !spill.byte(0x20) || !spill.ascii(reason.ruleId, XML_PLAIN)) return false;
    if (reason.line !== null && (!spill.ascii(' line ', ANY_ASCII) || !spill.integer(reason.line))) return false;
    if (!spill.ascii(': ', ANY_ASCII) || !spill.ascii(reason.message, XML_PLAIN)) return false;
  }
  return true;
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
