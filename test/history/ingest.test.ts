import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory } from '../../src/history/sqlite.js';
import { RunHistory } from '../../src/history/run.js';
import { addPriorFile as ingestFile } from '../../src/pipeline/prior.js';
import { buildInterchange, type SynthClaim } from '../x12/synth.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hist-ingest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function x12File(name: string, claims: SynthClaim[], control = '1'): string {
  const text = buildInterchange({
    control,
    groups: [{ control, transactions: [{ control: '0001', subscribers: [{ memberId: 'SYN0000001', last: 'TESTPATIENT', first: 'ALPHA', dob: '19600115', sex: 'F', claims }] }] }],
  });
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const facet = (id: string, date: string, extra: Partial<SynthClaim> = {}): SynthClaim => ({
  id,
  diagnoses: ['M47816'],
  lines: [{ code: '64493', modifiers: ['RT', 'KX'], charge: '500', units: '1', date }],
  ...extra,
});

describe('ingestFile (837P)', () => {
  it('reads, normalizes and records a file; a second add of the same bytes changes nothing', async () => {
    const store = openHistory(':memory:');
    const path = x12File('a.837', [facet('C1', '20260302'), facet('C2', '20260402')]);
    const first = await ingestFile(store, path, { name: 'a.837' });
    expect(first).toMatchObject({ status: 'added', format: 'x12', claims: 2, lines: 2, problems: [] });
    const again = await ingestFile(store, path, { name: 'a.837' });
    expect(again).toMatchObject({ status: 'already-ingested', claims: 2 });
    const sessions = new RunHistory(store, { record: false }).view.sessions({ memberId: 'SYN0000001' }, 'facet', 'lumbar-sacral', '2025-04-03', '2026-04-02');
    expect(sessions.map((s) => [s.file, s.claimId, s.serviceDate, s.kx, s.sides.join('+')])).toEqual([
      ['a.837', 'C1', '2026-03-02', true, 'right'],
      ['a.837', 'C2', '2026-04-02', true, 'right'],
    ]);
  });

  it('applies a replacement in a later file', async () => {
    const store = openHistory(':memory:');
    await ingestFile(store, x12File('a.837', [facet('C1', '20260302')]), { name: 'a.837' });
    const result = await ingestFile(store, x12File('b.837', [facet('C1', '20260305', { frequency: '7', payerClaimNumber: 'PCN1' })], '2'), { name: 'b.837' });
    expect(result).toMatchObject({ replaced: 1 });
    expect(new RunHistory(store, { record: false }).view.linesOn({ memberId: 'SYN0000001' }, '2026-03-02')).toEqual([]);
    expect(new RunHistory(store, { record: false }).view.linesOn({ memberId: 'SYN0000001' }, '2026-03-05').map((l) => `${l.file}#${l.claimId}`)).toEqual(['b.837#C1']);
  });

  it('refuses a truncated file and leaves the database unchanged', async () => {
    const store = openHistory(':memory:');
    const path = x12File('a.837', [facet('C1', '20260302'), facet('C2', '20260402')]);
    const text = buildInterchange({
      control: '1',
      groups: [{ control: '1', transactions: [{ control: '0001', subscribers: [{ memberId: 'SYN0000001', last: 'T', first: 'A', dob: '19600115', sex: 'F', claims: [facet('C1', '20260302'), facet('C2', '20260402')] }] }] }],
    });
    writeFileSync(path, text.slice(0, text.indexOf('CLM*C2') + 20));
    const before = store.stats();
    await expect(ingestFile(store, path, { name: 'a.837' })).rejects.toMatchObject({ code: 'HIST_FILE_UNREADABLE' });
    expect(store.stats()).toEqual(before);
  });

  it('names the file when it is neither 837P nor CSV', async () => {
    const store = openHistory(':memory:');
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'hello\n');
    await expect(ingestFile(store, path, { name: 'notes.txt' })).rejects.toThrow('notes.txt: neither an 837P file');
  });
});
