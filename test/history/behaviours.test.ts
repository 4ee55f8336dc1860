/**
 * What a pain-management coder expects of "the patient's history", over the real store (SQLite in memory or on
 * disk, and PostgreSQL): held claims count as pending, a claim is (billing NPI, claim id), replacements and voids
 * supersede what they replace, prior CSV files are never merged, and (SQLite) writers serialize.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import { patientKeyOf, type AskingClaim, type PatientKey } from '../../src/encounter/history-view.js';
import type { Claim } from '../../src/encounter/model.js';
import { normalizeClaim } from '../../src/encounter/normalize.js';
import { ingestClaims, RunHistory } from '../../src/history/run.js';
import { openHistory } from '../../src/history/sqlite.js';
import type { HistoryStore, RecordResult } from '../../src/history/store.js';
import { addPriorFile } from '../../src/pipeline/prior.js';
import { profiles } from '../../src/policy/profiles.js';
import { defaultReference } from '../../src/reference/index.js';
import { runRules } from '../../src/rules/engine.js';
import duplicate from '../../src/rules/history/duplicate.js';
import { claimOf } from '../support/claim-builder.js';
import { addClaim, BACKENDS, ready } from './backends.js';
import { claim, type ClaimSpec } from './fixtures.js';

const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };
const BILLING = '1999999984';
const file = (name: string) => ({ name, hash: `hash-${name}`, format: 'x12' });

function asking(spec: Partial<ClaimSpec> & { id: string }): AskingClaim {
  return claim({ lines: ['64493-RT'], ...spec });
}

/** "file#claim procedure (pending)" for each prior line on the date. */
async function linesOn(store: HistoryStore, run: RunHistory, date: string, ask?: AskingClaim): Promise<string[]> {
  await ready(store, JANE, ask);
  return run.view.linesOn(JANE, date, ask).map((line) => `${line.file}#${line.claimId} ${line.procedure}${line.pending === true ? ' (pending)' : ''}`);
}

async function facetSessions(store: HistoryStore, ask?: AskingClaim): Promise<string[]> {
  const run = new RunHistory(store, { record: false });
  await ready(store, JANE, ask);
  return run.view
    .sessions(JANE, 'facet', 'lumbar-sacral', '2025-01-01', '2027-12-31', ask)
    .map((session) => `${session.serviceDate} ${session.file}#${session.claimId}${session.pending === true ? ' pending' : ''}`);
}

