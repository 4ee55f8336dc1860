/**
 * processFile with stand-in parts: the conservation check (claims in = ready + held, as the writers report
 * them), and a claim whose check throws is held as read instead of lost.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { emptyHistory } from '../../src/encounter/history-view.js';
import { noRunHistory, type RunHistory } from '../../src/pipeline/history.js';
import { processFile, type FileContext, type FormatParts } from '../../src/pipeline/process-file.js';
import { noProgress } from '../../src/pipeline/progress.js';
import { Staging } from '../../src/pipeline/staging.js';
import type { ClaimReader, ClaimWriter, ReadClaim } from '../../src/formats/types.js';
import type { ClaimResult } from '../../src/rules/types.js';

let work: string;

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-file-'));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function claim(id: string): Claim {
  const person = { memberId: 'M1' };
  return {
    claimId: id,
    frequencyCode: '1',
    placeOfService: '11',
    totalChargeCents: 0,
    subscriber: person,
    patient: person,
    diagnoses: [],
    lines: [],
    format: 'x12',
    source: { file: 'in.837', segment: 1, tag: 'CLM' },
    readProblems: [],
  };
}

/** Parts whose reader yields the given claims and whose writer writes each claim id on a line (dropping some). */
function parts(ids: string[], drop: Set<string> = new Set(), refuseChanged = false): FormatParts {
  return {
    open(): ClaimReader {
      return {
        format: 'x12',
        problems: [],
        async *claims(): AsyncGenerator<ReadClaim> {
          for (const id of ids) yield { claim: claim(id), raw: null };
        },
      };
    },
    writer(_format, _reader, out): ClaimWriter {
      let written = 0;
      return {
        async write(read, _claim, changed) {
          if (refuseChanged && changed) throw new Error('element 3 of CLM would carry the delimiter *');
          if (drop.has(read.claim.claimId)) return;
          written += 1;
          out.write(`${read.claim.claimId}\n`);
        },
        async close() {
          return { claims: written };
        },
      };
    },
  };
}

async function context(formats: FormatParts, check: (claim: Claim) => ClaimResult): Promise<FileContext> {
  return {
    staging: await Staging.create(path.join(work, 'out')),
    formats,
    check,
    normalize: (value) => value,
    history: noRunHistory,
    record: false,
    holdOn: 'error',
    progress: noProgress,
  };
}

const ready = (value: Claim): ClaimResult => ({ claim: value, changed: false, findings: [], applied: [], fate: 'ready' });

