import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HeldIndex, HeldRanking, heldCsvRecord, heldRecordOf, reasonOf, type HeldRecord } from '../../src/report/held.js';
import { SpillFile } from '../../src/report/sync-file.js';
import type { ClaimOutcome, ClaimReason } from '../../src/report/types.js';

const work = mkdtempSync(path.join(tmpdir(), 'spinescrub-held-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function outcome(file: string, claimId: string, chargeCents: number, reasons: ClaimReason[] = []): ClaimOutcome {
  return {
    file, claimId, memberId: 'M1', serviceDate: '2026-01-02', lastServiceDate: '2026-01-03', renderingNpi: '1234567893', payerId: 'P1', payerName: 'PAYER',
    chargeCents, fate: 'held', reasons, corrected: 0, payerClass: null, profile: null,
  };
}

const held = (ruleId: string, message: string, line: number | null = 1): ClaimReason => ({ ruleId, severity: 'error', action: 'held', line, procedure: line === null ? null : '64483', message });
const flagged = (ruleId: string): ClaimReason => ({ ruleId, severity: 'warning', action: 'flagged', line: null, procedure: null, message: 'w' });

function spill(name: string, outcomes: ClaimOutcome[]): { spill: string; index: HeldIndex } {
  const file = path.join(work, name);
  const out = new SpillFile(file);
  const index = new HeldIndex();
  for (const entry of outcomes) index.spill(heldRecordOf(entry), out);
  out.close();
  return { spill: file, index };
}

describe('held claims: spill, rank, read back', () => {
  it('ranks by charges, most first, ties in input order (file, then claim), across files and index growth', () => {
    const first = spill('a.ndjson', Array.from({ length: 150 }, (_, i) => outcome('a.837', `A${i}`, (i % 7) * 100 + (i === 3 ? 1 : 0))));
    const second = spill('b.ndjson', [outcome('b.837', 'B0', 601), outcome('b.837', 'B1', 600), outcome('b.837', 'B2', 10_000)]);
    const ranking = new HeldRanking([first, second]);
    const order: string[] = [];
    ranking.forEach((record, rank) => {
      expect(rank).toBe(order.length);
      order.push(record.claimId);
    });
    expect(ranking.count).toBe(153);
    const a6 = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 7 === 6).map((i) => `A${i}`);
    expect(order.slice(0, 2 + a6.length + 1)).toEqual(['B2', 'B0', ...a6, 'B1']);
    expect(new Set(order).size).toBe(153);
  });

  it('reads back what was spilled, text of any kind included', () => {
    const entry = outcome('dir/ü "x".837', 'C\n1', 12_345, [held('mue/units', 'too\tmany  units', 2), flagged('dx/unspecified-site')]);
    const ranking = new HeldRanking([spill('c.ndjson', [entry])]);
    const records: HeldRecord[] = [];
    ranking.forEach((record) => records.push(record));
    expect(records).toEqual([heldRecordOf(entry)]);
    expect(records[0]).toMatchObject({ firstServiceDate: '2026-01-02', lastServiceDate: '2026-01-03', ruleIds: ['mue/units', 'dx/unspecified-site'], reason: 'line 2 (64483): too many units (and 1 more open finding)' });
  });

  it('puts the rules that hold the claim first, each once, and reasons in one line', () => {
    const record = heldRecordOf(outcome('a', 'C', 1, [flagged('x/warn'), held('y/err', 'first\nline', null), held('y/err', 'again'), held('z/err', 'z')]));
    expect(record.ruleIds).toEqual(['y/err', 'z/err', 'x/warn']);
    expect(record.reason).toBe('first line (and 3 more open findings)');
    expect(reasonOf([])).toBe('');
  });

  it('writes a held-claims.csv row: dollars, rules separated by spaces, formulas neutralized', () => {
    const record = heldRecordOf(outcome('=a.837', '-C1', 123_456, [held('mue/units', 'a, "b"')]));
    expect(heldCsvRecord(record)).toBe(`'=a.837,'-C1,M1,2026-01-02,2026-01-03,1234567893,P1,PAYER,1234.56,mue/units,"line 1 (64483): a, ""b"""\n`);
  });
});