describe.each(BACKENDS)('$name history', (backend) => {
  const it = backend.skip === null ? test : test.skip;

  describe('held claims', () => {
    it('a duplicate of a held claim is found', async () => {
      const store = await backend.open();
      const run = new RunHistory(store, { record: true });
      const recorder = run.file(file('nightly.837'));
      await addClaim(store, recorder, normalizeClaim(claimOf({ id: 'H1', file: 'nightly.837', dx: ['M5416'], lines: ['64483-RT'] }), defaultReference), 'held');
      const clean = claimOf({ id: 'D1', file: 'nightly.837', dx: ['M5416'], lines: ['64483-RT'] });
      await ready(store, patientKeyOf(clean), clean);
      const result = runRules(clean, { rules: [duplicate], policy: profiles.medicare, reference: defaultReference, history: run.view, asOf: '2026-11-27', fix: false });
      expect(result.findings.map((finding) => finding.message)).toEqual([
        'Remove 64483-RT on 2026-10-01, or send this claim as a replacement (frequency 7) if it corrects the earlier one: already billed in nightly.837 claim H1 (held) line 1 (64483-RT), and a service is billed once',
      ]);
    });

    it('a held claim counts as pending in later runs until its correction supersedes it', async () => {
      const store = await backend.open();
      const first = new RunHistory(store, { record: true }).file(file('monday.837'));
      await addClaim(store, first, claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'held');
      expect(await first.commit()).toMatchObject({ status: 'added', claims: 1 });
      expect(await facetSessions(store)).toEqual(['2026-03-02 monday.837#C1 pending']);
      expect(await store.stats()).toMatchObject({ heldClaims: 1, readyClaims: 0 });
      // The worked claim comes back under the same claim id: it supersedes its held version.
      await ingestClaims(store, file('tuesday.837'), [claim({ id: 'C1', lines: ['64493-RT-KX'] })]);
      expect(await facetSessions(store)).toEqual(['2026-03-02 tuesday.837#C1']);
      expect(await store.stats()).toMatchObject({ heldClaims: 0, readyClaims: 1, supersededClaims: 1 });
    });

    it('a held claim is superseded by a claim of the same key only (another billing NPI leaves it pending)', async () => {
      const store = await backend.open();
      const first = new RunHistory(store, { record: true }).file(file('monday.837'));
      await addClaim(store, first, claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'held');
      await first.commit();
      await ingestClaims(store, file('tuesday.837'), [claim({ id: 'C1', billingNpi: '1888888885', date: '2026-03-09', lines: ['64493-RT-KX'] })]);
      expect(await facetSessions(store)).toEqual(['2026-03-02 monday.837#C1 pending', '2026-03-09 tuesday.837#C1']);
    });
  });

  describe('a claim is (billing NPI, claim id)', () => {
    it('the same claim id from another billing NPI does not hide a real duplicate', async () => {
      const store = await backend.open();
      await ingestClaims(store, file('prior.837'), [claim({ id: 'C1', billingNpi: '1888888885', lines: ['64493-RT'] })]);
      expect(await linesOn(store, new RunHistory(store, { record: false }), '2026-03-02', asking({ id: 'C1' }))).toEqual(['prior.837#C1 64493']);
      expect(await linesOn(store, new RunHistory(store, { record: false }), '2026-03-02', asking({ id: 'C1', billingNpi: '1888888885' }))).toEqual([]);
    });
  });

  describe('replacements and voids', () => {
    it('a replacement with a new claim number supersedes its original and is never its duplicate', async () => {
      const store = await backend.open();
      await ingestClaims(store, file('march.837'), [claim({ id: 'C1', lines: ['64493-RT-KX', '99213'] })]);
      const run = new RunHistory(store, { record: true });
      const replacement: Claim = claim({ id: 'R77', freq: '7', lines: ['64493-RT-KX'] });
      expect(await linesOn(store, run, '2026-03-02', replacement)).toEqual([]);
      const recorder = run.file(file('april.837'));
      await addClaim(store, recorder, replacement, 'ready');
      expect(await linesOn(store, run, '2026-03-02', asking({ id: 'X1' }))).toEqual(['april.837#R77 64493']);
      expect(await recorder.commit()).toMatchObject({ replaced: 1, awaitingOriginal: 0 });
      expect(await facetSessions(store)).toEqual(['2026-03-02 april.837#R77']);
      expect(await store.stats()).toMatchObject({ readyClaims: 1, supersededClaims: 1 });
    });

    it('a replacement supersedes only a claim of its billing provider, patient and date with a procedure in common', async () => {
      const store = await backend.open();
      await ingestClaims(store, file('march.837'), [
        claim({ id: 'C1', lines: ['64493-RT-KX'] }),
        claim({ id: 'C2', billingNpi: '1888888885', lines: ['64493-RT-KX'] }),
        claim({ id: 'C3', date: '2026-03-03', lines: ['64493-RT-KX'] }),
        claim({ id: 'C4', lines: ['99213'] }),
      ]);
      await ingestClaims(store, file('april.837'), [claim({ id: 'R1', freq: '7', lines: ['64493-RT-KX'] })]);
      expect(await facetSessions(store)).toEqual(['2026-03-02 april.837#R1', '2026-03-02 march.837#C2', '2026-03-03 march.837#C3']);
    });

    it('a replacement matches its original by payer claim number when the history holds it', async () => {
      const store = await backend.open();
      const first = { ...claim({ id: 'R1', freq: '7', lines: ['64493-RT-KX'] }), payerClaimNumber: 'ICN-555' };
      await ingestClaims(store, file('march.837'), [first]);
      const second = { ...claim({ id: 'R2', freq: '7', date: '2026-03-09', lines: ['64493-RT-KX'] }), payerClaimNumber: 'ICN-555' };
      expect(await facetSessions(store, second)).toEqual([]);
      await ingestClaims(store, file('april.837'), [second]);
      expect(await facetSessions(store)).toEqual(['2026-03-09 april.837#R2']);
    });

    it('a void with a new claim number removes its original', async () => {
      const store = await backend.open();
      await ingestClaims(store, file('march.837'), [claim({ id: 'C1', lines: ['64493-RT-KX'] })]);
      const result = await ingestClaims(store, file('void.837'), [claim({ id: 'V1', freq: '8', lines: ['64493-RT-KX'] })]);
      expect(result).toMatchObject({ voided: 1 });
      expect(await facetSessions(store)).toEqual([]);
      expect(await store.stats()).toMatchObject({ readyClaims: 0, supersededClaims: 1, voids: 1 });
    });
  });

  describe('memory', () => {
    it('a run past its memory budget lets go of recorded files and reads them back from the store, seeing the same', async () => {
      const seen = async (budget: number | undefined) => {
        const store = await backend.open();
        const run = new RunHistory(store, { record: true, ...(budget === undefined ? {} : { memoryBudgetBytes: budget }) });
        const first = run.file(file('one.837'));
        await addClaim(store, first, claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'held');
        await addClaim(store, first, claim({ id: 'C2', date: '2026-03-09', lines: ['64493-RT-KX'] }), 'ready');
        await first.commit();
        const second = run.file(file('two.837'));
        const answer = await linesOn(store, run, '2026-03-02', asking({ id: 'X1' }));
        await addClaim(store, second, claim({ id: 'R1', freq: '7', date: '2026-03-09', lines: ['64493-RT-KX'] }), 'ready');
        await second.commit();
        return [...answer, ...(await facetSessions(store))];
      };
      expect(await seen(1)).toEqual(['one.837#C1 64493 (pending)', '2026-03-02 one.837#C1 pending', '2026-03-09 two.837#R1']);
      expect(await seen(1)).toEqual(await seen(undefined));
    });
  });

  describe('prior files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'hist-prior-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const HEADER = 'claim_id,frequency_code,payer_claim_number,payer_id,payer_name,member_id,patient_last,patient_first,patient_dob,patient_sex,billing_npi,rendering_npi,pos,dx_codes,line_no,dos,cpt,modifiers,units,charge,dx_pointers,total_charge';
    const row = (freq: string) => `C1,${freq},,SYNMCR01,MEDICARE PART B,MEM100,DOE,JANE,1955-05-05,F,${BILLING},1234567893,11,M47816,1,2026-03-02,64493,RT,1,100.00,1,100.00`;

    it('refuses a CSV holding an original and its void under one claim id, the same CSV_FIELD_CONFLICT as a run input', async () => {
      const path = join(dir, 'export.csv');
      writeFileSync(path, `${HEADER}\n${row('1')}\n${row('8')}\n`);
      const store = await backend.open();
      await expect(addPriorFile(store, path, { name: 'export.csv' })).rejects.toMatchObject({
        code: 'HIST_FILE_UNREADABLE',
        message: 'export.csv: not added (nothing changed): CSV_FIELD_CONFLICT: export.csv line 3, column "frequency_code": "8" differs from "1" on line 2 of the same claim',
      });
      expect(await store.stats()).toMatchObject({ files: 0, claims: 0 });
    });
  });
});

