/**
 * OverlayLines holds a run's overlay lines in typed arrays: what it gives back must be what was added, value for
 * value, including values its small fields do not hold (spilled), and it must stop holding exactly at its budget.
 */
import { describe, expect, it } from 'vitest';
import type { PatientIdentity } from '../../src/history/identity.js';
import { OverlayLines, type HeldClaimFields, type ViewLine } from '../../src/history/overlay-lines.js';
import type { LineRecord } from '../../src/history/records.js';

/** A name key as identity.ts makes them (24 hex digits). */
const JANE_NAME = '0123456789abcdef01234567';
const JANE: PatientIdentity = { memberId: 'MEM100', dependentKey: '', nameKey: JANE_NAME };
const FILES = new Map([[1, 'in1.837'], [2, 'in2.837']]);
const NONE = new Set<number>();

function line(overrides: Partial<LineRecord> = {}): LineRecord {
  return {
    lineNumber: 1,
    serviceDate: '2026-03-02',
    procedure: '64493',
    modifiers: ['RT'],
    sides: 2,
    family: 'facet',
    region: 'lumbar-sacral',
    role: 'primary',
    units: 1,
    kx: false,
    renderingNpi: '1234567893',
    ...overrides,
  };
}

function readBack(held: OverlayLines, rows: number[], from = ''): ViewLine[] {
  const out: ViewLine[] = [];
  held.pushLines(out, rows, from, NONE, FILES);
  return out;
}