describe('processFile', () => {
  const input = () => {
    const file = path.join(work, 'in.837');
    writeFileSync(file, 'ISA');
    return { index: 0, name: 'in.837', path: file, format: 'x12' as const, bytes: 3, outputName: 'in.837', hash: 'h' };
  };

  it('reports a writer that lost a claim (claims in ≠ ready + held)', async () => {
    const result = await processFile(input(), await context(parts(['C1', 'C2', 'C3'], new Set(['C2'])), ready));
    expect(result.conservation).toBe('in.837: 3 claims read but 2 written to ready and 0 to held');
  });

  it('keeps nothing of a file that fails conservation: no output, no spill, no claim recorded, zero counts', async () => {
    const calls: string[] = [];
    const history: RunHistory = {
      ...noRunHistory,
      available: true,
      openFile: () => ({
        view: emptyHistory,
        prepare: () => undefined,
        add: (value) => calls.push(`add ${value.claimId}`),
        commit: () => {
          calls.push('commit');
          return Promise.resolve('recorded');
        },
        abort: () => calls.push('abort'),
      }),
    };
    const fileContext = { ...(await context(parts(['C1', 'C2', 'C3'], new Set(['C2'])), ready)), history, record: true };
    const result = await processFile(input(), fileContext);
    expect(result.conservation).toBe('in.837: 3 claims read but 2 written to ready and 0 to held');
    expect({ ready: result.ready, held: result.held, rowsSpill: result.rowsSpill, junitSpill: result.junitSpill, history: result.history }).toEqual({
      ready: null,
      held: null,
      rowsSpill: null,
      junitSpill: null,
      history: 'not-recorded',
    });
    expect(calls).toEqual(['add C1', 'add C2', 'add C3', 'abort']);
    expect(result.summary).toEqual({ file: 'in.837', format: 'x12', bytes: 3, claims: 0, ready: 0, held: 0, correctedLines: 0, findings: 0, readable: false, problems: [] });
    expect(result.aggregate.claims).toBe(0);
    // The temporary ready output and the spills are gone from staging.
    expect(readdirSync(fileContext.staging.dir)).toEqual([]);
  });

  it('a file that conserves its claims is committed to the history', async () => {
    const calls: string[] = [];
    const history: RunHistory = {
      ...noRunHistory,
      available: true,
      openFile: () => ({
        view: emptyHistory,
        prepare: (claim) => {
          calls.push(`prepare ${claim.claimId}`);
          return undefined;
        },
        add: (value) => calls.push(`add ${value.claimId}`),
        commit: () => (calls.push('commit'), Promise.resolve('recorded')),
        abort: () => calls.push('abort'),
      }),
    };
    const result = await processFile(input(), { ...(await context(parts(['C1', 'C2']), ready)), history, record: true });
    expect(result.conservation).toBeNull();
    expect(calls).toEqual(['prepare C1', 'add C1', 'prepare C2', 'add C2', 'commit']);
    expect(readFileSync(result.ready!, 'utf8')).toBe('C1\nC2\n');
  });

  it('holds a claim whose check throws, as read, with the reason', async () => {
    const result = await processFile(
      input(),
      await context(parts(['C1', 'C2']), (value) => {
        if (value.claimId === 'C2') throw new Error('rule x: boom');
        return ready(value);
      }),
    );
    expect(result.conservation).toBeNull();
    expect(result.summary).toMatchObject({ claims: 2, ready: 1, held: 1 });
    expect(readFileSync(result.held!, 'utf8')).toBe('C2\n');
    const rows = readFileSync(result.rowsSpill!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { ruleId: string; message: string; action: string });
    expect(rows).toEqual([expect.objectContaining({ ruleId: 'RUN_CHECK_FAILED', action: 'held', message: 'the rules could not check this claim: rule x: boom' })]);
  });
});

