import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import type { ReadClaim } from '../../src/formats/types.js';
import { X12Error } from '../../src/x12/errors.js';
import { BROKEN_PUBLIC, chunked, loadPublic, loadSynth, memoryWriter, oracleParse, publicFiles, readAll, roundTrip, synthFiles } from './helpers.js';

const clone = (claim: Claim): Claim => structuredClone(claim);

/** The segments of `text` (standard delimiters, `~\n`) between the CLM of `claimId` and the next CLM/HL/SE. */
function claimSegments(text: string, claimId: string): string[] {
  const segments = text.split('~\n');
  const start = segments.findIndex((s) => s.startsWith(`CLM*${claimId}*`));
  const out: string[] = [];
  for (let i = start; i < segments.length; i++) {
    const s = segments[i]!;
    if (i > start && /^(CLM|HL|SE)\*/.test(s)) break;
    out.push(s);
  }
  return out;
}

describe('writer: unchanged files round-trip byte for byte', () => {
  const valid = [
    ...publicFiles().filter((f) => !BROKEN_PUBLIC.includes(f)).map((f): [string, Buffer] => [f, loadPublic(f)]),
    ...synthFiles().map((f): [string, Buffer] => [f, loadSynth(f)]),
  ];
  for (const [name, data] of valid) {
    it(name, async () => {
      for (const size of [1, 113, 65536]) {
        const out = await roundTrip(data, name, undefined, size);
        expect(out.equals(data), `chunk size ${size}`).toBe(true);
      }
      expect(oracleParse(await roundTrip(data, name))).toBeGreaterThan(0);
    });
  }
});

describe('writer: broken public files come out valid', () => {
  it('imsweb many claims: 820 claims, counts and HL numbering recomputed, accepted by node-x12', async () => {
    const name = 'imsweb_x12_many_claims.txt';
    const out = await roundTrip(loadPublic(name), name);
    expect(oracleParse(out)).toBe(1);
    const again = await readAll(out, 'out.txt');
    expect(again.problems).toEqual([]);
    expect(again.claims.length).toBe(820);
    const text = out.toString('latin1');
    expect(text.slice(0, 1200).split('~\n').filter((s) => s.startsWith('HL*'))).toEqual(['HL*1**20*1', 'HL*2*1*22*0', 'HL*3*1*22*0', 'HL*4**20*1']);
    expect(text.endsWith('SE*11486*987654~\nGE*1*1~\nIEA*1*000000905~')).toBe(true);
  });

  it('imsweb different separators: written in its own delimiters, valid', async () => {
    const name = 'imsweb_x12_valid_different_separators.txt';
    const out = await roundTrip(loadPublic(name), name, undefined, 100);
    expect(oracleParse(out)).toBe(1);
    expect(out.toString('latin1')).toBe(
      loadPublic(name).toString('latin1').replace('HL~2~1~22~1_', 'HL~2~1~22~0_').replace('HL~2~3~22~1_', 'HL~3~1~22~0_').replace('SE~25~987654_', 'SE~34~987654_'),
    );
    expect((await readAll(out, 'o')).problems).toEqual([]);
  });
});

