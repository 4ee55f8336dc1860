import { describe, expect, it, test } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestClaims, RunHistory } from '../../src/history/run.js';
import { openHistory } from '../../src/history/sqlite.js';
import type { HistoryStore } from '../../src/history/store.js';
import { SCHEMA_VERSION } from '../../src/history/schema.js';
import { patientKeyOf, type PatientKey } from '../../src/encounter/history-view.js';
import type { Claim } from '../../src/encounter/model.js';
import { BACKENDS, ready } from './backends.js';
import { claim } from './fixtures.js';

const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };

function fileOf(name: string, hash = `hash-${name}`) {
  return { name, hash, format: 'x12' };
}

async function add(store: HistoryStore, name: string, claims: Claim[]) {
  return ingestClaims(store, fileOf(name), claims);
}

async function facetDates(store: HistoryStore, patient: PatientKey = JANE): Promise<string[]> {
  const run = new RunHistory(store, { record: false });
  await ready(store, patient);
  return run.view.sessions(patient, 'facet', 'lumbar-sacral', '2025-01-01', '2027-12-31').map((s) => `${s.serviceDate} ${s.file}#${s.claimId}`);
}

describe.each(BACKENDS)('$name history store', (backend) => {
  const it = backend.skip === null ? test : test.skip;

  describe('history store: files', () => {
    it('ingests a file once: adding the same bytes again changes nothing and says so', async () => {
      const store = await backend.open();
      const claims = [claim({ id: 'C1', lines: ['64493-RT-KX'] })];
      const first = await add(store, 'a.837', claims);
      const before = await store.stats();
      const second = await ingestClaims(store, fileOf('renamed-copy.837', 'hash-a.837'), claims);
      expect(first).toMatchObject({ status: 'added', claims: 1, lines: 1 });
      expect(second).toEqual({ file: 'renamed-copy.837', hash: 'hash-a.837', status: 'already-ingested', claims: 1, lines: 1, replaced: 0, voided: 0, awaitingOriginal: 0, lateOriginals: 0, rows: [] });
      expect(await store.stats()).toEqual(before);
      expect(await facetDates(store)).toEqual(['2026-03-02 a.837#C1']);
    });

    it('rolls the whole file back when an exception is thrown mid-file', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'C1', lines: ['64493-RT-KX'] })]);
      const before = await store.stats();
      async function* failing() {
        yield claim({ id: 'C2', date: '2026-04-01', lines: ['64493-RT-KX'] });
        yield claim({ id: 'C1', freq: '8', lines: ['64493-RT-KX'] });
        throw new Error('reader failed at segment 42');
      }
      await expect(ingestClaims(store, fileOf('b.837'), failing())).rejects.toThrow('reader failed at segment 42');
      expect(await store.stats()).toEqual(before);
      expect(await store.findFile('hash-b.837')).toBeUndefined();
      expect(await facetDates(store)).toEqual(['2026-03-02 a.837#C1']);
      // The same file can be added once the problem is fixed.
      await expect(add(store, 'b.837', [claim({ id: 'C2', date: '2026-04-01', lines: ['64493-RT-KX'] })])).resolves.toMatchObject({ status: 'added' });
      expect(await facetDates(store)).toEqual(['2026-03-02 a.837#C1', '2026-04-01 b.837#C2']);
    });

  });

  describe('history store: claim frequency', () => {
    it('counts a replacement once: 7 supersedes the claim with the same CLM01 and billing NPI', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'C1', date: '2026-03-02', lines: ['64493-RT-KX'] })]);
      const result = await add(store, 'b.837', [claim({ id: 'C1', freq: '7', date: '2026-03-03', lines: ['64493-RT-KX'] })]);
      expect(result).toMatchObject({ replaced: 1, awaitingOriginal: 0 });
      expect(await facetDates(store)).toEqual(['2026-03-03 b.837#C1']);
      const { path: _path, sizeBytes: _size, ...counts } = await store.stats();
      // Every count, in the order `history stats --json` prints them.
      expect(Object.entries(counts)).toEqual(Object.entries({
        schemaVersion: counts.schemaVersion, files: 2, claims: 2, readyClaims: 1, heldClaims: 0, supersededClaims: 1, voids: 0, awaitingOriginal: 0,
        lines: 2, activeLines: 1, patients: 1, firstServiceDate: '2026-03-02', lastServiceDate: '2026-03-03',
      }));
    });

    it('does not let a 7 replace a claim of another billing provider', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'C1', billingNpi: '1111111112', lines: ['64493-RT-KX'] })]);
      await add(store, 'b.837', [claim({ id: 'C1', freq: '7', billingNpi: '2222222220', date: '2026-03-09', lines: ['64493-RT-KX'] })]);
      expect(await facetDates(store)).toEqual(['2026-03-02 a.837#C1', '2026-03-09 b.837#C1']);
    });

    it('removes a voided claim from the counts (the void itself counts nothing)', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'C1', lines: ['64493-RT-KX'] }), claim({ id: 'C2', date: '2026-05-01', lines: ['64493-RT-KX'] })]);
      const result = await add(store, 'b.837', [claim({ id: 'C1', freq: '8', lines: ['64493-RT-KX'] })]);
      expect(result).toMatchObject({ voided: 1 });
      expect(await facetDates(store)).toEqual(['2026-05-01 a.837#C2']);
      expect(await store.stats()).toMatchObject({ readyClaims: 1, supersededClaims: 1, voids: 1 });
    });

    it('keeps a replacement that arrives before its original and applies it when the original comes', async () => {
      const store = await backend.open();
      const early = await add(store, 'replacement.837', [claim({ id: 'C1', freq: '7', date: '2026-03-03', lines: ['64493-RT-KX'] })]);
      expect(early).toMatchObject({ awaitingOriginal: 1, replaced: 0 });
      expect(await facetDates(store)).toEqual(['2026-03-03 replacement.837#C1']);
      const late = await add(store, 'original.837', [claim({ id: 'C1', date: '2026-03-02', lines: ['64493-RT-KX'] })]);
      expect(late).toMatchObject({ lateOriginals: 1 });
      expect(await facetDates(store)).toEqual(['2026-03-03 replacement.837#C1']);
      expect(await store.stats()).toMatchObject({ readyClaims: 1, supersededClaims: 1, awaitingOriginal: 0 });
      // A second copy of the original (another file) is no longer superseded by the settled replacement.
      await add(store, 'resent.837', [claim({ id: 'C1', date: '2026-03-04', lines: ['64493-RT-KX'] })]);
      expect(await facetDates(store)).toHaveLength(2);
    });

    it('keeps a void that arrives before its original and voids the original when it comes', async () => {
      const store = await backend.open();
      await add(store, 'void.837', [claim({ id: 'C1', freq: '8', lines: ['64493-RT-KX'] })]);
      await add(store, 'original.837', [claim({ id: 'C1', lines: ['64493-RT-KX'] })]);
      expect(await facetDates(store)).toEqual([]);
    });

    it('chains replacements: 1, 7, 7 leaves only the last', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [
        claim({ id: 'C1', date: '2026-03-01', lines: ['64493-RT-KX'] }),
        claim({ id: 'C1', freq: '7', date: '2026-03-02', lines: ['64493-RT-KX'] }),
        claim({ id: 'C1', freq: '7', date: '2026-03-05', lines: ['64493-RT-KX'] }),
      ]);
      expect(await facetDates(store)).toEqual(['2026-03-05 a.837#C1']);
    });
  });

  describe('history store: patients', () => {
    it('matches a patient by member id across files, whatever the spelling of the name', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'C1', member: 'mem-100', last: 'Doe', lines: ['64493-RT-KX'] })]);
      await add(store, 'b.837', [claim({ id: 'C2', member: 'MEM100', last: 'DOE-SMITH', date: '2026-04-01', lines: ['64493-RT-KX'] })]);
      expect(await facetDates(store, { memberId: 'MEM 100' })).toEqual(['2026-03-02 a.837#C1', '2026-04-01 b.837#C2']);
      expect(await facetDates(store, { memberId: 'MEM200', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' })).toEqual([]);
    });

    it('falls back to normalized last name, first name and date of birth when the member id is missing', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'C1', member: null, last: "O'Brien", first: 'José', lines: ['64493-RT-KX'] })]);
      await add(store, 'b.837', [claim({ id: 'C2', member: null, last: 'OBRIEN', first: 'JOSE', date: '2026-04-01', lines: ['64493-RT-KX'] })]);
      const key: PatientKey = { lastName: 'o brien', firstName: 'jose', dateOfBirth: '1955-05-05' };
      expect(await facetDates(store, key)).toEqual(['2026-03-02 a.837#C1', '2026-04-01 b.837#C2']);
      // A claim that carries the member id finds the earlier ones that had none (and they join its member id).
      await add(store, 'c.837', [claim({ id: 'C3', member: 'MEM300', last: 'OBRIEN', first: 'JOSE', date: '2026-05-01', lines: ['64493-RT-KX'] })]);
      expect(await facetDates(store, { memberId: 'MEM300', lastName: 'OBRIEN', firstName: 'JOSE', dateOfBirth: '1955-05-05' })).toHaveLength(3);
      expect(await facetDates(store, { ...key, dateOfBirth: '1955-05-06' })).toEqual([]);
      expect((await store.stats()).patients).toBe(1);
    });

    it('keeps dependents on one subscriber member id apart (member id + date of birth)', async () => {
      const store = await backend.open();
      const parent = claim({ id: 'P1', member: 'FAM1', last: 'SUBSCRIBER', first: 'PAT', dob: '1950-01-01', lines: ['64493-RT-KX'] });
      const child = claim({ id: 'K1', member: 'FAM1', last: 'SUBSCRIBER', first: 'KIM', dob: '1990-02-02', dependent: true, lines: ['64493-RT-KX'] });
      await add(store, 'a.837', [parent, child]);
      expect(await facetDates(store, patientKeyOf(parent))).toEqual(['2026-03-02 a.837#P1']);
      expect(await facetDates(store, patientKeyOf(child))).toEqual(['2026-03-02 a.837#K1']);
      expect((await store.patientClaims('fam1')).map((c) => `${c.claimId} ${c.dependent}`)).toEqual(['P1 false', 'K1 true']);
    });
  });

  describe('history store: junction sessions and stats', () => {
    it('stores a junction session (64490 + 64494) as lumbar', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'J1', lines: ['64490-RT-KX', '64494-RT-KX'] })]);
      const view = new RunHistory(store, { record: false }).view;
      await ready(store, JANE);
      expect(view.sessions(JANE, 'facet', 'lumbar-sacral', '2026-01-01', '2026-12-31')).toEqual([
        { file: 'a.837', claimId: 'J1', serviceDate: '2026-03-02', family: 'facet', region: 'lumbar-sacral', codes: ['64490', '64494'], sides: ['right'], sideUnknown: false, kx: true, renderingNpi: '1234567893' },
      ]);
      expect(view.sessions(JANE, 'facet', 'cervical-thoracic', '2026-01-01', '2026-12-31')).toEqual([]);
    });

    it('lists a member id\'s claims without names or dates of birth', async () => {
      const store = await backend.open();
      await add(store, 'a.837', [claim({ id: 'C1', lines: ['64493-RT-KX', '77003'] })]);
      await add(store, 'b.837', [claim({ id: 'C1', freq: '8', lines: ['64493-RT-KX'] })]);
      const claims = await store.patientClaims('MEM100');
      expect(claims.map((c) => [c.file, c.claimId, c.frequency, c.status, c.lines.length])).toEqual([
        ['a.837', 'C1', '1', 'superseded', 2],
        ['b.837', 'C1', '8', 'void', 1],
      ]);
      expect(JSON.stringify(claims)).not.toMatch(/DOE|JANE|1955/);
    });
  });
});

describe('SQLite history store: the database file', () => {
  it('leaves a database file unchanged after a failed file, across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hist-'));
    try {
      const path = join(dir, 'h.db');
      let store = openHistory(path);
      await add(store, 'a.837', [claim({ id: 'C1', lines: ['64493-RT-KX'] })]);
      const boom = (function* () {
        yield claim({ id: 'C2', lines: ['64493-LT'] });
        throw new Error('boom');
      })();
      await expect(ingestClaims(store, fileOf('b.837'), boom)).rejects.toThrow('boom');
      store.close();
      store = openHistory(path);
      expect(await store.stats()).toMatchObject({ files: 1, claims: 1, lines: 1 });
      store.close();
      const raw = new Database(path, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT max(version) FROM schema_version').pluck().get()).toBe(SCHEMA_VERSION);
      raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
