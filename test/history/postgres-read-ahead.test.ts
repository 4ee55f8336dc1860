/**
 * PostgresHistoryStore.prepareMany: one statement reads ahead for a batch of claims what prepare reads claim by
 * claim: each patient met the first time (once, however many claims are its; a patient already met is not read
 * again), the versions of its keys (the optimistic check's ClaimToRecord.seen), the claims of every key. Skipped
 * without a PostgreSQL cluster.
 */
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { patientKeyOf } from '../../src/encounter/history-view.js';
import type { Claim } from '../../src/encounter/model.js';
import { identityOf } from '../../src/history/identity.js';
import { PostgresHistoryStore } from '../../src/history/postgres.js';
import { prepareKeyOf, RunHistory } from '../../src/history/run.js';
import { historyDatabaseForTests, POSTGRES_URL } from '../support/postgres.js';
import { claim } from './fixtures.js';

const file = (name: string) => ({ name, hash: `hash-${name}`, format: 'x12' });
const BOB = { member: 'MEM200', last: 'ROE', first: 'BOB', dob: '1960-02-02' };
const NED = { member: null, last: 'NOE', first: 'NED', dob: '1970-03-03' };
const ZED = { member: 'MEM300', last: 'ZOE', first: 'ZED', dob: '1980-04-04' };

/** The batch: JANE's A1 replaced and a new claim of hers, BOB, NED (name only) and ZED (new) — JANE again at the end. */
const BATCH: Claim[] = [
  claim({ id: 'A1', freq: '7', lines: ['64493-RT-KX'] }),
  claim({ id: 'B2', ...BOB, lines: ['64483-LT'] }),
  claim({ id: 'A2', lines: ['64494-RT-KX'] }),
  claim({ id: 'N1', ...NED, freq: '8', lines: ['62323'] }),
  claim({ id: 'Z1', ...ZED, lines: ['64635-RT'] }),
  claim({ id: 'A3', date: '2026-03-09', lines: ['99213'] }),
];

/** What the rules and the recorder ask the store about each claim of the batch, in order. */
function answers(store: PostgresHistoryStore, claims: readonly Claim[], before?: (claim: Claim) => Promise<void>) {
  return (async () => {
    const met = new Set<string>();
    const out: unknown[] = [];
    for (const one of claims) {
      await before?.(one);
      const identity = identityOf(patientKeyOf(one));
      const name = JSON.stringify(identity);
      const key = prepareKeyOf(one);
      out.push({
        claim: one.claimId,
        patient: met.has(name) ? 'met' : store.loadPatient(identity).map((prior) => [prior.claimId, prior.file, prior.status, prior.lines.length]),
        byKey: store.findClaims(key.billingNpi, key.claimId, null).map((prior) => [prior.claimId, prior.frequency, prior.status, prior.awaiting]),
        seen: Object.values(store.seenVersions(identity)),
      });
      met.add(name);
    }
    return out;
  })();
}

describe.skipIf(POSTGRES_URL === null)('PostgresHistoryStore.prepareMany', () => {
  const { open } = historyDatabaseForTests('readmany', async () => {
    const store = await open();
    const prior = new RunHistory(store, { record: true }).file(file('prior.837'));
    for (const one of [claim({ id: 'A1', lines: ['64493-RT-KX'] }), claim({ id: 'B1', ...BOB, lines: ['64483-LT'] }), claim({ id: 'N1', ...NED, lines: ['62323'] })]) {
      await store.prepare(patientKeyOf(one), prepareKeyOf(one));
      prior.add(one, 'ready');
    }
    expect(await prior.commit()).toMatchObject({ status: 'added', claims: 3 });
  });

  it('answers as prepare claim by claim, in one statement, and reads a patient met already no more', async () => {
    const one = await open();
    one.beginRun([]);
    const expected = await answers(one, BATCH, (claimNow) => one.prepare(patientKeyOf(claimNow), prepareKeyOf(claimNow)) ?? Promise.resolve());
    expect(expected).toEqual([
      { claim: 'A1', patient: [['A1', 'prior.837', 'ready', 1]], byKey: [['A1', '1', 'ready', false]], seen: [1, 1] },
      { claim: 'B2', patient: [['B1', 'prior.837', 'ready', 1]], byKey: [], seen: [1, 1] },
      { claim: 'A2', patient: 'met', byKey: [], seen: [1, 1] },
      { claim: 'N1', patient: [['N1', 'prior.837', 'ready', 1]], byKey: [['N1', '1', 'ready', false]], seen: [1] },
      { claim: 'Z1', patient: [], byKey: [], seen: [0, 0] },
      { claim: 'A3', patient: 'met', byKey: [], seen: [1, 1] },
    ]);

    const many = await open();
    many.beginRun([]);
    let statements = 0;
    const query = pg.Pool.prototype.query;
    const spy = vi.spyOn(pg.Pool.prototype, 'query').mockImplementation(function (this: pg.Pool, ...args: unknown[]) {
      statements += 1;
      return (query as (...values: unknown[]) => unknown).apply(this, args);
    } as typeof query);
    try {
      await many.prepareMany(BATCH.map((claimNow) => ({ patient: patientKeyOf(claimNow), key: prepareKeyOf(claimNow) })));
      expect(statements).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(await answers(many, BATCH)).toEqual(expected);

    // JANE and BOB are met already: a later batch reads their claims' keys, not them again.
    const later = [claim({ id: 'A4', lines: ['64493-RT-KX'] }), claim({ id: 'B1', ...BOB, freq: '8', lines: ['64483-LT'] })];
    await many.prepareMany(later.map((claimNow) => ({ patient: patientKeyOf(claimNow), key: prepareKeyOf(claimNow) })));
    expect(() => many.loadPatient(identityOf(patientKeyOf(later[0]!)))).toThrow('a patient was asked about before it was read ahead');
    expect(many.findClaims(later[1]!.billingNpi!, 'B1', null).map((prior) => prior.claimId)).toEqual(['B1']);
    expect(many.findClaims(later[0]!.billingNpi!, 'A4', null)).toEqual([]);
  });
});
