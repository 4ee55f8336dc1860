import { describe, expect, it, test } from 'vitest';
import { ingestClaims, RunHistory } from '../../src/history/run.js';
import { openHistory } from '../../src/history/sqlite.js';
import type { PatientKey } from '../../src/encounter/history-view.js';
import type { HistoryStore } from '../../src/history/store.js';
import { addClaim, BACKENDS, ready } from './backends.js';
import { claim } from './fixtures.js';

const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };
const file = (name: string) => ({ name, hash: `hash-${name}` });

describe.each(BACKENDS)('$name', (backend) => {
  const it = backend.skip === null ? test : test.skip;

  describe('run history: claims recorded earlier in the same run', () => {
    it('shows a claim to the later claims of its file and to later files, then commits one transaction per file', async () => {
      const store = await backend.open();
      await ingestClaims(store, file('prior.837'), [claim({ id: 'P1', date: '2026-01-05', lines: ['64493-RT-KX'] })]);
      const run = new RunHistory(store, { record: true });
      const first = run.file(file('in1.837'));
      await ready(store, JANE);
      expect(run.view.linesOn(JANE, '2026-03-02')).toEqual([]);
      await addClaim(store, first, claim({ id: 'A1', file: 'in1.837', lines: ['64493-RT'] }), 'ready');
      await ready(store, JANE, asking('A2'));
      expect(run.view.linesOn(JANE, '2026-03-02', asking('A2')).map((l) => `${l.file}#${l.claimId} ${l.procedure}`)).toEqual(['in1.837#A1 64493']);
      await ready(store, JANE, asking('A1'));
      expect(run.view.linesOn(JANE, '2026-03-02', asking('A1'))).toEqual([]);
      expect(await first.commit()).toMatchObject({ status: 'added', claims: 1, lines: 1 });
      const second = run.file(file('in2.837'));
      await ready(store, JANE);
      expect(run.view.sessions(JANE, 'facet', 'lumbar-sacral', '2025-03-03', '2026-03-02').map((s) => `${s.serviceDate} ${s.file}#${s.claimId}`)).toEqual([
        '2026-01-05 prior.837#P1',
        '2026-03-02 in1.837#A1',
      ]);
      await addClaim(store, second, claim({ id: 'A1', freq: '7', date: '2026-03-09', file: 'in2.837', lines: ['64493-RT'] }), 'ready');
      // The replacement hides the committed original from the rest of the run.
      await ready(store, JANE, asking('X'));
      expect(run.view.sessions(JANE, 'facet', 'lumbar-sacral', '2025-03-03', '2026-12-31', asking('X')).map((s) => `${s.serviceDate} ${s.file}#${s.claimId}`)).toEqual([
        '2026-01-05 prior.837#P1',
        '2026-03-09 in2.837#A1',
      ]);
      expect(await second.commit()).toMatchObject({ status: 'added', replaced: 1 });
      expect((await freshView(store)).sessions(JANE, 'facet', 'lumbar-sacral', '2025-03-03', '2026-12-31').map((s) => s.serviceDate)).toEqual(['2026-01-05', '2026-03-09']);
    });

    it('keeps the claims in memory under --no-record and writes nothing', async () => {
      const store = await backend.open();
      const run = new RunHistory(store, { record: false });
      const one = run.file(file('in1.837'));
      await addClaim(store, one, claim({ id: 'A1', lines: ['64493-RT'] }), 'ready');
      expect(await one.commit()).toMatchObject({ status: 'not-recorded', claims: 1 });
      run.file(file('in2.837'));
      await ready(store, JANE);
      expect(run.view.linesOn(JANE, '2026-03-02').map((l) => l.claimId)).toEqual(['A1']);
      expect(await store.stats()).toMatchObject({ files: 0, claims: 0 });
    });

    it('is idempotent on a re-run: the database\'s copy of an input file is replaced by this run\'s reading', async () => {
      const store = await backend.open();
      const claims = [claim({ id: 'A1', lines: ['64493-RT'] }), claim({ id: 'A2', lines: ['64493-RT'] })];
      await ingestClaims(store, file('in1.837'), claims);
      const run = new RunHistory(store, { record: true, inputHashes: ['hash-in1.837'] });
      const recorder = run.file(file('in1.837'));
      // The first claim no longer sees the second one from the earlier recording of the same file.
      await ready(store, JANE, asking('A1'));
      expect(run.view.linesOn(JANE, '2026-03-02', asking('A1'))).toEqual([]);
      await addClaim(store, recorder, claims[0]!, 'ready');
      await ready(store, JANE, asking('A2'));
      expect(run.view.linesOn(JANE, '2026-03-02', asking('A2')).map((l) => l.claimId)).toEqual(['A1']);
      expect(await recorder.commit()).toMatchObject({ status: 'already-ingested' });
      await ready(store, JANE, asking('A2'));
      expect(run.view.linesOn(JANE, '2026-03-02', asking('A2')).map((l) => l.claimId)).toEqual(['A1']);
    });

    it('forgets a discarded file', async () => {
      const store = await backend.open();
      const run = new RunHistory(store, { record: true });
      const recorder = run.file(file('bad.837'));
      await addClaim(store, recorder, claim({ id: 'A1', lines: ['64493-RT'] }), 'ready');
      recorder.discard();
      await ready(store, JANE);
      expect(run.view.linesOn(JANE, '2026-03-02')).toEqual([]);
      expect(() => recorder.commit()).toThrow('already committed or discarded');
    });

    it('applies a run\'s void to a claim recorded earlier in the same file', async () => {
      const store = await backend.open();
      const run = new RunHistory(store, { record: true });
      const recorder = run.file(file('in.837'));
      await addClaim(store, recorder, claim({ id: 'A1', lines: ['64493-RT'] }), 'ready');
      await addClaim(store, recorder, claim({ id: 'A1', freq: '8', lines: ['64493-RT'] }), 'ready');
      await ready(store, JANE);
      expect(run.view.linesOn(JANE, '2026-03-02')).toEqual([]);
      expect(await recorder.commit()).toMatchObject({ voided: 1 });
      expect((await freshView(store)).linesOn(JANE, '2026-03-02')).toEqual([]);
    });
  });
});

