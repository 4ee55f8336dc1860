/**
 * HI rebuilt after a fix changed the diagnoses: the components after each code (HI01-3 … HI01-9: date qualifier,
 * date, amount, quantity, version, industry code, present-on-admission indicator) stay with a diagnosis that is
 * still there — unchanged, re-qualified (ABF → ABK when the first one is removed) or only re-written (decimal point
 * stripped) — and do not follow a code changed into another diagnosis.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { cleanup, runInProcess, tempDir, writeInput } from '../reliability/helpers.js';
import { memoryWriter, oracleParse, readAll, roundTrip } from './helpers.js';
import { buildInterchange, type SynthClaim } from './synth.js';

function claimWith(id: string, diagnoses: string[], pointers: number[] = [1]): SynthClaim {
  return {
    id,
    diagnoses,
    renderingNpi: '1999999992',
    lines: [
      { code: '64483', modifiers: ['RT'], charge: '850', units: '1', pointers, date: '20261102' },
      { code: '64484', modifiers: ['RT'], charge: '300.5', units: '1', pointers, date: '20261102' },
    ],
  };
}

function fileOf(claims: SynthClaim[]): Buffer {
  const subscribers = claims.map((claim, index) => ({ memberId: `SYNMBR000${index + 1}`, last: 'ZEPHYRINE', first: 'QUILLON', dob: '19610314', sex: 'F', claims: [claim] }));
  return Buffer.from(buildInterchange({ control: '1', groups: [{ control: '1', transactions: [{ control: '0001', subscribers }] }] }), 'latin1');
}

/** The HI segments of the output (standard delimiters, `~\n`). */
function hiSegments(out: Buffer): string[] {
  return out.toString('latin1').split('~\n').filter((segment) => segment.startsWith('HI*'));
}

/** Writes the one claim of `data` changed by `change` (which gets a deep copy: no object is shared with the read). */
async function rewrite(data: Buffer, change: (claim: Claim) => void): Promise<Buffer> {
  return roundTrip(data, 'poa.837', (claim) => {
    const next = structuredClone(claim);
    change(next);
    return next;
  });
}

describe('HI rebuild keeps the components after the code', () => {
  it('a decimal point stripped: every component of both diagnoses kept (POA, date)', async () => {
    const data = fileOf([claimWith('POA0001', ['M54.16:::::::Y', 'M47816:D8:20261101:::::N'])]);
    expect(hiSegments(data)).toEqual(['HI*ABK:M54.16:::::::Y*ABF:M47816:D8:20261101:::::N']);
    const out = await rewrite(data, (claim) => {
      claim.diagnoses[0]!.code = 'M5416';
    });
    expect(hiSegments(out)).toEqual(['HI*ABK:M5416:::::::Y*ABF:M47816:D8:20261101:::::N']);
    expect(oracleParse(out)).toBe(1);
    const again = await readAll(out, 'again.837');
    expect(again.problems).toEqual([]);
    expect(again.claims[0]!.claim.diagnoses.map((dx) => [dx.qualifier, dx.code])).toEqual([['ABK', 'M5416'], ['ABF', 'M47816']]);
  });

  it('the first diagnosis removed: the second becomes ABK and keeps its POA', async () => {
    const data = fileOf([claimWith('POA0002', ['M5416:::::::Y', 'M5116:::::::N', 'M47816:::::::U'], [1, 2])]);
    const out = await rewrite(data, (claim) => {
      claim.diagnoses = claim.diagnoses.slice(1);
      for (const line of claim.lines) line.pointers = [1];
    });
    expect(hiSegments(out)).toEqual(['HI*ABK:M5116:::::::N*ABF:M47816:::::::U']);
  });

  it('a code changed into another diagnosis: its POA does not follow; the others keep theirs', async () => {
    const data = fileOf([claimWith('POA0003', ['M5416:::::::Y', 'M47816:::::::N'])]);
    const out = await rewrite(data, (claim) => {
      claim.diagnoses[0]!.code = 'M4726';
    });
    expect(hiSegments(out)).toEqual(['HI*ABK:M4726*ABF:M47816:::::::N']);
  });

  it('the same code twice: the one kept (the same object, as the engine keeps it) keeps its own POA', async () => {
    const data = fileOf([claimWith('POA0004', ['M5416:::::::Y', 'M5416:::::::N'])]);
    const { claims } = await readAll(data, 'poa.837');
    const read = claims[0]!;
    const { writer, bytes } = memoryWriter();
    await writer.write(read, { ...read.claim, diagnoses: [read.claim.diagnoses[1]!] }, true);
    await writer.close();
    expect(hiSegments(bytes())).toEqual(['HI*ABK:M5416:::::::N']);
  });

  it('a claim without components after its codes is rebuilt as before', async () => {
    const data = fileOf([claimWith('POA0005', ['M54.16', 'M47816'])]);
    const out = await rewrite(data, (claim) => {
      claim.diagnoses[0]!.code = 'M5416';
    });
    expect(hiSegments(out)).toEqual(['HI*ABK:M5416*ABF:M47816']);
  });
});