describe('OverlayLines', () => {
  it.each<[string, Partial<LineRecord>]>([
    ['a plain line', {}],
    ['line number and units past 8 bits', { lineNumber: 300, units: 255 }],
    ['fractional and negative units', { units: 1.5, lineNumber: -1 }],
    ['no modifiers, no rendering NPI, KX, both sides', { modifiers: [], renderingNpi: null, kx: true, sides: 3 }],
    ['several modifiers', { modifiers: ['50', 'KX', 'XS'] }],
    ['a modifier holding a separator of the packed text', { modifiers: ['R\u001fT', 'KX'] }],
    ['an add-on of another family and region', { procedure: '64484', family: 'esi', region: 'cervical-thoracic', role: 'addon', sides: 0 }],
    ['E/M, no region', { procedure: '99213', family: 'em', region: 'none', role: 'none', modifiers: ['25'] }],
  ])('gives back %s as added', (_name, overrides) => {
    const held = new OverlayLines(1 << 20);
    const added = line(overrides);
    expect(held.add(1, 2, 'C-1', '1111111112', JANE, [added])).toBe(true);
    expect(readBack(held, [1])).toEqual([{ claimKey: 'C-1\u00001111111112', claimId: 'C-1', billingNpi: '1111111112', file: 'in2.837', fileId: null, ...added }]);
  });

  it('keeps a claim id that is not ASCII, and modifier lists read back as the database reads them (split at commas)', () => {
    const held = new OverlayLines(1 << 20);
    held.add(1, 1, 'CLAIM-É1', 'B', JANE, [line({ modifiers: ['A,B'] })]);
    held.add(2, 1, 'C2', 'B', JANE, [line()]);
    expect(readBack(held, [1, 2]).map((l) => [l.claimId, l.modifiers])).toEqual([
      ['CLAIM-É1', ['A', 'B']],
      ['C2', ['RT']],
    ]);
  });

  it('chains rows by member identity and, for claims without a member id, by name key; lines before `from` are left out', () => {
    const held = new OverlayLines(1 << 20);
    const john: PatientIdentity = { memberId: 'MEM200', dependentKey: '', nameKey: 'n-john' };
    const janeNameOnly: PatientIdentity = { memberId: null, dependentKey: '', nameKey: JANE_NAME };
    const janeChild: PatientIdentity = { memberId: 'MEM100', dependentKey: 'd-child', nameKey: 'n-child' };
    held.add(1, 1, 'J1', 'B', JANE, [line({ serviceDate: '2026-01-05' }), line({ serviceDate: '2026-03-02', lineNumber: 2 })]);
    held.add(2, 2, 'X1', 'B', john, [line()]);
    held.add(3, 1, 'N1', 'B', janeNameOnly, [line()]);
    held.add(4, 1, 'K1', 'B', janeChild, [line()]);
    held.add(5, 1, 'E1', 'B', null, []);
    held.add(6, 1, 'J2', 'B', { ...JANE }, [line()]);
    expect(held.rowsOfMember(JANE)).toEqual([1, 6]);
    expect(held.rowsOfMember(janeChild)).toEqual([4]);
    expect(held.rowsOfMemberlessName(JANE_NAME)).toEqual([3]);
    expect(held.rowsOfMemberlessName('n-john')).toEqual([]);
    expect(readBack(held, [1, 6], '2026-02-01').map((l) => `${l.file} ${l.claimId}/${l.lineNumber}`)).toEqual(['in1.837 J1/2', 'in1.837 J2/1']);
    expect(readBack(held, [2, 3]).map((l) => `${l.file} ${l.claimId}`)).toEqual(['in2.837 X1', 'in1.837 N1']);
    expect(held.answers(JANE)).toBe(true);
    expect(held.answers(janeNameOnly)).toBe(false);
    const hidden = new Set([1]);
    const out: ViewLine[] = [];
    held.pushLines(out, [1, 6], '', hidden, FILES);
    expect(out.map((l) => l.claimId)).toEqual(['J2']);
  });

  it('pushes a member\'s and a name\'s lines straight from the chains, as pushLines of their rows does', () => {
    const held = new OverlayLines(1 << 22);
    const janeNameOnly: PatientIdentity = { memberId: null, dependentKey: '', nameKey: JANE_NAME };
    const john: PatientIdentity = { memberId: 'MEM200', dependentKey: '', nameKey: 'n-john' };
    // A chain longer than the scratch array's first size (it grows, then is given back), other patients between.
    let row = 0;
    for (let i = 0; i < 2500; i++) {
      held.add(++row, 1 + (i % 2), `J${i}`, 'B', { ...JANE }, [line({ serviceDate: i % 3 === 0 ? '2026-01-05' : '2026-03-02', lineNumber: 1 + (i % 4) })]);
      if (i % 7 === 0) held.add(++row, 1, `X${i}`, 'B', john, [line()]);
      if (i % 11 === 0) held.add(++row, 2, `N${i}`, 'B', janeNameOnly, [line({ modifiers: ['50', 'KX'] })]);
    }
    const hidden = new Set([1, 8]);
    for (const from of ['', '2026-02-01']) {
      const chained: ViewLine[] = [];
      held.pushMemberLines(chained, { ...JANE }, from, hidden, FILES);
      const expected: ViewLine[] = [];
      held.pushLines(expected, held.rowsOfMember(JANE), from, hidden, FILES);
      expect(chained).toEqual(expected);
      // Rows 1 and 8 are J0 and J5 (hidden); J0 is dated before 2026-02-01 anyway.
      expect(chained.length).toBe(from === '' ? 2498 : 1665);
      const named: ViewLine[] = [];
      held.pushMemberlessLines(named, JANE_NAME, from, hidden, FILES);
      expect(named.map((l) => `${l.file} ${l.claimId} ${l.modifiers.join(',')}`)).toEqual(
        Array.from({ length: 228 }, (_, k) => `in2.837 N${11 * k} 50,KX`),
      );
    }
    // Asked again (the scratch given back): the same answer; an unknown member and name: nothing.
    const again: ViewLine[] = [];
    held.pushMemberLines(again, JANE, '', NONE, FILES);
    expect(again.map((l) => l.claimId).slice(0, 3)).toEqual(['J0', 'J1', 'J2']);
    expect(again.length).toBe(2500);
    const none: ViewLine[] = [];
    held.pushMemberLines(none, { memberId: 'MEM999', dependentKey: '', nameKey: null }, '', NONE, FILES);
    held.pushMemberlessLines(none, 'n-nobody', '', NONE, FILES);
    expect(none).toEqual([]);
  });

  it('shares one modifier array among the lines that carry the same list (the view\'s lines are read-only)', () => {
    const held = new OverlayLines(1 << 20);
    held.add(1, 1, 'C1', 'B', JANE, [line({ modifiers: ['50', 'KX'] }), line({ lineNumber: 2, modifiers: ['50', 'KX'] })]);
    const out = readBack(held, [1]);
    expect(out[0]!.modifiers).toEqual(['50', 'KX']);
    expect(out[0]!.modifiers).toBe(out[1]!.modifiers);
    // The commit's records are copies.
    expect(held.lineRecordsOf(1)[0]!.modifiers).not.toBe(out[0]!.modifiers);
  });

  it('stops holding at the budget, at a row out of sequence, and when disabled; holds again after clear', () => {
    // A row: 14 bytes + 26 of claim fields + its claim id + 7 a line (+ 96 for a new identity).
    const held = new OverlayLines(40 + 2 + 7 + 96 + 40 + 2 + 7);
    expect(held.add(1, 1, 'C1', 'B', JANE, [line()])).toBe(true);
    expect(held.add(2, 1, 'C2', 'B', JANE, [line()])).toBe(true);
    expect(held.bytesUsed).toBe(40 + 2 + 7 + 96 + 40 + 2 + 7);
    expect(held.add(3, 1, 'C3', 'B', JANE, [])).toBe(false);
    expect(held.add(4, 1, 'C4', 'B', JANE, [])).toBe(false);
    expect(held.heldThrough).toBe(2);
    held.clear();
    expect([held.heldThrough, held.bytesUsed, held.rowsOfMember(JANE)]).toEqual([0, 0, []]);
    expect(held.add(1, 1, 'C1', 'B', JANE, [])).toBe(true);
    expect(held.add(3, 1, 'C3', 'B', JANE, [])).toBe(false);
    expect(held.heldThrough).toBe(1);
    held.disable();
    expect(held.add(1, 1, 'C1', 'B', JANE, [])).toBe(false);
    expect(held.heldThrough).toBe(0);
    held.clear();
    expect(held.add(7, 1, 'C7', 'B', JANE, [line()])).toBe(true);
    expect(readBack(held, held.rowsOfMember(JANE)).map((l) => l.claimId)).toEqual(['C7']);
  });
  it('gives back each held claim\'s own fields for the commit: frequency, payer claim number, charge, identity, state', () => {
    const held = new OverlayLines(1 << 20);
    const child: PatientIdentity = { memberId: 'MEM100', dependentKey: 'abcdefabcdefabcdefabcdef', nameKey: 'fedcbafedcbafedcbafedcba' };
    const nameOnly: PatientIdentity = { memberId: null, dependentKey: '', nameKey: JANE_NAME };
    const oddName: PatientIdentity = { memberId: 'MEM300', dependentKey: '', nameKey: 'not-a-digest' };
    const nobody: PatientIdentity = { memberId: null, dependentKey: '', nameKey: null };
    const fields = (identity: PatientIdentity, more: Partial<HeldClaimFields> = {}): HeldClaimFields => ({
      frequency: '1', payerClaimNumber: null, chargeCents: 1000, identity, hidden: false, awaiting: false, ...more,
    });
    expect(held.add(1, 1, 'C1', 'B', JANE, [line()], fields(JANE, { chargeCents: 2 ** 40 + 0.5 }))).toBe(true);
    expect(held.add(2, 1, 'C2', 'B', child, [line()], fields(child, { frequency: '7', payerClaimNumber: 'PCN-1', awaiting: true }))).toBe(true);
    expect(held.add(3, 2, 'C3', 'B', nameOnly, [line()], fields(nameOnly, { frequency: '8', hidden: true, chargeCents: -5 }))).toBe(true);
    // Claims without lines are not chained (identity null) but keep their own identity.
    expect(held.add(4, 2, 'C4', 'B', null, [], fields(oddName, { chargeCents: -0 }))).toBe(true);
    expect(held.add(5, 1, 'C5', 'B', null, [], fields({ ...JANE, nameKey: null }))).toBe(true);
    expect(held.add(6, 1, 'C6', 'B', null, [], fields(nobody))).toBe(true);
    const claimOf = (row: number) => [held.claimIdOf(row), held.frequencyOf(row), held.payerClaimNumberOf(row), held.chargeCentsOf(row), held.identityOf(row), held.isHidden(row), held.isAwaiting(row)];
    expect([1, 2, 3, 4, 5, 6].map(claimOf)).toEqual([
      ['C1', '1', null, 2 ** 40 + 0.5, JANE, false, false],
      ['C2', '7', 'PCN-1', 1000, child, false, true],
      ['C3', '8', null, -5, nameOnly, true, false],
      ['C4', '1', null, -0, oddName, false, false],
      ['C5', '1', null, 1000, { ...JANE, nameKey: null }, false, false],
      ['C6', '1', null, 1000, nobody, false, false],
    ]);
    expect(Object.is(held.chargeCentsOf(4), -0)).toBe(true);
    expect([held.hasMember(2, 'MEM100', child.dependentKey), held.hasMember(2, 'MEM100', ''), held.hasMember(1, 'MEM100', ''), held.hasMember(4, 'MEM300', '')]).toEqual([true, false, true, true]);
    held.hide(1);
    held.settleAwaiting(2);
    expect([held.isHidden(1), held.isAwaiting(2)]).toEqual([true, false]);
    expect([held.rangesOfFile(1), held.rangesOfFile(2), held.rangesOfFile(3)]).toEqual([[[1, 2], [5, 6]], [[3, 4]], []]);
    // The lines as the database stores them (modifiers joined with commas), and as records.
    const at = held.lineStart(2);
    expect([held.lineEnd(2) - at, held.serviceDateAt(at), held.lineNumberAt(at), held.procedureAt(at), held.modifiersTextAt(at), held.unitsAt(at), held.renderingNpiAt(at)]).toEqual([
      1, '2026-03-02', 1, '64493', 'RT', 1, '1234567893',
    ]);
    expect(held.lineRecordsOf(2)).toEqual([line()]);
    expect(held.lineRecordsOf(4)).toEqual([]);
  });
});
