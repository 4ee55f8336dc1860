/**
 * Input integrity (issue 17): no partial claim released, nothing that is not an 837P read as one, a malformed or
 * nested envelope never loses or releases a claim, a truncated 837 never gives a malformed held file nor a
 * rewritten total, no silent skip, no output folder read back as input, guide lengths enforced.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { random } from './crash-harness.js';
import { cleanClaim, cleanCsv, cleanup, cleanX12, readExceptions, runInProcess, tempDir, writeInput, writtenClaims, x12ClaimIds, x12File } from './helpers.js';
import { x12Problems } from './wellformed.js';
import { oracleParse } from '../x12/helpers.js';
import { describeFsError } from '../../src/pipeline/run.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let work: string;
let counter = 0;
beforeAll(() => {
  work = tempDir('spinescrub-integrity-');
});
afterAll(() => cleanup(work));

function caseDir(label: string): string {
  counter += 1;
  return path.join(work, `${counter}-${label}`);
}

// ---------------------------------------------------------------------------------------------------------
// 1. A CSV cut at a row boundary
// ---------------------------------------------------------------------------------------------------------

interface CsvTable {
  header: string[];
  lines: string[];
  records: string[][];
}

function csvTable(text: string): CsvTable {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const records = parse(text, { relax_column_count: true }) as string[][];
  return { header: records[0]!, lines, records: records.slice(1) };
}

/** Claim id → its rows' total_charge cells, from a CSV text (header names as the samples spell them). */
function totalsOf(text: string): Map<string, string[]> {
  const records = parse(text, { relax_column_count: true }) as string[][];
  const header = records[0] ?? [];
  const id = header.indexOf('claim_id');
  const total = header.indexOf('total_charge');
  const out = new Map<string, string[]>();
  for (const record of records.slice(1)) out.set(record[id]!, [...(out.get(record[id]!) ?? []), record[total]!]);
  return out;
}

describe('1. a CSV cut at a row boundary never releases a partial claim, nor lowers its total', () => {
  for (const sample of ['clinic-a-clean.csv', 'clinic-c-history.csv']) {
    it(`${sample}: cut after every row, with and without the final line break`, async () => {
      const text = readFileSync(path.join(ROOT, 'samples', sample), 'utf8');
      const table = csvTable(text);
      const idColumn = table.header.indexOf('claim_id');
      const ids = table.records.map((record) => record[idColumn]!);
      const rowsOfClaim = (id: string): number => ids.filter((other) => other === id).length;
      const fullTotals = totalsOf(text);
      for (let kept = 1; kept < table.records.length; kept += 1) {
        for (const ending of ['\n', ''] as const) {
          const cut = `${table.lines.slice(0, kept + 1).join('\n')}${ending}`;
          const lastId = ids[kept - 1]!;
          const partial = ids.slice(0, kept).filter((id) => id === lastId).length < rowsOfClaim(lastId);
          const label = `${sample} cut after row ${kept}${ending === '' ? ' (no final line break)' : ''}`;
          const dir = caseDir('csv-cut');
          const file = writeInput(dir, sample, cut);
          const run = await runInProcess([file], path.join(dir, 'out'), { jobs: 1 });
          const written = writtenClaims(run.outDir, sample, 'csv');
          const distinct = [...new Set(ids.slice(0, kept))];
          expect([...written.ready, ...written.held].sort(), label).toEqual(distinct.sort());
          const report = readExceptions(run.outDir);
          const truncation = report.findings.filter((finding) => finding.ruleId === 'CSV_POSSIBLY_TRUNCATED');
          if (partial || ending === '') {
            // The last claim may be cut: held, with the reader's finding saying so.
            expect(written.held, label).toContain(lastId);
            expect(written.ready, label).not.toContain(lastId);
            expect(truncation.map((finding) => [finding.claimId, finding.action]), label).toEqual([[lastId, 'held']]);
            expect(truncation[0]!.message, label).toMatch(/may be truncated/);
          } else {
            expect(truncation, label).toEqual([]);
          }
          // No total is ever changed: every written row keeps the total_charge cell it was read with.
          for (const kind of ['ready', 'held'] as const) {
            const output = path.join(run.outDir, kind, sample);
            if (!existsSync(output)) continue;
            for (const [id, totals] of totalsOf(readFileSync(output, 'utf8'))) {
              expect(totals, `${label}: ${kind} ${id}`).toEqual(fullTotals.get(id)!.slice(0, totals.length));
            }
          }
          expect(report.findings.filter((finding) => finding.ruleId === 'claim/total-mismatch' && finding.action === 'corrected'), label).toEqual([]);
        }
      }
    }, 120_000);
  }
});

