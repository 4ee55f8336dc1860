import { describe, expect, it } from 'vitest';
import { DbLinesCache } from '../../src/history/db-lines.js';
import type { ViewLine } from '../../src/history/overlay-lines.js';
import { openHistory } from '../../src/history/store.js';
import type { PatientKey } from '../../src/history/view.js';
import { claim } from './fixtures.js';

function line(claimId: string, billingNpi: string, fileId: number, fields: Partial<ViewLine> = {}): ViewLine {
  return {
    claimKey: `${claimId}\u0000${billingNpi}`,
    claimId,
    billingNpi,
    file: `f${fileId}.837`,
    fileId,
    serviceDate: '2026-03-02',
    lineNumber: 1,
    procedure: '64493',
    modifiers: ['RT', 'KX'],
    sides: 2,
    family: 'facet',
    region: 'lumbar-sacral',
    role: 'primary',
    units: 1,
    kx: true,
    renderingNpi: '1234567893',
    ...fields,
  };
}

const fileName = (fileId: number) => `f${fileId}.837`;

describe('DbLinesCache', () => {
  it('gives back the lines it holds, field for field and in order, for every kind of value', () => {
    const cache = new DbLinesCache(1 << 20);
    const lines = [
      line('C1', '1111111112', 3, { serviceDate: '2025-12-01', lineNumber: 1 }),
      line('C1', '1111111112', 3, { serviceDate: '2025-12-01', lineNumber: 2, procedure: '64494', role: 'addon', units: 2.5, renderingNpi: null, kx: false, sides: 0, modifiers: [] }),
      line('CLAIM-Ü-7', '', 4, { serviceDate: '2026-01-15', lineNumber: 300, family: 'esi', region: 'cervical-thoracic', sides: 3, modifiers: ['50'] }),
      line('C1', '1111111112', 3, { serviceDate: '2026-02-01', lineNumber: 3, family: 'other', region: 'none', role: 'none' }),
      line('C2', '2222222226', 3, { serviceDate: '2026-02-01', units: 0, family: 'em' }),
      line('C2', '2222222226', 3, { serviceDate: '2026-02-01', lineNumber: 70_000, units: 300 }),
      line('C2', '2222222226', 3, { serviceDate: '2026-02-01', lineNumber: 0, units: -1 }),
    ];
    expect(cache.hold('MEM1||n1', '2025-01-01', lines)).toBe(true);
    const held = cache.find('MEM1||n1');
    expect(cache.heldFrom(held)).toBe('2025-01-01');
    expect(cache.lines(held, '', fileName)).toEqual(lines);
    // Asked again (a later claim of the patient): the same answer, built anew.
    const again = cache.lines(held, '', fileName);
    expect(again).toEqual(lines);
    expect(again).not.toBe(cache.lines(held, '', fileName));
    // From a date on: the lines dated before it are not built.
    expect(cache.lines(held, '2026-01-15', fileName)).toEqual(lines.slice(2));
    expect(cache.lines(held, '2026-02-02', fileName)).toEqual([]);
    expect(cache.find('MEM2||n2')).toBe(-1);
  });

  it('replaces what it holds for a key, and forgets everything on clear', () => {
    const cache = new DbLinesCache(1 << 20);
    cache.hold('K', '2026-01-01', [line('C1', 'B', 1)]);
    const wider = [line('C0', 'B', 1, { serviceDate: '2025-06-01' }), line('C1', 'B', 1)];
    cache.hold('K', '2025-01-01', wider);
    expect(cache.size).toBe(1);
    expect(cache.lines(cache.find('K'), '', fileName)).toEqual(wider);
    cache.clear();
    expect(cache.find('K')).toBe(-1);
    cache.hold('K', '2026-01-01', [line('C9', 'B', 2)]);
    expect(cache.lines(cache.find('K'), '', fileName).map((held) => held.claimId)).toEqual(['C9']);
  });

  it('holds nothing more once its budget is spent, until cleared', () => {
    // 12 bytes a line, 10 a claim plus its id, 74 a patient plus its key: 148 for a patient of 3 one-line claims.
    const cache = new DbLinesCache(250);
    const three = (prefix: string) => [line(`${prefix}1`, 'B', 1), line(`${prefix}2`, 'B', 1), line(`${prefix}3`, 'B', 1)];
    expect(cache.hold('P1', '', three('A'))).toBe(true);
    expect(cache.hold('P2', '', three('B'))).toBe(false);
    expect(cache.hold('P3', '', [line('C', 'B', 1)])).toBe(false);
    expect(cache.find('P2')).toBe(-1);
    expect(cache.lines(cache.find('P1'), '', fileName).map((held) => held.claimId)).toEqual(['A1', 'A2', 'A3']);
    cache.clear();
    expect(cache.hold('P2', '', three('B'))).toBe(true);
  });
});

