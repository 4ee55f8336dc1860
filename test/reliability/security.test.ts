/**
 * Security (issue 7):
 * - exceptions.csv neutralizes spreadsheet formulas: no cell starts with =, +, -, @, a tab or a CR;
 * - report.html escapes every value: claim ids, member ids, NPIs, file names and messages carrying markup
 *   render as text (checked in headless Chromium: no element, no handler, the text shown literally);
 * - X12 output never carries a delimiter inside an element: a fix that would put one there is refused, and the
 *   claim is held as read with a finding (a test rule injects such fixes);
 * - logs and progress output (text and JSON, bars on a terminal) carry no patient names, dates of birth or
 *   member ids — also when the damage sits right in the segments that hold them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules as allRules } from '../../src/rules/index.js';
import { defineRule } from '../../src/rules/types.js';
import {
  cleanClaim,
  cleanCsvRows,
  claimText,
  cleanup,
  csvText,
  listTree,
  readExceptions,
  runInProcess,
  tempDir,
  TextSink,
  writeInput,
  writtenClaims,
  x12File,
  type SynthPatient,
} from './helpers.js';
import { itUnlessGap } from './gaps.js';
import { oracleParse } from '../x12/helpers.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let work: string;
beforeAll(() => {
  work = tempDir('spinescrub-security-');
});
afterAll(() => cleanup(work));

describe('exceptions.csv: spreadsheet formulas are neutralized', () => {
  const prefixes = ['=', '+', '-', '@', '\t', '\r'];
  const formulaIds = ['=HYPERLINK("http://example.invalid/x","open")', '+1+1', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1'];

  it('no cell starts with =, +, -, @, tab or CR; the formula values are kept behind an apostrophe', async () => {
    // Every claim is held (a bad charge), so each has a finding row with its claim id and member id.
    const rows = formulaIds.flatMap((id, index) =>
      cleanCsvRows(`F${index}`).map((row) => ({ ...row, claim_id: id, member_id: formulaIds[(index + 1) % formulaIds.length]!, charge: row.line_no === '1' ? '=1+2' : row.charge })),
    );
    const file = writeInput(path.join(work, 'formula-in'), 'formulas.csv', csvText(rows));
    const run = await runInProcess([file], path.join(work, 'formula-out'));
    const csv = readFileSync(path.join(run.outDir, 'exceptions.csv'), 'utf8');
    const records = parse(csv, { relax_column_count: false }) as string[][];
    expect(records.length).toBeGreaterThan(formulaIds.length);
    for (const record of records) for (const cell of record) expect(prefixes.some((prefix) => cell.startsWith(prefix)), JSON.stringify(cell)).toBe(false);
    const claimIds = new Set(records.slice(1).map((record) => record[1]));
    // Values that begin with a formula character after the reader's trimming, neutralized with an apostrophe.
    for (const id of formulaIds.slice(0, 4)) expect(claimIds.has(`'${id}`), id).toBe(true);
    // The JSON report keeps the values as they are (it is not opened by a spreadsheet).
    const report = readExceptions(run.outDir);
    expect(report.findings.some((finding) => finding.claimId === formulaIds[0])).toBe(true);
  });
});

const MARKUP = {
  claimId: '<script>window.__pwned=1</script>',
  memberId: '<img src=x onerror="window.__pwned=2">',
  npi: '"><svg onload="window.__pwned=3">',
  last: '<u class="pwn" onmouseover=alert(1)>MARKUPLAST</u>',
  charge: '<iframe src="javascript:alert(4)">',
};

describe('report.html escapes every value', () => {
  let run: { outDir: string };
  let name: string;
  let file: string;
  beforeAll(async () => {
    const patient: SynthPatient = { memberId: MARKUP.memberId, last: MARKUP.last, first: '&amp;FIRST', dob: '19610314' };
    const held = { ...cleanClaim(MARKUP.claimId), renderingNpi: MARKUP.npi, lines: [{ ...cleanClaim('x').lines[0]!, charge: MARKUP.charge }, cleanClaim('x').lines[1]!], total: '300.5' };
    const text = x12File([held, cleanClaim('PLAIN0002')], { patients: [patient] });
    name = '<u class="pwn">claims&amp;.837';
    file = writeInput(path.join(work, 'html-in'), name, text);
    // A second file whose claim id carries control bytes (XML 1.0 cannot carry them, even escaped).
    const control = writeInput(path.join(work, 'html-in'), 'control.837', Buffer.from(x12File([cleanClaim('CTL\u0001\u0008\u001f0001')], { control: '5' }), 'latin1'));
    run = await runInProcess([file, control], path.join(work, 'html-out'));
  });

  it('claim ids, member ids, NPIs, file names and messages with markup are escaped in the page', () => {
    expect(writtenClaims(run.outDir, name, 'x12').held).toEqual([MARKUP.claimId]);
    const html = readFileSync(path.join(run.outDir, 'report.html'), 'utf8');
    for (const value of [MARKUP.claimId, MARKUP.memberId, MARKUP.npi, MARKUP.charge, name]) expect(html.includes(value), value).toBe(false);
  });

  it.skipIf(CHROMIUM === null)('they render as text in Chromium, where only the page\'s own script runs; junit.xml stays well-formed', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`file://${path.join(run.outDir, 'report.html')}`);
      // A string, so the test's types need no DOM library.
      const dom = (await page.evaluate(`(() => ({
        pwned: window.__pwned ?? null,
        scripts: [...document.querySelectorAll('script')].map((script) => script.src === '' && script.textContent.includes("getElementById('claims-body')")),
        foreign: document.querySelectorAll('img, iframe, .pwn, svg svg').length,
        handlers: [...document.querySelectorAll('*')].filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))).length,
        text: document.body.innerText,
      }))()`)) as { pwned: number | null; scripts: boolean[]; foreign: number; handlers: number; text: string };
      expect(dom.pwned).toBeNull();
      expect(dom.scripts).toEqual([true]);
      expect(dom.foreign).toBe(0);
      expect(dom.handlers).toBe(0);
      for (const value of [MARKUP.claimId, MARKUP.memberId, MARKUP.npi, name]) expect(dom.text.includes(value), value).toBe(true);
      expect(dom.text).toContain(MARKUP.charge);

      // junit.xml (read by CI systems) stays well-formed XML and carries the values as text.
      const junit = readFileSync(path.join(run.outDir, 'junit.xml'), 'utf8');
      const xml = (await page.evaluate(`((text) => {
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        return {
          errors: doc.getElementsByTagName('parsererror').length,
          names: [...doc.getElementsByTagName('testcase')].map((element) => element.getAttribute('name')),
          classes: [...doc.getElementsByTagName('testcase')].map((element) => element.getAttribute('classname')),
        };
      })(${JSON.stringify(junit)})`)) as { errors: number; names: string[]; classes: string[] };
      expect(xml.errors).toBe(0);
      expect(xml.names).toContain(`claim ${MARKUP.claimId}`);
      expect(xml.classes).toContain(file);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

/** A test rule whose safe fix sets a modifier to a value with a delimiter of the file in it. */
function delimiterRule(value: string) {
  return defineRule({
    meta: {
      id: 'test/inject-delimiter',
      type: 'problem',
      scope: 'claim',
      phase: 'recodes',
      docs: { description: 'test only: a fix whose value carries an X12 delimiter', source: 'test' },
      severity: { medicare: 'error', guide: 'error' },
      fixable: 'safe',
      messages: { inject: 'inject a delimiter' },
    },
    check(encounter, context) {
      if (!encounter.claim.claimId.startsWith('DLM')) return;
      const line = encounter.claim.lines[0];
      if (!line || line.modifiers.includes(value)) return;
      context.report({ messageId: 'inject', line, fix: { changes: [{ op: 'set-modifiers', line: line.key, value: [value] }], description: 'set a modifier' } });
    },
  });
}

