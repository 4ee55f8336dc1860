/**
 * Claim-level damage (issue 7): one bad value in one claim holds that claim with a finding naming the problem;
 * the claims before and after it in the same file go on as usual; the file is not "unreadable" (exit 0).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  claimText,
  cleanClaim,
  cleanCsvRows,
  cleanup,
  csvText,
  PATIENTS,
  readExceptions,
  runInProcess,
  tempDir,
  writeInput,
  writtenClaims,
  x12File,
  type CsvRow,
} from './helpers.js';
import { itUnlessGap } from './gaps.js';

/** Applies `edit` to the text of claim `claimId` only (from its CLM to the next CLM, HL or SE). */
function damageClaim(text: string, claimId: string, edit: (claimText: string) => string): string {
  const before = claimText(text, claimId);
  const edited = edit(before);
  if (edited === before) throw new Error(`the edit changed nothing in ${claimId}`);
  return text.replace(before, edited);
}

const THREE = x12File([cleanClaim('OK0001'), cleanClaim('BAD0002'), cleanClaim('OK0003')]);
const HUNDRED_KB = 'A'.repeat(100 * 1024);

interface X12ClaimCase {
  name: string;
  text: string;
  /** The read problem the held claim carries. */
  ruleId: string;
  gap?: string;
}