describe('writer: changed claims are re-serialized', () => {
  const data = loadSynth('spine-basic.837');

  it('codes, modifiers, units, charges, pointers, removed and added lines, removed diagnosis, total', async () => {
    const out = await roundTrip(data, 'spine-basic.837', (claim) => {
      if (claim.claimId !== 'SYNCLM001') return undefined;
      const next = clone(claim);
      const [l1, , l3] = next.lines;
      l1!.modifiers = ['RT', 'XS'];
      l1!.units = 2;
      l1!.chargeCents = 170050;
      const added = { ...structuredClone(l3!), key: '3+1', procedure: 'J3301', chargeCents: 999, drug: { ...l3!.drug!, ndc: '00003029305' } };
      next.lines = [l1!, l3!, added];
      next.diagnoses = [next.diagnoses[1]!];
      for (const line of next.lines) line.pointers = [1];
      next.totalChargeCents = 170050 + 1225 + 999;
      return next;
    });
    const text = out.toString('latin1');
    expect(claimSegments(text, 'SYNCLM001')).toEqual([
      'CLM*SYNCLM001*1722.74***11:B:1*Y*A*Y*Y',
      'HI*ABK:M47816',
      'NM1*82*1*DOCTOR*SYNTH****XX*1999999992',
      'PRV*PE*PXC*208VP0014X',
      'LX*1',
      'SV1*HC:64483:RT:XS*1700.5*UN*2***1',
      'DTP*472*D8*20261102',
      'LX*2',
      'SV1*HC:J1040*12.25*UN*1***1',
      'DTP*472*D8*20261102',
      'LIN**N4*00009307403',
      'CTP****80*ME',
      'LX*3',
      'SV1*HC:J3301*9.99*UN*1***1',
      'DTP*472*D8*20261102',
      'LIN**N4*00003029305',
      'CTP****80*ME',
    ]);
    expect(oracleParse(out)).toBe(1);
    // The other claims are untouched, and SE01 counts the new segments (55 - 3 for line 2 + 5 for line 3+1).
    expect(claimSegments(text, 'SYNCLM002')).toEqual(claimSegments(data.toString('latin1'), 'SYNCLM002'));
    expect(text).toContain('SE*57*0001~\n');
    const again = await readAll(out, 'o');
    expect(again.problems).toEqual([]);
    const claim = again.claims[0]!.claim;
    expect(claim.lines.map((l) => [l.key, l.procedure, l.modifiers, l.units, l.chargeCents, l.pointers, l.drug?.ndc])).toEqual([
      ['1', '64483', ['RT', 'XS'], 2, 170050, [1], undefined],
      ['2', 'J1040', [], 1, 1225, [1], '00009307403'],
      ['3', 'J3301', [], 1, 999, [1], '00003029305'],
    ]);
    expect(claim.totalChargeCents).toBe(172274);
  });

  it('SV105 equal to the claim place of service is not on the line, and survives a rebuild', async () => {
    const name = 'stupidedi_x222a1_drug-administered-in-the-physician-office.edi';
    const data = loadPublic(name);
    const { claims } = await readAll(data, name);
    expect(claims[0]!.claim.lines.map((l) => l.placeOfService)).toEqual([undefined, undefined]);
    const out = await roundTrip(data, name, (claim) => {
      const next = clone(claim);
      next.lines[1]!.units = 2;
      next.lines[0]!.placeOfService = '22';
      next.totalChargeCents += 5337;
      return next;
    });
    const text = out.toString('latin1');
    expect(text).toContain('CLM*CLMNO12345*156.74***11:B:1*Y*A*Y*Y~');
    expect(text).toContain('SV1*HC:90782*50*UN*1*22**1~');
    expect(text).toContain('SV1*HC:J1550*53.37*UN*2*11**1~DTP*472*D8*20040711~AMT*T*3.37~LIN**N4*00026063512~CTP****10*ML~SE*31*0711~');
    expect(oracleParse(out)).toBe(1);
  });

  it('a changed claim with nothing really different is written as read', async () => {
    const out = await roundTrip(data, 'f', (claim) => clone(claim));
    expect(out.equals(data)).toBe(true);
  });

  it('refuses a value with a delimiter in it and writes nothing of the claim', async () => {
    const { claims } = await readAll(data, 'spine-basic.837');
    const { writer, bytes } = memoryWriter();
    const bad = clone(claims[0]!.claim);
    bad.lines[0]!.modifiers = ['R*'];
    await expect(writer.write(claims[0]!, bad, true)).rejects.toThrow(X12Error);
    await expect(writer.write(claims[0]!, bad, true)).rejects.toThrow(
      'spine-basic.837: claim SYNCLM001 (segment 18): line 1 (key 1) modifier "R*" contains the delimiter "*"; the claim was not written',
    );
    const colon = clone(claims[0]!.claim);
    colon.diagnoses[0]!.code = 'M54:16';
    await expect(writer.write(claims[0]!, colon, true)).rejects.toMatchObject({ code: 'X12_DELIMITER_IN_VALUE' });
    const unknown = clone(claims[0]!.claim);
    unknown.lines[0]!.key = '9';
    await expect(writer.write(claims[0]!, unknown, true)).rejects.toMatchObject({ code: 'X12_UNKNOWN_LINE' });
    for (const read of claims.slice(1)) await writer.write(read, read.claim, false);
    await writer.close();
    const again = await readAll(bytes(), 'o');
    expect(again.problems).toEqual([]);
    expect(again.claims.map((c) => c.claim.claimId)).toEqual(['SYNCLM002', 'SYNCLM003']);
    expect(oracleParse(bytes())).toBe(1);
  });
});