describe('X12 output never carries a delimiter inside an element', () => {
  for (const [label, value] of [
    ['element separator', 'R*T'],
    ['component separator', 'R:T'],
    ['repetition separator', 'R^T'],
    ['segment terminator', 'R~T'],
    ['line break', 'R\nT'],
  ] as const) {
    it(`a fix that would put a ${label} in a modifier is refused: the claim is held as read with a finding, the rest goes on`, async () => {
      const text = x12File([cleanClaim('OK0001'), cleanClaim('DLM0002'), cleanClaim('OK0003')]);
      const file = writeInput(path.join(work, `delim-${label}`), 'claims.837', text);
      const run = await runInProcess([file], path.join(work, `delim-${label}-out`), { rules: [...allRules, delimiterRule(value)] });
      expect(writtenClaims(run.outDir, 'claims.837', 'x12')).toEqual({ ready: ['OK0001', 'OK0003'], held: ['DLM0002'] });
      const held = readFileSync(path.join(run.outDir, 'held', 'claims.837'));
      const ready = readFileSync(path.join(run.outDir, 'ready', 'claims.837'));
      // Held as read: the claim's segments are the input's, byte for byte (its SV1 still carries RT).
      expect(claimText(held.toString('latin1'), 'DLM0002')).toBe(claimText(text, 'DLM0002'));
      expect(held.toString('latin1')).toContain('SV1*HC:64483:RT*850*UN*1***1~');
      // Both outputs are valid interchanges for an independent parser (node-x12 strict).
      expect(oracleParse(held)).toBe(1);
      expect(oracleParse(ready)).toBe(1);
      const report = readExceptions(run.outDir);
      expect(report.summary.files[0]).toMatchObject({ readable: true, claims: 3, ready: 2, held: 1 });
      // The refusal is the claim's held finding (the run reports it as RUN_WRITE_REFUSED, naming the delimiter).
      const finding = report.findings.find((entry) => entry.claimId === 'DLM0002' && ['X12_DELIMITER_IN_VALUE', 'RUN_WRITE_REFUSED'].includes(entry.ruleId));
      expect(finding?.action).toBe('held');
      expect(finding?.message).toMatch(/delimiter|line break/);
      expect(run.exitCode).toBe(0);
    });
  }
});