// ---------------------------------------------------------------------------------------------------------
// 2. Not an 837P
// ---------------------------------------------------------------------------------------------------------

const ACK_999 = [
  'ISA*00*          *00*          *ZZ*SYNTHRECEIVER  *ZZ*SYNTHSENDER    *261127*1300*^*00501*000000042*0*T*:~',
  'GS*FA*SYNTHRECEIVER*SYNTHSENDER*20261127*1300*42*X*005010X231A1~',
  'ST*999*0001*005010X231A1~',
  'AK1*HC*1*005010X222A1~',
  'AK2*837*0001*005010X222A1~',
  'IK5*A~',
  'AK9*A*1*1*1~',
  'SE*6*0001~',
  'GE*1*42~',
  'IEA*1*000000042~',
  '',
].join('\n');

const INSTITUTIONAL = cleanX12(2, 'INS').replaceAll('005010X222A1', '005010X223A2');

describe('2. a file that is not an 837P is refused by name (exit 3)', () => {
  for (const [name, content, words] of [
    ['ack.999', ACK_999, 'a 999 acknowledgment, not an 837P'],
    ['institutional.837', INSTITUTIONAL, 'an 837I (institutional), not an 837P'],
    ['dental.837', cleanX12(1, 'DEN').replaceAll('005010X222A1', '005010X224A2'), 'an 837D (dental), not an 837P'],
    ['remit.835', cleanX12(1, 'REM').replace('ST*837*0001*005010X222A1', 'ST*835*0001*005010X221A1').replace('GS*HC*', 'GS*HP*').replace(/\*005010X222A1~/, '*005010X221A1~'), 'an 835 remittance advice, not an 837P'],
  ] as const) {
    it(`${name}: "${words}", nothing written for it, the other file processed`, async () => {
      const dir = caseDir('not-837p');
      const file = writeInput(dir, name, content);
      const good = writeInput(dir, 'good.837', cleanX12(2, 'GOOD', '7'));
      const run = await runInProcess([file, good], path.join(dir, 'out'));
      expect(run.exitCode).toBe(3);
      const lines = run.stderr.split('\n').filter((line) => line.startsWith('spinescrub: error: ') && line.includes(file));
      expect(lines.some((line) => line.includes(words)), run.stderr).toBe(true);
      const report = readExceptions(run.outDir);
      expect(report.summary.files.find((entry) => entry.file === file)).toMatchObject({ readable: false, claims: 0, ready: 0, held: 0 });
      expect(report.summary.unreadable.find((entry) => entry.file === file)?.code).toBe('X12_NOT_837P');
      expect(writtenClaims(run.outDir, name, 'x12')).toEqual({ ready: [], held: [] });
      expect(writtenClaims(run.outDir, 'good.837', 'x12').ready).toEqual(['GOOD0001', 'GOOD0002']);
    });
  }

  it('the errata release 005010X222A2 is an 837P', async () => {
    const dir = caseDir('x222a2');
    const file = writeInput(dir, 'a2.837', cleanX12(2, 'ERR').replaceAll('005010X222A1', '005010X222A2'));
    const run = await runInProcess([file], path.join(dir, 'out'));
    expect(run.exitCode).toBe(0);
    expect(writtenClaims(run.outDir, 'a2.837', 'x12').ready).toEqual(['ERR0001', 'ERR0002']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 3. The ISA is 106 characters
// ---------------------------------------------------------------------------------------------------------

describe('3. an ISA of any length but 106 is a broken envelope', () => {
  const base = cleanX12(3, 'ISA');
  for (const [label, content] of [
    ['one character short (ISA06)', base.replace('*ZZ*SYNTHSENDER    *', '*ZZ*SYNTHSENDER   *')],
    ['one character long (ISA08)', base.replace('*ZZ*SYNTHRECEIVER  *', '*ZZ*SYNTHRECEIVER   *')],
  ] as const) {
    it(`${label}: exit 3, X12_BAD_ISA naming the length, every claim held, nothing ready`, async () => {
      const dir = caseDir('isa');
      const file = writeInput(dir, 'isa.837', content);
      const run = await runInProcess([file], path.join(dir, 'out'));
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toMatch(/X12_BAD_ISA|ISA segment is (105|107) characters long, not 106/);
      const report = readExceptions(run.outDir);
      expect(report.summary.files[0]!.problems.map((problem) => problem.code)).toContain('X12_BAD_ISA');
      expect(writtenClaims(run.outDir, 'isa.837', 'x12')).toEqual({ ready: [], held: ['ISA0001', 'ISA0002', 'ISA0003'] });
    });
  }

  it('exactly 106 characters: read as usual', async () => {
    expect(base.indexOf('~') + 1).toBe(106);
    const dir = caseDir('isa-ok');
    const run = await runInProcess([writeInput(dir, 'ok.837', base)], path.join(dir, 'out'));
    expect(run.exitCode).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 4. A nested ISA
// ---------------------------------------------------------------------------------------------------------

describe('4. a nested ISA loses no claim', () => {
  it('every claim of both interchanges is held once, and the problem names where the nesting starts', async () => {
    const outer = cleanX12(4, 'NST');
    const inner = cleanX12(2, 'INN', '9');
    const at = outer.indexOf('HL*', outer.indexOf('CLM*NST0002'));
    const content = outer.slice(0, at) + inner + outer.slice(at);
    const innerSegment = content.slice(0, at).split('~').length; // ordinal of the inner ISA
    const dir = caseDir('nested');
    const file = writeInput(dir, 'nested.837', content);
    const run = await runInProcess([file], path.join(dir, 'out'));
    expect(run.exitCode).toBe(3);
    const written = writtenClaims(run.outDir, 'nested.837', 'x12');
    expect(written.ready).toEqual([]);
    expect([...written.held].sort()).toEqual(['INN0001', 'INN0002', 'NST0001', 'NST0002', 'NST0003', 'NST0004']);
    expect(run.stderr).toMatch(new RegExp(`segment ${innerSegment} \\(ISA, byte ${at}\\): .*nested`));
    expect(x12Problems(readFileSync(path.join(run.outDir, 'held', 'nested.837'), 'latin1'), content)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 5. Truncated 837s
// ---------------------------------------------------------------------------------------------------------

/** CLM01 → CLM02 of the complete CLM segments of a text. */
function totalsOfX12(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const segment of text.split('~')) {
    const elements = segment.replace(/^\s+/, '').split('*');
    if (elements[0] === 'CLM') out.set(elements[1]!, elements[2]!);
  }
  return out;
}

describe('5. a truncated 837P gives a well-formed held file, with every complete claim as read', () => {
  it('a cut inside a segment: the cut segment is dropped and reported, not glued to the SE', async () => {
    const base = cleanX12(4, 'TRC');
    const cut = base.slice(0, base.indexOf('DTP*472', base.indexOf('CLM*TRC0003')) + 5);
    const dir = caseDir('trunc');
    const file = writeInput(dir, 'cut.837', cut);
    const run = await runInProcess([file], path.join(dir, 'out'));
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/segment DTP has no terminator: the file is truncated; the cut segment is dropped/);
    const held = readFileSync(path.join(run.outDir, 'held', 'cut.837'), 'latin1');
    expect(held).not.toContain('DTP*4SE');
    expect(x12Problems(held, cut)).toEqual([]);
    // TRC0003 lost its second line and the date of its first: its CLM02 stays 1150.5.
    expect(totalsOfX12(held).get('TRC0003')).toBe('1150.5');
  });

  for (const sample of ['clinic-a-clean.837', 'clinic-b-errors.837', 'clinic-c-history.837']) {
    it(`${sample}: 30 random truncations, each held file checked segment by segment`, async () => {
      const text = readFileSync(path.join(ROOT, 'samples', sample), 'latin1');
      const next = random(17 + sample.length);
      const end = text.lastIndexOf('IEA');
      for (let round = 0; round < 30; round += 1) {
        const at = 1 + Math.floor(next() * (end - 1));
        const cut = text.slice(0, at);
        const label = `${sample} cut at byte ${at}`;
        const dir = caseDir('trunc-sample');
        const file = writeInput(dir, sample, Buffer.from(cut, 'latin1'));
        const run = await runInProcess([file], path.join(dir, 'out'), { jobs: 1 });
        expect(run.exitCode, `${label}: ${run.stderr}`).toBe(3);
        expect(run.stderr, label).not.toMatch(/internal error|\n\s+at /);
        expect(existsSync(path.join(run.outDir, 'ready', sample)), label).toBe(false);
        const complete = x12ClaimIds(cut.slice(0, cut.lastIndexOf('~') + 1));
        const output = path.join(run.outDir, 'held', sample);
        if (complete.length === 0) {
          expect(existsSync(output), label).toBe(false);
          continue;
        }
        const held = readFileSync(output, 'latin1');
        expect(x12ClaimIds(held), label).toEqual(complete);
        expect(x12Problems(held, cut), label).toEqual([]);
        expect(oracleParse(Buffer.from(held, 'latin1')), label).toBeGreaterThan(0);
        // Every segment but the envelope trailers the writer adds is a complete segment of the input.
        const inputSegments = new Set(cut.split('~').map((segment) => segment.replace(/^\s+/, '')));
        for (const segment of held.split('~').map((part) => part.replace(/^\s+/, '')).filter((part) => part.length > 0)) {
          if (/^(SE|GE|IEA)\*/.test(segment)) continue;
          expect(inputSegments.has(segment), `${label}: ${segment}`).toBe(true);
        }
        const totals = totalsOfX12(cut.slice(0, cut.lastIndexOf('~') + 1));
        for (const [id, total] of totalsOfX12(held)) expect(total, `${label}: CLM02 of ${id}`).toBe(totals.get(id));
      }
    }, 120_000);
  }
});

// ---------------------------------------------------------------------------------------------------------
// 9. Silent skips and self-reading
// ---------------------------------------------------------------------------------------------------------

describe('9. a directory scan says what it skips, and never reads an output folder', () => {
  it('a symlinked file, a UTF-16 file, an unknown format and a hidden file: one log line each, with the reason', async () => {
    const dir = caseDir('scan');
    const inputs = path.join(dir, 'in');
    writeInput(inputs, 'good.837', cleanX12(2, 'SCN'));
    const elsewhere = writeInput(path.join(dir, 'elsewhere'), 'linked.837', cleanX12(1, 'LNK', '3'));
    symlinkSync(elsewhere, path.join(inputs, 'linked.837'));
    writeInput(inputs, 'wide.837', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cleanX12(1, 'WID', '4'), 'utf16le')]));
    writeInput(inputs, 'notes.txt', 'not claims\n');
    writeInput(inputs, 'map.json', '{}\n');
    writeInput(inputs, '.hidden.837', cleanX12(1, 'HID', '5'));
    const run = await runInProcess([inputs], path.join(dir, 'out'));
    const skipped = (name: string): string | undefined => run.stderr.split('\n').find((line) => line.includes(path.join(inputs, name)) && /skipped/.test(line));
    expect(skipped('linked.837'), run.stderr).toMatch(/symbolic link/);
    expect(skipped('notes.txt'), run.stderr).toMatch(/warn: .*skipped: neither an 837P file \(no ISA at the start\) nor a \.csv file/);
    // A column map beside the exports is expected there: logged, but not as a warning.
    expect(skipped('map.json'), run.stderr).toMatch(/spinescrub: [^w].*skipped: not a claim file \(a column map, policy or document, by its extension\)/);
    expect(skipped('map.json'), run.stderr).not.toMatch(/warn:/);
    expect(skipped('.hidden.837'), run.stderr).toMatch(/hidden/);
    // A UTF-16 file is a claim file in an encoding the run cannot read: named as such, exit 3.
    expect(run.stderr.split('\n').some((line) => line.includes('wide.837') && /UTF-16/.test(line)), run.stderr).toBe(true);
    expect(run.exitCode).toBe(3);
    expect(writtenClaims(run.outDir, 'good.837', 'x12').ready).toEqual(['SCN0001', 'SCN0002']);
  });

  it('a named UTF-16 CSV is named as UTF-16', async () => {
    const dir = caseDir('utf16');
    const file = writeInput(dir, 'wide.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cleanCsv(2, 'WCS'), 'utf16le')]));
    const run = await runInProcess([file], path.join(dir, 'out'));
    expect(run.exitCode).toBe(3);
    const report = readExceptions(run.outDir);
    expect(report.summary.unreadable[0]).toMatchObject({ file, code: 'INPUT_UTF16' });
    expect(report.summary.unreadable[0]!.message).toMatch(/UTF-16.*UTF-8/);
  });

  it('an earlier output folder inside the input folder is skipped (its marker file), with a log line', async () => {
    const dir = caseDir('self');
    const inputs = path.join(dir, 'in');
    writeInput(inputs, 'claims.837', cleanX12(2, 'SLF'));
    const first = await runInProcess([inputs], path.join(inputs, 'out'));
    expect(first.exitCode).toBe(0);
    expect(existsSync(path.join(inputs, 'out', '.spinescrub-output'))).toBe(true);
    // The same folder again, written elsewhere: in/out/ready/claims.837 must not be read as an input.
    const second = await runInProcess([inputs], path.join(dir, 'out2'));
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr.split('\n').some((line) => line.includes(path.join(inputs, 'out')) && /skipped/.test(line) && /spinescrub output/.test(line)), second.stderr).toBe(true);
    expect(readExceptions(second.outDir).summary.files.map((file) => file.file)).toEqual([path.join(inputs, 'claims.837')]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 10. Guide lengths
// ---------------------------------------------------------------------------------------------------------

describe('10. X12 element lengths from the 837P guide hold the claim', () => {
  const three = x12File([cleanClaim('LEN0001'), cleanClaim('LEN0002'), cleanClaim('LEN0003')]);
  const claimTwo = (edit: (text: string) => string): string => {
    const start = three.indexOf('HL*3*');
    const end = three.indexOf('HL*4*');
    return three.slice(0, start) + edit(three.slice(start, end)) + three.slice(end);
  };
  for (const [label, content, element, badId] of [
    ['a 1 MB subscriber last name (NM103)', claimTwo((text) => text.replace(/NM1\*IL\*1\*[A-Z]+/, `NM1*IL*1*${'N'.repeat(1 << 20)}`)), 'NM103', 'LEN0002'],
    ['a 61-character subscriber last name (NM103, at most 60)', claimTwo((text) => text.replace(/NM1\*IL\*1\*[A-Z]+/, `NM1*IL*1*${'N'.repeat(61)}`)), 'NM103', 'LEN0002'],
    ['a 39-character claim id (CLM01, at most 38)', three.replaceAll('LEN0002', `LEN0002${'X'.repeat(32)}`), 'CLM01', `LEN0002${'X'.repeat(32)}`],
    ['a 19-character line charge (SV102, at most 18)', claimTwo((text) => text.replace('*850*UN*', `*${'0'.repeat(16)}850*UN*`)), 'SV102', 'LEN0002'],
    ['a 51-character REF02 (at most 50)', claimTwo((text) => text.replace(/(CLM\*[^~]*~\n)/, `$1REF*D9*${'R'.repeat(51)}~\n`).replace(/SE\*\d+/, (se) => se)), 'REF02', 'LEN0002'],
  ] as const) {
    it(`${label}: that claim is held with X12_ELEMENT_TOO_LONG naming ${element}`, async () => {
      let text: string = content;
      if (element === 'REF02') text = text.replace(/SE\*(\d+)\*/, (_whole, count: string) => `SE*${Number(count) + 1}*`);
      const dir = caseDir('length');
      const file = writeInput(dir, 'claims.837', text);
      const run = await runInProcess([file], path.join(dir, 'out'));
      expect(run.exitCode, run.stderr).toBe(0);
      expect(writtenClaims(run.outDir, 'claims.837', 'x12')).toEqual({ ready: ['LEN0001', 'LEN0003'], held: [badId] });
      const findings = readExceptions(run.outDir).findings.filter((finding) => finding.ruleId === 'X12_ELEMENT_TOO_LONG');
      expect(findings.map((finding) => [finding.claimId, finding.action])).toEqual([[badId, 'held']]);
      expect(findings[0]!.message).toContain(element);
    }, 60_000);
  }
});

describe('samples', () => {
  it('the CSV samples end with a line break (the cut test relies on it)', () => {
    for (const sample of ['clinic-a-clean.csv', 'clinic-c-history.csv']) expect(readFileSync(path.join(ROOT, 'samples', sample), 'utf8').endsWith('\n')).toBe(true);
  });
});

describe('10. file system errors name the path and what to do', () => {
  it('--out is an existing file: exit 2, one line naming it, no "internal error"', async () => {
    const dir = caseDir('out-is-file');
    const input = writeInput(dir, 'claims.837', cleanX12(1, 'FSE'));
    const out = writeInput(dir, 'not-a-folder', 'x');
    const run = await runInProcess([input], out);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^spinescrub: error: ${out.replaceAll('/', '\\/')}.*(EEXIST|ENOTDIR).*: (move it or )?choose another path$`))]);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('EACCES, ENOENT, EISDIR: the path, the meaning, what to do', () => {
    const error = (code: string, where: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code, path: where, syscall: 'open' });
    expect(describeFsError(error('EACCES', '/out/ready'), '/out')).toBe('permission denied on /out/ready (EACCES): check the permissions of the file or folder, or choose another path');
    expect(describeFsError(error('ENOENT', '/in/claims.837'), '/out')).toBe('/in/claims.837 does not exist (ENOENT): check the path');
    expect(describeFsError(error('EISDIR', '/out/exceptions.csv'), '/out')).toBe('/out/exceptions.csv is a folder where a file is needed (EISDIR): name a file');
  });
});