/** `data` with its HI segment `from` replaced by `to` (one or more segments), the transaction's SE count kept true. */
function withHi(data: Buffer, from: string, to: string[]): Buffer {
  const text = data.toString('latin1');
  expect(text).toContain(`${from}~\n`);
  const replaced = text.replace(`${from}~\n`, to.map((segment) => `${segment}~\n`).join(''));
  const counted = replaced.replace(/SE\*(\d+)\*/, (_match, count: string) => `SE*${Number(count) + to.length - 1}*`);
  return Buffer.from(counted, 'latin1');
}

describe('HI rebuild keeps what is not a diagnosis', () => {
  it('a condition code (BG) in the diagnosis HI stays, in an HI of its own after the rebuilt diagnoses', async () => {
    const data = withHi(fileOf([claimWith('BG00001', ['M54.16', 'M47816'])]), 'HI*ABK:M54.16*ABF:M47816', ['HI*ABK:M54.16*BG:01*ABF:M47816']);
    expect((await readAll(data, 'bg.837')).problems).toEqual([]);
    const out = await rewrite(data, (claim) => {
      claim.diagnoses[0]!.code = 'M5416';
    });
    expect(hiSegments(out)).toEqual(['HI*ABK:M5416*ABF:M47816', 'HI*BG:01']);
    expect(oracleParse(out)).toBe(1);
    const again = await readAll(out, 'again.837');
    expect(again.problems).toEqual([]);
    expect(again.claims[0]!.claim.diagnoses.map((dx) => [dx.qualifier, dx.code])).toEqual([['ABK', 'M5416'], ['ABF', 'M47816']]);
  });

  it('a diagnosis after an anesthesia procedure (BP) in a second HI is not written twice; the BP composite stays', async () => {
    const data = withHi(fileOf([claimWith('BP00001', ['M54.16', 'M47816'])]), 'HI*ABK:M54.16*ABF:M47816', ['HI*ABK:M54.16', 'HI*BP:64483*ABF:M47816']);
    expect((await readAll(data, 'bp.837')).claims[0]!.claim.diagnoses.map((dx) => dx.code)).toEqual(['M54.16', 'M47816']);
    const out = await rewrite(data, (claim) => {
      claim.diagnoses[0]!.code = 'M5416';
    });
    expect(hiSegments(out)).toEqual(['HI*ABK:M5416*ABF:M47816', 'HI*BP:64483']);
    const again = await readAll(out, 'again.837');
    expect(again.problems).toEqual([]);
    expect(again.claims[0]!.claim.diagnoses.map((dx) => dx.code)).toEqual(['M5416', 'M47816']);
  });

  it('an HI without a diagnosis is left as it was', async () => {
    const data = withHi(fileOf([claimWith('BG00002', ['M54.16'])]), 'HI*ABK:M54.16', ['HI*ABK:M54.16', 'HI*BG:01*BG:02']);
    const out = await rewrite(data, (claim) => {
      claim.diagnoses[0]!.code = 'M5416';
    });
    expect(hiSegments(out)).toEqual(['HI*ABK:M5416', 'HI*BG:01*BG:02']);
  });
});

describe('run: a fix that rebuilds HI keeps the POA indicators', () => {
  let work: string;
  beforeAll(() => {
    work = tempDir('spinescrub-poa-');
  });
  afterAll(() => cleanup(work));

  it('dx/invalid-format (decimal stripped) and dx/excludes1-radiculopathy (diagnosis removed): exact HI segments in ready/', async () => {
    const input = fileOf([
      claimWith('POA0001', ['M54.16:::::::Y', 'M47816:::::::N']),
      claimWith('POA0002', ['M5416:::::::Y', 'M5116:::::::N'], [1, 2]),
    ]);
    const file = writeInput(path.join(work, 'in'), 'poa.837', input);
    const run = await runInProcess([file], path.join(work, 'out'));
    expect(run.exitCode).toBe(0);
    const ready = readFileSync(path.join(run.outDir, 'ready', 'poa.837'));
    expect(hiSegments(ready)).toEqual(['HI*ABK:M5416:::::::Y*ABF:M47816:::::::N', 'HI*ABK:M5116:::::::N']);
    expect(oracleParse(ready)).toBe(1);
  });
});