describe('X12 output never carries a delimiter inside an element (a file of one refused claim)', () => {
  itUnlessGap('G12')('the claim is held as read and no empty ready file is left', async () => {
    const text = x12File([cleanClaim('DLM0001')]);
    const file = writeInput(path.join(work, 'delim-only'), 'only.837', text);
    const run = await runInProcess([file], path.join(work, 'delim-only-out'), { rules: [...allRules, delimiterRule('R*T')] });
    expect(run.exitCode).toBe(0);
    expect(listTree(run.outDir).filter((entry) => entry.startsWith('ready/') || entry.startsWith('held/'))).toEqual(['held/only.837']);
    expect(readFileSync(path.join(run.outDir, 'held', 'only.837'), 'latin1')).toBe(text);
  });
});

/** Distinctive synthetic identifiers: none may appear in any log or progress output. */
const SECRET: SynthPatient[] = [
  { memberId: 'MBRSECRET901', last: 'QUORVANTIS', first: 'ELSPETHIA', dob: '19490817' },
  { memberId: 'MBRSECRET902', last: 'DRAVENHOLT', first: 'MIRABELLO', dob: '19520229' },
];
const SECRET_STRINGS = SECRET.flatMap((patient) => [patient.memberId, patient.last, patient.first, patient.dob, `${patient.dob.slice(0, 4)}-${patient.dob.slice(4, 6)}-${patient.dob.slice(6, 8)}`]);

/** A writable that says it is a terminal (so the run draws its progress bars into it). */
class FakeTty extends TextSink {
  readonly isTTY = true;
  columns = 160;
  rows = 40;
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  clearScreenDown(): boolean {
    return true;
  }
  getWindowSize(): [number, number] {
    return [this.columns, this.rows];
  }
}

function phiInputs(dir: string): string[] {
  const clean = x12File([cleanClaim('PHI0001'), cleanClaim('PHI0002'), cleanClaim('PHI0003'), cleanClaim('PHI0004')], { patients: SECRET });
  // Damage next to the identifiers: garbage in the subscriber's NM1, a bad DOB, a truncation inside NM1*IL.
  const garbageInName = clean.replace(`NM1*IL*1*${SECRET[1]!.last}`, `NM1*IL*1*${SECRET[1]!.last}\u0000\u0007`);
  const badDob = clean.replace(`DMG*D8*${SECRET[0]!.dob}`, `DMG*D8*${SECRET[0]!.dob}99`);
  const cut = clean.indexOf(SECRET[1]!.memberId);
  const truncatedInId = clean.slice(0, cut + 6);
  const garbageSegment = clean.replace(`NM1*IL*1*${SECRET[0]!.last}`, `\u00ff${SECRET[0]!.last}~\nNM1*IL*1*${SECRET[0]!.last}`);
  const csvRows = [...cleanCsvRows('PHC0001', SECRET[0]), ...cleanCsvRows('PHC0002', SECRET[1]).map((row) => ({ ...row, patient_last: `${row.patient_last}X` }))];
  csvRows[2] = { ...csvRows[2]!, patient_last: SECRET[1]!.last }; // a name that differs between rows of one claim
  const csv = csvText(csvRows);
  const brokenCsv = `${csv}"${SECRET[0]!.last},${SECRET[0]!.memberId}\n`;
  return [
    writeInput(dir, 'clean.837', clean),
    writeInput(dir, 'garbage-in-name.837', garbageInName),
    writeInput(dir, 'bad-dob.837', badDob),
    writeInput(dir, 'truncated-in-id.837', truncatedInId),
    writeInput(dir, 'garbage-segment.837', garbageSegment),
    writeInput(dir, 'conflict.csv', csv),
    writeInput(dir, 'open-quote.csv', brokenCsv),
  ];
}

