/**
 * The run overlay (claims of the run not yet in the database) lives in a private on-disk SQLite database with each
 * claim's lines packed in one value: what the view and the commit read back must be exactly what was added.
 */
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../src/history/store.js';
import type { PatientKey } from '../../src/history/view.js';
import { claim } from './fixtures.js';

const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };
const file = (name: string) => ({ name, hash: `hash-${name}` });

// The lines of the overlay are held in memory up to a budget, the rest read from the overlay database: every
// answer must be the same whichever way a row is read.
describe.each([
  ['held in memory', undefined],
  ['read from the overlay database', 0],
  ['held in memory up to a small budget', 4096],
])('run overlay (lines %s)', (_how, overlayLinesBudgetBytes) => {
  it('gives back every field of a line as added, before and after the commit, separators in values included', () => {
    const damaged = 'NPI\u001fX\u001eY';
    const added = claim({
      id: 'A1',
      file: 'in.837',
      lines: [
        { code: '64493', mods: ['RT', 'KX'], units: 1.5, npi: damaged },
        { code: '64494', mods: [], units: 2 },
        { code: '99213', mods: ['25'], npi: '' },
      ],
    });
    const store = openHistory(':memory:');
    const run = store.beginRun({ record: true, overlayLinesBudgetBytes });
    const recorder = run.file(file('in.837'));
    recorder.add(added);
    const fromOverlay = run.view.linesOn(JANE, '2026-03-02');
    expect(fromOverlay.map((line) => [line.file, line.claimId, line.lineNumber, line.procedure, line.modifiers, line.sides, line.units, line.family, line.region, line.role, line.renderingNpi])).toEqual([
      ['in.837', 'A1', 1, '64493', ['RT', 'KX'], ['right'], 1.5, 'facet', 'lumbar-sacral', 'primary', damaged],
      ['in.837', 'A1', 2, '64494', [], [], 2, 'facet', 'lumbar-sacral', 'addon', '1234567893'],
      ['in.837', 'A1', 3, '99213', ['25'], [], 1, 'em', 'none', 'none', ''],
    ]);
    expect(run.view.sessions(JANE, 'facet', 'lumbar-sacral', '2025-03-03', '2026-03-02')).toMatchObject([{ claimId: 'A1', kx: true, codes: ['64493', '64494'], sideUnknown: true }]);
    expect(recorder.commit()).toMatchObject({ status: 'added', claims: 1, lines: 3 });
    expect(store.view().linesOn(JANE, '2026-03-02')).toEqual(fromOverlay);
  });

  it('shows a member\'s view the name-only claims of the same person (after its own), and hides what a 7 replaced, across files', () => {
    const store = openHistory(':memory:');
    const run = store.beginRun({ record: false, overlayLinesBudgetBytes });
    const first = run.file(file('in1.837'));
    first.add(claim({ id: 'N1', member: null, file: 'in1.837', lines: ['64493-RT'] }));
    first.add(claim({ id: 'M1', file: 'in1.837', lines: ['64493-LT'] }));
    first.add(claim({ id: 'OTHER', member: 'MEM200', first: 'JOHN', file: 'in1.837', lines: ['64493-LT'] }));
    expect(first.commit()).toMatchObject({ status: 'not-recorded', claims: 3, lines: 3 });
    const second = run.file(file('in2.837'));
    expect(run.view.linesOn(JANE, '2026-03-02').map((line) => line.claimId)).toEqual(['M1', 'N1']);
    second.add(claim({ id: 'M1', freq: '7', date: '2026-03-09', file: 'in2.837', lines: ['64493-LT'] }));
    expect(run.view.linesBetween(JANE, '2026-01-01', '2026-12-31').map((line) => `${line.file}#${line.claimId} ${line.serviceDate}`)).toEqual([
      'in2.837#M1 2026-03-09',
      'in1.837#N1 2026-03-02',
    ]);
    second.discard();
    expect(run.view.linesOn(JANE, '2026-03-02').map((line) => line.claimId)).toEqual(['N1']);
    expect(store.stats()).toMatchObject({ files: 0, claims: 0 });
  });

  it('a discarded file\'s hidden claims do not hide the later claims that take their row ids (--no-record, a file processed again)', () => {
    const store = openHistory(':memory:');
    const run = store.beginRun({ record: false, overlayLinesBudgetBytes });
    const first = run.file(file('in1.837'));
    first.add(claim({ id: 'K1', file: 'in1.837', lines: ['64493-RT'] }));
    expect(first.commit()).toMatchObject({ status: 'not-recorded' });
    // A void (hidden at once) and the claim its 7 replaces (hidden by it): then the file is discarded.
    const broken = run.file(file('in2.837'));
    broken.add(claim({ id: 'V1', freq: '8', date: '2026-03-09', file: 'in2.837', lines: ['64493-LT'] }));
    broken.add(claim({ id: 'R1', date: '2026-03-10', file: 'in2.837', lines: ['64493-LT'] }));
    broken.add(claim({ id: 'R1', freq: '7', date: '2026-03-11', file: 'in2.837', lines: ['64493-LT'] }));
    broken.discard();
    const third = run.file(file('in3.837'));
    third.add(claim({ id: 'C1', date: '2026-03-12', file: 'in3.837', lines: ['64493-LT'] }));
    third.add(claim({ id: 'C2', date: '2026-03-13', file: 'in3.837', lines: ['64493-LT'] }));
    third.add(claim({ id: 'C3', date: '2026-03-14', file: 'in3.837', lines: ['64493-LT'] }));
    expect(run.view.linesBetween(JANE, '2026-01-01', '2026-12-31').map((line) => `${line.file}#${line.claimId}`).sort()).toEqual([
      'in1.837#K1',
      'in3.837#C1',
      'in3.837#C2',
      'in3.837#C3',
    ]);
  });

  it('groups a patient\'s many sessions (more than a scan keeps) by claim and date, sorted by date, file, claim id', () => {
    // 40 claims on 40 dates arriving out of date order, each with a second facet line (one session each); two claims
    // on one date (two sessions); and 40 E/M claims of the same patient on the same dates (another family: apart).
    const store = openHistory(':memory:');
    const run = store.beginRun({ record: false, overlayLinesBudgetBytes });
    const recorder = run.file(file('many.837'));
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const order = Array.from({ length: 40 }, (_, i) => (i * 17) % 40);
    for (const n of order) recorder.add(claim({ id: `F${n}`, date: day(n), file: 'many.837', lines: [n % 2 === 0 ? '64493-RT' : '64493-LT', '64494-RT'] }));
    for (const n of order) recorder.add(claim({ id: `E${n}`, date: day(n), file: 'many.837', lines: ['99213'] }));
    recorder.add(claim({ id: 'B1', date: day(5), file: 'many.837', lines: ['64493-50'] }));
    const sessions = run.view.sessions(JANE, 'facet', 'lumbar-sacral', '2025-01-01', '2026-12-31');
    const expected = Array.from({ length: 40 }, (_, n): [string, string][] => (n === 5 ? [[`F${n}`, day(n)], ['B1', day(n)]] : [[`F${n}`, day(n)]]))
      .flat()
      .sort(([idA, dateA], [idB, dateB]) => (dateA < dateB ? -1 : dateA > dateB ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0));
    expect(sessions.map((session) => [session.claimId, session.serviceDate])).toEqual(expected);
    expect(sessions.find((session) => session.claimId === 'F3')).toMatchObject({ codes: ['64493', '64494'], sides: ['left', 'right'], sideUnknown: false });
    expect(sessions.find((session) => session.claimId === 'B1')).toMatchObject({ codes: ['64493'], sides: ['left', 'right'] });
    expect(run.view.sessions(JANE, 'em', 'none', '2025-01-01', '2026-12-31')).toHaveLength(40);
  });

  it('finds every patient\'s claims among thousands, after files in the middle and at the end were discarded', () => {
    // Past the index's first 1,024 rows (its arrays grow), with row ids given out again after a discard: each patient's answer must
    // be exactly its claims, in arrival order (member claims, then name-only claims of the same person).
    const patients = 900;
    const keyOf = (p: number): PatientKey => ({ memberId: `M${p}`, lastName: `P${p}`, firstName: 'JANE', dateOfBirth: '1955-05-05' });
    const store = openHistory(':memory:');
    const run = store.beginRun({ record: false, overlayLinesBudgetBytes });
    const added = new Map<string, { id: string; p: number; memberless: boolean }[]>();
    const addFile = (name: string, count: number, patientOf: (i: number) => number) => {
      const recorder = run.file(file(name));
      const list: { id: string; p: number; memberless: boolean }[] = [];
      for (let i = 0; i < count; i++) {
        const p = patientOf(i);
        const memberless = i % 50 === 7;
        const id = `${name}-${i}`;
        recorder.add(claim({ id, member: memberless ? null : `M${p}`, last: `P${p}`, file: name, lines: ['64493-RT'] }));
        list.push({ id, p, memberless });
      }
      added.set(name, list);
      return recorder;
    };
    const expected = (p: number, files: string[], replaced: ReadonlySet<string> = new Set()) => {
      const all = files.flatMap((name) => added.get(name)!.filter((entry) => entry.p === p && !replaced.has(`${name}#${entry.id}`)));
      return [...all.filter((entry) => !entry.memberless), ...all.filter((entry) => entry.memberless)].map((entry) => entry.id);
    };
    const check = (files: string[], replaced?: ReadonlySet<string>) => {
      for (let p = 0; p < patients; p++) expect(run.view.linesOn(keyOf(p), '2026-03-02').map((line) => line.claimId)).toEqual(expected(p, files, replaced));
    };
    addFile('a', 1500, (i) => i % 600).commit();
    const middle = addFile('b', 700, (i) => (i * 7) % patients);
    addFile('c', 300, (i) => (i * 13) % 600).commit();
    check(['a', 'b', 'c']);
    middle.discard();
    check(['a', 'c']);
    addFile('d', 200, (i) => i % patients).discard();
    check(['a', 'c']);
    const last = addFile('e', 100, (i) => (i * 3) % patients);
    // A replacement (7) of a claim of the first file, after the overlay was indexed again.
    last.add(claim({ id: 'a-5', freq: '7', member: 'M5', last: 'P5', file: 'e', lines: ['64493-LT'] }));
    added.get('e')!.push({ id: 'a-5', p: 5, memberless: false });
    const replaced = new Set(['a#a-5']);
    for (let p = 0; p < patients; p++) {
      const ids = run.view.linesOn(keyOf(p), '2026-03-02').map((line) => `${line.file}#${line.claimId}`);
      const want = expected(p, ['a', 'c', 'e'], replaced).map((id) => (id === 'a-5' ? 'e#a-5' : `${id.split('-')[0]!}#${id}`));
      expect(ids).toEqual(want);
    }
    // A name-only identity sees every claim carrying its name, member id or not.
    const nameOnly = run.view.linesOn({ lastName: 'P7', firstName: 'JANE', dateOfBirth: '1955-05-05' }, '2026-03-02').map((line) => line.claimId);
    expect(nameOnly).toEqual(['a', 'c', 'e'].flatMap((name) => added.get(name)!).filter((entry) => entry.p === 7).map((entry) => entry.id));
  });
});