describe('run history: rules see the claims before them in the same file', () => {
  it('history/duplicate cites a claim recorded earlier in the same file', async () => {
    const { runRules } = await import('../../src/rules/engine.js');
    const { profiles } = await import('../../src/policy/profiles.js');
    const { defaultReference } = await import('../../src/reference/index.js');
    const { normalizeClaim } = await import('../../src/encounter/normalize.js');
    const duplicate = (await import('../../src/rules/history/duplicate.js')).default;
    const { claimOf } = await import('../support/claim-builder.js');
    const store = openHistory(':memory:');
    const run = new RunHistory(store, { record: true });
    const recorder = run.file(file('nightly.837'));
    const check = (id: string) =>
      runRules(claimOf({ id, file: 'nightly.837', dx: ['M5416'], lines: ['64483-RT'] }), {
        rules: [duplicate],
        policy: profiles.medicare,
        reference: defaultReference,
        history: run.view,
        asOf: '2026-11-27',
        fix: false,
      });
    expect(check('A').findings).toEqual([]);
    recorder.add(normalizeClaim(claimOf({ id: 'A', file: 'nightly.837', dx: ['M5416'], lines: ['64483-RT'] }), defaultReference), 'ready');
    const second = check('B');
    expect(second.findings.map((f) => [f.ruleId, f.location.claimId, f.cause])).toEqual([
      ['history/duplicate', 'B', [{ message: 'billed here', file: 'nightly.837', claimId: 'A', serviceDate: '2026-10-01', lineNumber: 1 }]],
    ]);
    expect(second.fate).toBe('held');
  });
});

/** A new run's view (recording nothing), JANE read ahead. */
async function freshView(store: HistoryStore) {
  const run = new RunHistory(store, { record: false });
  await ready(store, JANE);
  return run.view;
}

function asking(claimId: string) {
  return { claimId, billingNpi: '1999999984', frequencyCode: '1', lines: [] };
}