describe('logs and progress carry no patient names, dates of birth or member ids', () => {
  for (const logFormat of ['text', 'json'] as const) {
    it(`--log-format ${logFormat}, with progress bars on a terminal`, async () => {
      const dir = path.join(work, `phi-${logFormat}`);
      const inputs = phiInputs(dir);
      const stderr = new FakeTty();
      const stdout = new TextSink();
      const run = await runInProcess(inputs, path.join(work, `phi-${logFormat}-out`), { logFormat, progress: true, stderr, stdout });
      const output = `${stderr.text}\n${stdout.text}\n${run.stderr}\n${run.stdout}`;
      // The run did draw its bars and log the damaged files (else the test would prove nothing).
      expect(stderr.text).toMatch(/\d+ claims [\d.]+ MB\/s ETA /);
      for (const name of ['garbage-in-name.837', 'truncated-in-id.837', 'garbage-segment.837', 'open-quote.csv']) expect(output).toContain(name);
      for (const secret of SECRET_STRINGS) expect(output.includes(secret), secret).toBe(false);
      // The identifiers are in the analysts' report, where they belong (so the inputs did carry them).
      const report = readFileSync(path.join(run.outDir, 'exceptions.csv'), 'utf8');
      expect(report).toContain(SECRET[0]!.memberId);
    });
  }
});

describe('damage inside a segment does not carry its content into the logs', () => {
  itUnlessGap('G11')('a stray terminator inside a name, and a 3 MB segment without terminator: no part of the name, no line over 1000 characters', async () => {
    const dir = path.join(work, 'log-content');
    const clean = x12File([cleanClaim('LOG0101'), cleanClaim('LOG0102')], { patients: SECRET });
    // `~` inside the last name: the segment after it starts with the rest of the name.
    const stray = writeInput(dir, 'stray-terminator.837', clean.replace(`NM1*IL*1*${SECRET[0]!.last}`, `NM1*IL*1*QUOR~VANTIS`));
    // A file that goes on for 3 MB without a terminator after GS: the tokenizer's "tag" is megabytes long.
    const isaEnd = clean.indexOf('~') + 2;
    const endless = writeInput(dir, 'endless.837', `${clean.slice(0, isaEnd)}GS*${'MARBLEWICK'.repeat(300_000)}`);
    for (const logFormat of ['text', 'json'] as const) {
      const run = await runInProcess([stray, endless], path.join(work, `log-content-${logFormat}-out`), { logFormat });
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toContain('stray-terminator.837');
      expect(run.stderr).toContain('endless.837');
      expect(run.stderr).not.toContain('VANTIS');
      expect(run.stderr).not.toContain('MARBLEWICK');
      for (const line of run.stderr.split('\n')) expect(line.length, line.slice(0, 200)).toBeLessThan(1000);
      // The report keeps messages bounded too.
      const report = readExceptions(run.outDir);
      for (const problem of report.summary.files.flatMap((file) => file.problems)) expect(problem.message.length).toBeLessThan(1000);
    }
    // `spinescrub history add` reports the same problems on its standard error.
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'history', 'add', stray, endless, '--history', path.join(dir, 'history.db')], { cwd: ROOT, encoding: 'utf8' });
    expect(child.status).toBe(3);
    expect(`${child.stderr}${child.stdout}`).toContain('stray-terminator.837');
    expect(`${child.stderr}${child.stdout}`).not.toContain('VANTIS');
    expect(`${child.stderr}${child.stdout}`).not.toContain('MARBLEWICK');
  }, 60_000);
});

describe('a log line is one line', () => {
  itUnlessGap('G10')('a file name with a line break or a terminal escape cannot forge or colour log lines (text format)', async () => {
    const dir = path.join(work, 'log-injection');
    const forged = writeInput(dir, 'evil\nspinescrub: error: forged.837', x12File([cleanClaim('LOG0001')]).slice(0, 500));
    const coloured = writeInput(dir, 'red\u001b[31m.837', x12File([cleanClaim('LOG0002')]).slice(0, 500));
    const run = await runInProcess([forged, coloured], path.join(work, 'log-injection-out'));
    expect(run.exitCode).toBe(3);
    const lines = run.stderr.trimEnd().split('\n');
    // Every file problem and file-done line is there, each on its own line, none forged.
    expect(lines.filter((line) => line.includes('forged.837')).length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line.startsWith('spinescrub: error: forged.837'), line).toBe(false);
      expect(line.includes('\u001b'), JSON.stringify(line)).toBe(false);
    }
    expect(lines.every((line) => line.startsWith('spinescrub: '))).toBe(true);
    expect(lines.some((line) => line.includes('evil\\nspinescrub: error: forged.837'))).toBe(true);

    // The progress bars on a terminal show the names the same way.
    const tty = new FakeTty();
    await runInProcess([forged, coloured], path.join(work, 'log-injection-tty-out'), { progress: true, stderr: tty });
    expect(tty.text).toMatch(/claims [\d.]+ MB\/s ETA /);
    expect(tty.text).not.toContain('red\u001b[31m');
    expect(tty.text).not.toContain('evil\nspinescrub');
  });
});
