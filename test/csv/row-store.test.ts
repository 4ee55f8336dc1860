import { describe, expect, it } from 'vitest';
import type { ReadClaim } from '../../src/formats/types.js';
import type { CsvRawClaim } from '../../src/csv/index.js';
import { readCsv } from '../../src/csv/index.js';
import { chunked, HEADER, readText, roundTrip } from './helpers.js';

// The reader keeps each row in a temporary row file between its two passes (NUL-separated fields, JSON for a
// row whose fields could hold a NUL or a line feed): every field must come back exactly.
const text =
  `${HEADER},note\n` +
  'C1,M1,11,M5416,2026-10-01,64483,RT,1,850.00,1,"two\nlines"\n' +
  'C2,M2,11,M5416,2026-10-01,64484,RT,1,300.50,1,nul\u0000here\n' +
  'C1,M1,11,M5416,2026-10-01,64493,50,1,100.00,1,"a,b"\n' +
  'C3,M3,11,M5416,2026-10-01,64493,,1,100.00,1,\n';

const at = (start: string): number => text.indexOf(start);

describe('row file between the passes', () => {
  for (const memoryRuns of [20_000, 1]) {
    it(`gives back every field, line and offset (memoryRuns ${memoryRuns})`, async () => {
      const { reads, problems } = await readText(text, { memoryRuns, chunk: 5 });
      expect(problems).toEqual([]);
      const rows = reads.flatMap((read) => (read.raw as CsvRawClaim).rows.map((row) => row.fields));
      expect(rows).toEqual([
        ['C1', 'M1', '11', 'M5416', '2026-10-01', '64483', 'RT', '1', '850.00', '1', 'two\nlines'],
        ['C1', 'M1', '11', 'M5416', '2026-10-01', '64493', '50', '1', '100.00', '1', 'a,b'],
        ['C2', 'M2', '11', 'M5416', '2026-10-01', '64484', 'RT', '1', '300.50', '1', 'nul\u0000here'],
        ['C3', 'M3', '11', 'M5416', '2026-10-01', '64493', '', '1', '100.00', '1', ''],
      ]);
      expect(reads.map((read) => read.claim.lines.map((line) => [line.source.csvLine, line.source.byteOffset]))).toEqual([
        [[2, at('C1,M1,11,M5416,2026-10-01,64483')], [5, at('C1,M1,11,M5416,2026-10-01,64493')]],
        [[4, at('C2,')]],
        [[6, at('C3,')]],
      ]);
    });
  }

  it('round-trips the file byte for byte (unsorted: rows grouped by claim)', async () => {
    const grouped = text.split('\n');
    const expected = [grouped[0], grouped[1], grouped[2], grouped[4], grouped[3], grouped[5], ''].join('\n');
    expect((await roundTrip(text)).toString('utf8')).toBe(expected);
  });

  it('takeReady() hands over the claims already read, in the same order as next()', async () => {
    const reader = readCsv(chunked(Buffer.from(text, 'utf8'), 3), 'in.csv');
    const claims = reader.claims() as AsyncGenerator<ReadClaim> & { takeReady(): ReadClaim | undefined };
    expect(claims.takeReady()).toBeUndefined(); // before the first pass
    const ids: string[] = [];
    const first = await claims.next();
    ids.push((first.value as ReadClaim).claim.claimId);
    for (let read = claims.takeReady(); read !== undefined; read = claims.takeReady()) ids.push(read.claim.claimId);
    expect(ids).toEqual(['C1', 'C2', 'C3']);
    expect((await claims.next()).done).toBe(true);
    expect(claims.takeReady()).toBeUndefined();
  });
});