describe('writer: claims split between two writers', () => {
  async function split(data: Buffer, name: string, toHeld: (read: ReadClaim, index: number) => boolean, change?: (claim: Claim) => Claim | undefined) {
    const ready = memoryWriter();
    const held = memoryWriter();
    let index = 0;
    for await (const read of (await import('../../src/x12/reader.js')).readX12(chunked(data, 500), name).claims()) {
      const target = toHeld(read, index++) ? held : ready;
      const changed = change?.(read.claim);
      await target.writer.write(read, changed ?? read.claim, changed !== undefined);
    }
    expect(await ready.writer.close()).toMatchObject({});
    await held.writer.close();
    return { ready: ready.bytes(), held: held.bytes() };
  }

  it('each output is a valid interchange; an HL 22 with no claims left is not emitted', async () => {
    const data = loadSynth('spine-basic.837');
    const { ready, held } = await split(data, 'f', (read) => read.claim.claimId === 'SYNCLM003');
    expect(oracleParse(ready)).toBe(1);
    expect(oracleParse(held)).toBe(1);
    const readyText = ready.toString('latin1');
    const heldText = held.toString('latin1');
    expect(readyText).not.toContain('SYN0000002');
    expect(readyText).toBe(data.toString('latin1').replace(/HL\*3\*1\*22\*1~\n[\s\S]*SE\*55\*0001/, 'SE*38*0001'));
    expect(heldText.split('~\n').filter((s) => /^(HL|SE|CLM)\*/.test(s))).toEqual(['HL*1**20*1', 'HL*2*1*22*1', 'HL*3*2*23*0', 'CLM*SYNCLM003*1050***22:B:1*Y*A*Y*Y', 'SE*28*0001']);
    expect(heldText).not.toContain('SYN0000001');
    const readyClaims = (await readAll(ready, 'r')).claims.map((c) => c.claim.claimId);
    const heldClaims = (await readAll(held, 'h')).claims.map((c) => c.claim.claimId);
    expect([readyClaims, heldClaims]).toEqual([['SYNCLM001', 'SYNCLM002'], ['SYNCLM003']]);
  });

  it('renumbered HL segments keep HL03 and HL05…, drop trailing empty elements, keep their line ending', async () => {
    const claim = (id: string) => `CLM*${id}*100***11:B:1*Y*A*Y*Y~\nHI*ABK:M5412~\nLX*1~\nSV1*HC:64483*100*UN*1***1~\nDTP*472*D8*20260220~\n`;
    const subscriber = 'SBR*P*18*******MB~\nNM1*IL*1*DOE*JO****MI*X1~\n';
    const hls = ['HL*2*1*22*0~\n', 'HL*3*1*22*0*X*~\n', 'HL*4*1*22*0**~\n', 'HL*5*1*22~\n', 'HL*6*1*22*0*X*Y~\r\n', 'HL*7*1*22*0*X**~'];
    let body = 'ST*837*0001*005010X222A1~\nBHT*0019*00*B0001*20261126*2300*CH~\nHL*1**20*1~\nNM1*85*2*CLINIC*****XX*1900000013~\n';
    hls.forEach((hl, i) => (body += hl + subscriber + claim(`C${i + 1}`)));
    const text = `ISA*00*          *00*          *ZZ*SUB            *ZZ*REC            *261126*2300*^*00501*000000001*0*T*:~\nGS*HC*S*R*20261126*2300*1*X*005010X222A1~\n${body}SE*${body.split('~').length}*0001~\nGE*1*1~\nIEA*1*000000001~\n`;
    const { ready, held } = await split(Buffer.from(text, 'latin1'), 'hl.837', (read) => read.claim.claimId === 'C1');
    const hlLines = (out: Buffer) => out.toString('latin1').split('~').map((s) => s.replace(/^\s+/, '')).filter((s) => s.startsWith('HL*'));
    expect(hlLines(ready)).toEqual(['HL*1**20*1', 'HL*2*1*22*0*X', 'HL*3*1*22*0', 'HL*4*1*22*0', 'HL*5*1*22*0*X*Y', 'HL*6*1*22*0*X']);
    expect(ready.toString('latin1')).toContain('~\nHL*5*1*22*0*X*Y~\r\nSBR*P*18*******MB~\n');
    expect(ready.toString('latin1')).toContain('DTP*472*D8*20260220~\nHL*6*1*22*0*X~SBR*');
    expect(hlLines(held)).toEqual(['HL*1**20*1', 'HL*2*1*22*0']);
    expect(oracleParse(ready)).toBe(1);
  });

  it('multi-interchange file split every other claim, with changed claims: both outputs valid, no claim lost', async () => {
    const data = loadSynth('spine-multi-interchange.edi');
    const { ready, held } = await split(
      data,
      'm',
      (_read, index) => index % 2 === 1,
      (claim) => {
        const next = clone(claim);
        next.lines[0]!.procedure = '64490';
        next.lines[0]!.units = 3;
        return next;
      },
    );
    // Transactions: ready has 2 + 1, held 2 + 1 + 1.
    expect([oracleParse(ready), oracleParse(held)]).toEqual([3, 4]);
    const readyRead = await readAll(ready, 'r');
    const heldRead = await readAll(held, 'h');
    expect(readyRead.problems).toEqual([]);
    expect(heldRead.problems).toEqual([]);
    expect(readyRead.claims.map((c) => c.claim.claimId)).toEqual(['SYNC01', 'SYNC03', 'SYNCLM001', 'SYNCLM003']);
    expect(heldRead.claims.map((c) => c.claim.claimId)).toEqual(['SYNC02', 'SYNC04', 'SYNCLM002', 'SYNC05']);
    expect([...readyRead.claims, ...heldRead.claims].every((c) => c.claim.lines[0]!.procedure === '64490' && c.claim.lines[0]!.units === 3)).toBe(true);
    // The pipe-delimited interchange keeps its delimiters and CRLF line endings.
    expect(held.toString('latin1')).toContain('SV1|HC>64490>50|1200.00|UN|3|||1!\r\n');
  });

  it('imsweb many claims split in two: 820 claims in all, both accepted by node-x12', async () => {
    const name = 'imsweb_x12_many_claims.txt';
    const { ready, held } = await split(loadPublic(name), name, (_read, index) => index % 3 === 0);
    expect(oracleParse(ready)).toBe(1);
    expect(oracleParse(held)).toBe(1);
    const counts = [(await readAll(ready, 'r')).claims.length, (await readAll(held, 'h')).claims.length];
    expect(counts).toEqual([546, 274]);
  });
});