describe('writers serialize', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hist-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A child process that holds the history's writer lock for `ms`, printing "held" once it has it. */
  function holder(path: string, ms: number): Promise<{ pid: number; done: Promise<void> }> {
    const url = new URL('../../src/history/sqlite.ts', import.meta.url).href;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const { openHistory } = await import(${JSON.stringify(url)}); const s = openHistory(${JSON.stringify(path)}); console.log('held'); setTimeout(() => s.close(), ${ms});`]);
    const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        if (data.toString().includes('held')) resolve({ pid: child.pid!, done });
      });
      child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
  }

  it('a second writer is refused naming the holder, and waits with --wait', async () => {
    const path = join(dir, 'h.db');
    const { pid, done } = await holder(path, 1500);
    expect(() => openHistory(path)).toThrow(expect.objectContaining({ code: 'HIST_IN_USE', message: expect.stringMatching(new RegExp(`^history ${path} in use by pid ${pid} since \\d{4}-\\d\\d-\\d\\dT`)) }));
    const started = Date.now();
    const store = openHistory(path, { waitSeconds: 30 });
    expect(Date.now() - started).toBeGreaterThan(200);
    store.close();
    await done;
  }, 30_000);

  it('the same file in two runs one after the other is recorded once', () => {
    const path = join(dir, 'h.db');
    for (let i = 0; i < 2; i++) {
      const store = openHistory(path);
      const recorder = new RunHistory(store, { record: true, inputHashes: ['hash-same.837'] }).file(file('same.837'));
      recorder.add(claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'ready');
      expect((recorder.commit() as RecordResult).status).toBe(i === 0 ? 'added' : 'already-ingested');
      store.close();
    }
    const store = openHistory(path);
    expect(store.stats()).toMatchObject({ files: 1, claims: 1 });
    store.close();
  });
});

// SQLite records a file in parts of one transaction (HistoryStore.openFile); a store without that (PostgreSQL)
// keeps a large file's claims held until its end.
describe('SQLite history: a file past the memory budget', () => {
  it('a file larger than the memory budget is written in parts of one transaction, and its later claims see the earlier ones', async () => {
    const seen = async (budget: number | undefined) => {
      const store = openHistory(':memory:');
      const run = new RunHistory(store, { record: true, ...(budget === undefined ? {} : { memoryBudgetBytes: budget }) });
      const big = run.file(file('big.837'));
      big.add(claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'held');
      big.add(claim({ id: 'C2', date: '2026-03-09', lines: ['64493-RT-KX'] }), 'ready');
      const written = store.stats().claims;
      const duplicateOfHeld = await linesOn(store, run, '2026-03-02', asking({ id: 'X1' }));
      big.add(claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'ready');
      big.add(claim({ id: 'R1', freq: '7', date: '2026-03-09', lines: ['64493-RT-KX'] }), 'ready');
      const result = (await big.commit()) as RecordResult;
      const { claims, readyClaims, supersededClaims } = store.stats();
      return { written, duplicateOfHeld, sessions: await facetSessions(store), result: { claims: result.claims, replaced: result.replaced }, stored: { claims, readyClaims, supersededClaims } };
    };
    expect(await seen(1)).toEqual({
      written: 2,
      duplicateOfHeld: ['big.837#C1 64493 (pending)'],
      sessions: ['2026-03-02 big.837#C1', '2026-03-09 big.837#R1'],
      result: { claims: 4, replaced: 2 },
      stored: { claims: 4, readyClaims: 2, supersededClaims: 2 },
    });
    expect({ ...(await seen(1)), written: 0 }).toEqual(await seen(undefined));
  });

  it('a run holding more patients than its limit writes what it holds and lets go mid-file, seeing the same', async () => {
    const seen = async (patientsHeld: number | undefined) => {
      const store = openHistory(':memory:');
      const run = new RunHistory(store, { record: true, ...(patientsHeld === undefined ? {} : { patientsHeld }) });
      const one = run.file(file('one.837'));
      one.add(claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'held');
      one.add(claim({ id: 'B1', member: 'MEM200', last: 'ROE', lines: ['64493-RT-KX'] }), 'ready');
      const written = store.stats().claims;
      const answer = await linesOn(store, run, '2026-03-02', asking({ id: 'X1' }));
      one.add(claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'ready');
      await one.commit();
      return { written, answer, sessions: await facetSessions(store) };
    };
    expect(await seen(1)).toEqual({ written: 2, answer: ['one.837#C1 64493 (pending)'], sessions: ['2026-03-02 one.837#C1'] });
    expect({ ...(await seen(1)), written: 0 }).toEqual(await seen(undefined));
  });

  it('a file written in parts and then discarded leaves the history as it was, and the run forgets its claims', async () => {
    const store = openHistory(':memory:');
    await ingestClaims(store, file('march.837'), [claim({ id: 'P1', date: '2026-03-01', lines: ['64493-RT-KX'] })]);
    const run = new RunHistory(store, { record: true, memoryBudgetBytes: 1 });
    const broken = run.file(file('broken.837'));
    broken.add(claim({ id: 'C1', lines: ['64493-RT-KX'] }), 'ready');
    broken.add(claim({ id: 'V1', freq: '8', date: '2026-03-01', lines: ['64493-RT-KX'] }), 'ready');
    expect(store.stats().claims).toBe(3);
    broken.discard();
    expect(store.stats()).toMatchObject({ files: 1, claims: 1, readyClaims: 1 });
    expect(await linesOn(store, run, '2026-03-02', asking({ id: 'X1' }))).toEqual([]);
    expect(await linesOn(store, run, '2026-03-01', asking({ id: 'X1' }))).toEqual(['march.837#P1 64493']);
    const next = run.file(file('next.837'));
    next.add(claim({ id: 'C2', lines: ['64493-RT-KX'] }), 'ready');
    expect(await next.commit()).toMatchObject({ status: 'added', claims: 1 });
    expect(await facetSessions(store)).toEqual(['2026-03-01 march.837#P1', '2026-03-02 next.837#C2']);
  });
});
