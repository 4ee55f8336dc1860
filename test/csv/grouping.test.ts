import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/csv/index.js';
import { HEADER, readText, roundTrip } from './helpers.js';

const row = (claim: string, cpt: string, charge = '100.00') => `${claim},M-${claim},11,M5416,2026-10-01,${cpt},,1,${charge},1`;

describe('grouping rows into claims by claim_id', () => {
  const sorted = [HEADER, row('A', '64483'), row('A', '64484'), row('B', '64493'), row('C', '62323'), row('C', '77003')].join('\n') + '\n';
  const unsorted = [HEADER, row('B', '64493'), row('A', '64483'), row('C', '62323'), row('A', '64484'), row('B', '64494'), row('C', '77003')].join('\n') + '\n';

  for (const memoryRuns of [20_000, 1]) {
    const where = memoryRuns === 1 ? 'index on disk' : 'index in memory';
    it(`a sorted export gives one claim per run, in file order (${where})`, async () => {
      const { claims, problems } = await readText(sorted, { memoryRuns });
      expect(problems).toEqual([]);
      expect(claims.map((claim) => [claim.claimId, claim.lines.map((line) => `${line.key}:${line.procedure}@${line.source.csvLine}`)])).toEqual([
        ['A', ['1:64483@2', '2:64484@3']],
        ['B', ['1:64493@4']],
        ['C', ['1:62323@5', '2:77003@6']],
      ]);
    });

    it(`an unsorted export is grouped, claims in order of first appearance, rows in file order (${where})`, async () => {
      const { claims, problems } = await readText(unsorted, { memoryRuns, chunk: 5 });
      expect(problems).toEqual([]);
      expect(claims.map((claim) => [claim.claimId, claim.lines.map((line) => `${line.key}:${line.procedure}@${line.source.csvLine}`)])).toEqual([
        ['B', ['1:64493@2', '2:64494@6']],
        ['A', ['1:64483@3', '2:64484@5']],
        ['C', ['1:62323@4', '2:77003@7']],
      ]);
      expect(claims.map((claim) => claim.totalChargeCents)).toEqual([20000, 20000, 20000]);
    });

    it(`an unsorted export is written grouped, each row's bytes unchanged (${where})`, async () => {
      const lines = unsorted.split('\n');
      const output = await roundTrip(unsorted, { memoryRuns });
      expect(output.toString()).toBe([lines[0], lines[1], lines[5], lines[2], lines[4], lines[3], lines[6]].join('\n') + '\n');
    });
  }

  it('groups by another key when asked (groupKey)', async () => {
    const text = ['claim_id,member_id,pos,dx_codes,dos,cpt,modifiers,units,charge,dx_pointers,payer_claim_number',
      `${row('A', '64483')},X1`, `${row('B', '64484')},X1`, `${row('C', '64493')},X2`].join('\n');
    const { claims } = await readText(text, { groupKey: 'payer_claim_number' });
    expect(claims.map((claim) => [claim.claimId, claim.lines.length])).toEqual([['A', 2], ['C', 1]]);
  });

  it('reports byte offsets and lines of rows after multi-line quoted fields', async () => {
    const text = `${HEADER},note\r\n${row('A', '64483')},"two\r\nlines"\r\n${row('A', '64484')},x\r\n`;
    const { claims } = await readText(text);
    const offset = Buffer.byteLength(`${HEADER},note\r\n${row('A', '64483')},"two\r\nlines"\r\n`);
    expect(claims[0]!.lines.map((line) => line.source)).toEqual([
      { file: 'in.csv', csvLine: 2, byteOffset: Buffer.byteLength(`${HEADER},note\r\n`) },
      { file: 'in.csv', csvLine: 4, byteOffset: offset },
    ]);
  });
});

describe('resources', () => {
  it('stopping early closes the input and removes the temporary files', async () => {
    const tempDir = mkdtempSync(join(tmpdir(), 'csv-early-'));
    const text = [HEADER, ...Array.from({ length: 50 }, (_, index) => row(`K${index % 7}`, '64483'))].join('\n');
    let closed = false;
    async function* input() {
      try {
        for (let at = 0; at < text.length; at += 16) yield Buffer.from(text.slice(at, at + 16));
      } finally {
        closed = true;
      }
    }
    const reader = readCsv(input(), 'in.csv', { tempDir, memoryRuns: 3 });
    for await (const read of reader.claims()) {
      expect(read.claim.claimId).toBe('K0');
      break;
    }
    expect(closed).toBe(true);
    expect(readdirSync(tempDir)).toEqual([]);
    expect((await reader.layout).header.length).toBe(10);
  });

  it('a file rejected for its header still resolves its layout (the run can close its writers)', async () => {
    const reader = readCsv((async function* () { yield Buffer.from('a,b\n1,2\n'); })(), 'x.csv');
    const claims = [];
    for await (const read of reader.claims()) claims.push(read);
    expect(claims).toEqual([]);
    expect(reader.problems.every((problem) => problem.fatal && problem.code === 'CSV_MISSING_COLUMN')).toBe(true);
    expect((await reader.layout).headerBytes.toString()).toBe('a,b\n');
  });
});