describe('history store: the lines it remembers per patient', () => {
  const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };

  it('answers a question reaching further back than a remembered answer with the earlier lines too', async () => {
    const store = openHistory(':memory:');
    await store.ingestClaims({ name: 'a.837', hash: 'a' }, [
      claim({ id: 'OLD', date: '2023-02-01', lines: ['64493-RT'] }),
      claim({ id: 'MID', date: '2025-09-01', lines: ['64493-LT', '64494-LT'] }),
      claim({ id: 'NEW', date: '2026-03-02', lines: ['64493-RT-KX'] }),
    ]);
    const view = store.view();
    const describe = (lines: { claimId: string; serviceDate: string; lineNumber?: number; modifiers: string[] }[]) =>
      lines.map((l) => `${l.claimId} ${l.serviceDate} ${l.lineNumber} ${l.modifiers.join('-')}`);
    // The first question loads a year before its window: OLD is not read.
    expect(describe(view.linesBetween(JANE, '2026-01-01', '2026-12-31'))).toEqual(['NEW 2026-03-02 1 RT-KX']);
    // A later question from 2020: the lines before the remembered answer are read and put in front.
    expect(describe(view.linesBetween({ ...JANE }, '2020-01-01', '2026-12-31'))).toEqual([
      'OLD 2023-02-01 1 RT',
      'MID 2025-09-01 1 LT',
      'MID 2025-09-01 2 LT',
      'NEW 2026-03-02 1 RT-KX',
    ]);
    // Asked again with a new key object (another claim of the patient): the widened answer is remembered.
    expect(describe(view.linesBetween({ ...JANE }, '2020-01-01', '2026-12-31'))).toHaveLength(4);
    // A patient with nothing before the remembered answer: the answer is widened without reading it again.
    const JOHN: PatientKey = { memberId: 'MEM200', lastName: 'ROE', firstName: 'JOHN', dateOfBirth: '1960-01-01' };
    await store.ingestClaims({ name: 'c.837', hash: 'c' }, [claim({ id: 'J1', member: 'MEM200', last: 'ROE', first: 'JOHN', dob: '1960-01-01', date: '2026-02-02', lines: ['62323'] })]);
    expect(describe(view.linesBetween(JOHN, '2026-01-01', '2026-12-31'))).toEqual(['J1 2026-02-02 1 ']);
    expect(describe(view.linesBetween({ ...JOHN }, '2020-01-01', '2026-12-31'))).toEqual(['J1 2026-02-02 1 ']);
    expect(describe(view.linesBetween({ ...JOHN }, '2021-01-01', '2026-12-31'))).toEqual(['J1 2026-02-02 1 ']);
    expect(describe(view.linesBetween({ ...JANE }, '2020-01-01', '2026-12-31'))).toHaveLength(4);
    // A write makes the remembered answers stale.
    await store.ingestClaims({ name: 'b.837', hash: 'b' }, [claim({ id: 'OLD', freq: '8', date: '2023-02-01', lines: ['64493-RT'] })]);
    expect(describe(view.linesBetween({ ...JANE }, '2020-01-01', '2026-12-31'))).toEqual([
      'MID 2025-09-01 1 LT',
      'MID 2025-09-01 2 LT',
      'NEW 2026-03-02 1 RT-KX',
    ]);
  });
});