describe('processFile, the per-claim loop', () => {
  const input = () => {
    const file = path.join(work, 'in.837');
    writeFileSync(file, 'ISA*00');
    return { index: 0, name: 'in.837', path: file, format: 'x12' as const, bytes: 6, outputName: 'in.837', hash: 'h' };
  };

  /** A reader whose claims come two per next() (the second by takeReady), writers with writeNow, and a progress log. */
  function syncParts(ids: string[], log: string[], failOn?: string): FormatParts {
    return {
      open(): ClaimReader {
        let at = 0;
        let ready: string | undefined;
        const claims = {
          takeReady(): ReadClaim | undefined {
            if (ready === undefined) return undefined;
            const id = ready;
            ready = undefined;
            log.push(`take ${id}`);
            return { claim: claim(id), raw: null };
          },
          async next(): Promise<IteratorResult<ReadClaim>> {
            if (at >= ids.length) return { value: undefined, done: true };
            const id = ids[at]!;
            ready = ids[at + 1];
            at += 2;
            log.push(`next ${id}`);
            return { value: { claim: claim(id), raw: null }, done: false };
          },
          async return(): Promise<IteratorResult<ReadClaim>> {
            log.push('return');
            return { value: undefined, done: true };
          },
        };
        return { format: 'x12', problems: [], claims: () => claims as unknown as AsyncGenerator<ReadClaim> };
      },
      writer(_format, _reader, out): ClaimWriter {
        let written = 0;
        return {
          write: () => Promise.reject(new Error('write() is not used when writeNow is there')),
          writeNow(read) {
            if (read.claim.claimId === failOn) throw new Error('disk full');
            written += 1;
            out.write(`${read.claim.claimId}\n`);
            return undefined;
          },
          async close() {
            return { claims: written };
          },
        };
      },
    };
  }

  it('takes the claims a reader has ready without next(), writes them with writeNow, and reports all claims and bytes', async () => {
    const log: string[] = [];
    const progress = { ...noProgress, advance: (name: string, bytes: number, claims: number) => void log.push(`advance ${bytes} ${claims}`) };
    const result = await processFile(input(), { ...(await context(syncParts(['C1', 'C2', 'C3'], log), ready)), progress });
    expect(result.conservation).toBeNull();
    expect(readFileSync(result.ready!, 'utf8')).toBe('C1\nC2\nC3\n');
    expect(log.filter((entry) => !entry.startsWith('advance'))).toEqual(['next C1', 'take C2', 'next C3']);
    // However the calls fall, they add up to the file's bytes and claims.
    const advances = log.filter((entry) => entry.startsWith('advance')).map((entry) => entry.split(' ').slice(1).map(Number));
    expect(advances.reduce((sum, [bytes]) => sum + bytes!, 0)).toBe(6);
    expect(advances.reduce((sum, [, claims]) => sum + claims!, 0)).toBe(3);
  });

  it('closes the reader when writing a claim fails and reports the file unreadable', async () => {
    const log: string[] = [];
    const result = await processFile(input(), await context(syncParts(['C1', 'C2', 'C3', 'C4'], log, 'C2'), ready));
    // The failure is fatal: the file is read again with every claim held (and fails again at C2).
    expect(log).toEqual(['next C1', 'take C2', 'return', 'next C1', 'take C2', 'return']);
    // C2 was read but not written: the file fails conservation, nothing of it is kept.
    expect(result.conservation).toBe('in.837: 2 claims read but 0 written to ready and 1 to held');
    expect([result.ready, result.held]).toEqual([null, null]);
    expect(result.summary.problems).toEqual([{ code: 'X12_READ_FAILED', message: 'in.837: reading stopped: disk full', envelope: true, fatal: true }]);
  });
});

describe('processFile, a corrected claim the writer refuses', () => {
  it('holds it as read, fixes not applied, with the reason', async () => {
    const file = path.join(work, 'in.837');
    writeFileSync(file, 'ISA');
    const changed = (value: Claim): ClaimResult => ({
      claim: { ...value, claimId: value.claimId },
      changed: true,
      findings: [],
      applied: [{ ruleId: 'r/x', source: 's', severity: 'error', message: 'm', location: { file: 'in.837', claimId: value.claimId }, before: 'a', after: 'b', changes: [] }],
      fate: 'ready',
    });
    const result = await processFile(
      { index: 0, name: 'in.837', path: file, format: 'x12', bytes: 3, outputName: 'in.837', hash: 'h' },
      await context(parts(['C1'], new Set(), true), changed),
    );
    expect(result.conservation).toBeNull();
    expect(result.summary).toMatchObject({ claims: 1, ready: 0, held: 1, correctedLines: 0 });
    expect(readFileSync(result.held!, 'utf8')).toBe('C1\n');
    // The ready writer was opened for the refused claim: with no claim in it, it is no output.
    expect(result.ready).toBeNull();
    const rows = readFileSync(result.rowsSpill!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { ruleId: string; action: string });
    expect(rows.map((row) => [row.ruleId, row.action])).toEqual([['RUN_WRITE_REFUSED', 'held']]);
  });
});

describe('Staging', () => {
  it('removes the staging directories of runs that are gone, and leaves its own until disposed', async () => {
    const out = path.join(work, 'out');
    const dead = path.join(out, '.spinescrub-staging-999999999-abc');
    const { mkdirSync, existsSync } = await import('node:fs');
    mkdirSync(dead, { recursive: true });
    writeFileSync(path.join(dead, 'half-written'), 'x');
    const staging = await Staging.create(out);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(staging.dir)).toBe(true);
    await staging.dispose();
    expect(existsSync(staging.dir)).toBe(false);
  });
});