const x12Cases: X12ClaimCase[] = [
  { name: 'non-numeric line charge (SV102)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('*850*UN*', '*85O.00*UN*')), ruleId: 'X12_BAD_AMOUNT' },
  { name: 'non-numeric claim total (CLM02)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('CLM*BAD0002*1150.5*', 'CLM*BAD0002*1,150.50*')), ruleId: 'X12_BAD_AMOUNT' },
  { name: 'non-numeric units (SV104)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('*850*UN*1*', '*850*UN*ONE*')), ruleId: 'X12_BAD_QUANTITY' },
  { name: 'impossible date of service (DTP03 20261341)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('DTP*472*D8*20261102', 'DTP*472*D8*20261341')), ruleId: 'X12_BAD_DATE', gap: 'G2' },
  { name: 'date of service that is not a date (DTP03 NEXTWEEK)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('DTP*472*D8*20261102', 'DTP*472*D8*NEXTWEEK')), ruleId: 'X12_BAD_DATE', gap: 'G2' },
  { name: 'unknown procedure qualifier (SV101-1 ZZ)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('SV1*HC:64483', 'SV1*ZZ:64483')), ruleId: 'X12_UNKNOWN_QUALIFIER' },
  { name: 'unknown diagnosis qualifier (HI01-1 QQQ)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('HI*ABK:', 'HI*QQQ:')), ruleId: 'X12_UNKNOWN_QUALIFIER' },
  { name: 'short SV1 (two elements)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('SV1*HC:64483:RT*850*UN*1***1~', 'SV1*HC:64483:RT*850~')), ruleId: 'X12_SHORT_SV1' },
  { name: 'an element of 100 KB (NM103 of the rendering provider)', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('NM1*82*1*DOCTOR', `NM1*82*1*${HUNDRED_KB}`)), ruleId: 'X12_ELEMENT_TOO_LONG' },
  { name: 'an element of 100 KB inside SV1', text: damageClaim(THREE, 'BAD0002', (t) => t.replace('*850*UN*1***1~', `*850*UN*1*${HUNDRED_KB}**1~`)), ruleId: 'X12_ELEMENT_TOO_LONG' },
  {
    name: '51 service lines',
    text: x12File([
      cleanClaim('OK0001'),
      { ...cleanClaim('BAD0002'), lines: Array.from({ length: 51 }, (_, index) => ({ code: index === 0 ? '64483' : '64484', modifiers: ['RT'], charge: '10', units: '1', pointers: [1], date: '20261102' })) },
      cleanClaim('OK0003'),
    ]),
    ruleId: 'X12_TOO_MANY_LINES',
  },
  { name: 'empty claim id (CLM01)', text: THREE.replace('CLM*BAD0002*', 'CLM**'), ruleId: 'X12_MISSING_VALUE' },
];

let work: string;
beforeAll(() => {
  work = tempDir('spinescrub-claim-damage-');
});
afterAll(() => cleanup(work));

describe('837P claim-level damage', () => {
  x12Cases.forEach(({ name, text, ruleId, gap }, index) => {
    itUnlessGap(gap, 'G9')(`${name}: that claim is held with a ${ruleId} finding, the others are released`, async () => {
      const file = writeInput(path.join(work, `x12-${index}`), 'claims.837', text);
      const run = await runInProcess([file], path.join(work, `x12-${index}-out`));
      expect(run.exitCode).toBe(0);
      const badId = name.startsWith('empty claim id') ? '' : 'BAD0002';
      expect(writtenClaims(run.outDir, 'claims.837', 'x12')).toEqual({ ready: ['OK0001', 'OK0003'], held: [badId] });
      const report = readExceptions(run.outDir);
      expect(report.summary.files[0]).toMatchObject({ readable: true, claims: 3, ready: 2, held: 1 });
      // The read problem is a held finding under its code, pointing at the segment.
      const held = report.findings.filter((entry) => entry.claimId === badId && entry.action === 'held');
      expect(held.some((entry) => entry.ruleId === ruleId && /^segment \d+/.test(entry.location ?? '')), JSON.stringify(held)).toBe(true);
      expect(report.findings.filter((entry) => entry.claimId.startsWith('OK'))).toEqual([]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  });
});

const CSV_HUNDRED_KB = 'B'.repeat(100 * 1024);

interface CsvClaimCase {
  name: string;
  edit: (rows: CsvRow[]) => CsvRow[];
  ruleId: string;
  gap?: string;
}

const csvCases: CsvClaimCase[] = [
  { name: 'non-numeric charge', edit: (rows) => [{ ...rows[0]!, charge: '85O.00' }, rows[1]!], ruleId: 'CSV_BAD_AMOUNT' },
  { name: 'impossible date of service', edit: (rows) => rows.map((row) => ({ ...row, dos: '2026-13-41' })), ruleId: 'CSV_BAD_DATE', gap: 'G2' },
  { name: 'non-numeric units', edit: (rows) => [{ ...rows[0]!, units: 'two' }, rows[1]!], ruleId: 'CSV_BAD_NUMBER' },
  { name: 'unparseable diagnosis pointer', edit: (rows) => [{ ...rows[0]!, dx_pointers: 'Z9' }, rows[1]!], ruleId: 'CSV_BAD_POINTER' },
  { name: 'a row with fewer fields than the header', edit: (rows) => rows, ruleId: 'CSV_RAGGED_ROW' },
  { name: 'a cell of 100 KB', edit: (rows) => [{ ...rows[0]!, patient_last: CSV_HUNDRED_KB }, { ...rows[1]!, patient_last: CSV_HUNDRED_KB }], ruleId: 'CSV_VALUE_TOO_LONG', gap: 'G8' },
  {
    name: '51 service lines',
    edit: (rows) => Array.from({ length: 51 }, (_, index) => ({ ...rows[index === 0 ? 0 : 1]!, line_no: String(index + 1), charge: '10.00' })),
    ruleId: 'CSV_TOO_MANY_LINES',
    gap: 'G7',
  },
];

describe('CSV claim-level damage', () => {
  csvCases.forEach(({ name, edit, ruleId, gap }, index) => {
    itUnlessGap(gap, 'G9')(`${name}: that claim is held with a ${ruleId} finding, the others are released`, async () => {
      const rows = [...cleanCsvRows('OK0001', PATIENTS[0]), ...edit(cleanCsvRows('BAD0002', PATIENTS[1])), ...cleanCsvRows('OK0003', PATIENTS[2])];
      let text = csvText(rows);
      if (ruleId === 'CSV_RAGGED_ROW') {
        const lines = text.split('\n');
        lines[3] = lines[3]!.split(',').slice(0, 20).join(','); // first row of BAD0002 (line 4), columns 21–25 gone
        text = lines.join('\n');
      }
      const file = writeInput(path.join(work, `csv-${index}`), 'claims.csv', text);
      const run = await runInProcess([file], path.join(work, `csv-${index}-out`));
      expect(run.exitCode).toBe(0);
      expect(writtenClaims(run.outDir, 'claims.csv', 'csv')).toEqual({ ready: ['OK0001', 'OK0003'], held: ['BAD0002'] });
      const report = readExceptions(run.outDir);
      expect(report.summary.files[0]).toMatchObject({ readable: true, claims: 3, ready: 2, held: 1 });
      const held = report.findings.filter((entry) => entry.claimId === 'BAD0002' && entry.action === 'held');
      expect(held.some((entry) => entry.ruleId === ruleId && /^line \d+/.test(entry.location ?? '')), JSON.stringify(held)).toBe(true);
      expect(report.findings.filter((entry) => entry.claimId.startsWith('OK'))).toEqual([]);
    });
  });
});
