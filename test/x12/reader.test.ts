import { describe, expect, it } from 'vitest';
import { UNNORMALIZED } from '../../src/encounter/model.js';
import { BROKEN_PUBLIC, chunked, loadPublic, loadSynth, publicFiles, readAll, synthFiles } from './helpers.js';
import { buildInterchange } from './synth.js';
import { hasControlByte } from '../../src/x12/reader.js';
import { type Segment, tokenize } from '../../src/x12/tokenizer.js';
import type { HlLoop, X12RawClaim } from '../../src/x12/assembler.js';
import type { ReadClaim, ReadyClaims } from '../../src/formats/types.js';

const problemsOf = (list: { code: string; message: string }[]) => list.map((p) => [p.code, p.message]);

describe('readX12: the synthetic spine file maps to the model', () => {
  it('reads claims, lines, drug data, people and locations', async () => {
    const { claims, problems } = await readAll(loadSynth('spine-basic.837'), 'spine-basic.837', 113);
    expect(problems).toEqual([]);
    expect(claims.map((c) => c.claim.claimId)).toEqual(['SYNCLM001', 'SYNCLM002', 'SYNCLM003']);
    const [first, second, third] = claims.map((c) => c.claim);
    expect(first).toEqual({
      claimId: 'SYNCLM001',
      frequencyCode: '1',
      placeOfService: '11',
      totalChargeCents: 116275,
      billingNpi: '1999999984',
      renderingNpi: '1999999992',
      payerId: 'P0001',
      payerName: 'SYNTH PAYER',
      claimFilingIndicator: 'CI',
      subscriber: { memberId: 'SYN0000001', lastName: 'TESTPATIENT', firstName: 'ALPHA', dateOfBirth: '1960-01-15', sex: 'F' },
      patient: { memberId: 'SYN0000001', lastName: 'TESTPATIENT', firstName: 'ALPHA', dateOfBirth: '1960-01-15', sex: 'F' },
      diagnoses: [
        { code: 'M5416', qualifier: 'ABK', icd9: false },
        { code: 'M47816', qualifier: 'ABF', icd9: false },
      ],
      lines: [
        {
          key: '1', lineNumber: 1, procedureQualifier: 'HC', procedure: '64483', modifiers: ['RT'], chargeCents: 85000, unitBasis: 'UN', units: 1,
          pointers: [1], serviceDate: '2026-11-02', source: { file: 'spine-basic.837', segment: 23, tag: 'SV1', byteOffset: 734 }, facts: UNNORMALIZED,
        },
        {
          key: '2', lineNumber: 2, procedureQualifier: 'HC', procedure: '64484', modifiers: ['RT'], chargeCents: 30050, unitBasis: 'UN', units: 1,
          pointers: [1], serviceDate: '2026-11-02', source: { file: 'spine-basic.837', segment: 26, tag: 'SV1', byteOffset: 791 }, facts: UNNORMALIZED,
        },
        {
          key: '3', lineNumber: 3, procedureQualifier: 'HC', procedure: 'J1040', modifiers: [], chargeCents: 1225, unitBasis: 'UN', units: 1,
          pointers: [1], serviceDate: '2026-11-02', source: { file: 'spine-basic.837', segment: 29, tag: 'SV1', byteOffset: 850 }, facts: UNNORMALIZED,
          drug: { ndc: '00009307403', ndcQualifier: 'N4', quantity: 80, unit: 'ME', doseMg: 80 },
        },
      ],
      format: 'x12',
      source: { file: 'spine-basic.837', segment: 18, tag: 'CLM', byteOffset: 600 },
      readProblems: [],
    });
    expect(first!.lines[0]!.facts).toBe(UNNORMALIZED);
    expect(second).toMatchObject({ claimId: 'SYNCLM002', frequencyCode: '7', payerClaimNumber: 'PAYER000777', totalChargeCents: 120000 });
    expect(second!.renderingNpi).toBeUndefined();
    expect(second!.lines[0]).toMatchObject({ modifiers: ['50'], serviceDate: '2026-11-03', serviceDateEnd: '2026-11-04', renderingNpi: '1999999976', chargeCents: 120000 });
    expect(third).toMatchObject({
      claimId: 'SYNCLM003',
      placeOfService: '22',
      subscriber: { memberId: 'SYN0000002', lastName: 'TESTSUBSCRIBER', firstName: 'BETA', dateOfBirth: '1955-07-04', sex: 'M' },
      patient: { memberId: 'SYN0000002', lastName: 'TESTDEPENDENT', firstName: 'GAMMA', dateOfBirth: '1990-02-20', sex: 'F' },
    });
    expect(third!.lines.map((l) => [l.procedure, l.modifiers, l.pointers])).toEqual([
      ['62323', [], [1, 2]],
      ['77003', ['26', 'XU'], [3]],
    ]);
  });

  it('claims share their envelope and HL context objects', async () => {
    const { claims } = await readAll(loadSynth('spine-basic.837'), 'spine-basic.837');
    const raws = claims.map((c) => c.raw as { transaction: unknown; hl20: unknown; hl22: unknown; hl23: unknown });
    expect(raws[0]!.hl22).toBe(raws[1]!.hl22);
    expect(raws[0]!.hl20).toBe(raws[2]!.hl20);
    expect(raws[0]!.transaction).toBe(raws[2]!.transaction);
    expect(raws[1]!.hl22).not.toBe(raws[2]!.hl22);
    expect(raws[2]!.hl23).toBeDefined();
  });
});

describe('readX12: public files', () => {
  for (const name of publicFiles().filter((f) => !BROKEN_PUBLIC.includes(f))) {
    it(`${name} reads without problems`, async () => {
      const { claims, problems } = await readAll(loadPublic(name), name, 100);
      expect(problems).toEqual([]);
      expect(claims.length).toBe(1);
      expect(claims[0]!.claim.readProblems).toEqual([]);
    });
  }

  it('lfh ICD-9 demo: BK/BF kept and marked ICD-9', async () => {
    const { claims } = await readAll(loadPublic('lfh_x222a2_demo.example1.837'), 'x');
    expect(claims[0]!.claim.diagnoses).toEqual([
      { code: '0340', qualifier: 'BK', icd9: true },
      { code: 'V7389', qualifier: 'BF', icd9: true },
    ]);
    expect(claims[0]!.claim.lines.map((l) => [l.chargeCents, l.units])).toEqual([[4000, 1], [1500, 1], [3500, 1], [1000, 1]]);
  });

  it('lfh drug demo: 6 lines, RD8 ranges, LIN/CTP and 2420 rendering', async () => {
    const { claims } = await readAll(loadPublic('lfh_x222a2_demo.drug.example10.2.837'), 'x');
    const lines = claims[0]!.claim.lines;
    expect(lines.length).toBe(6);
    expect(lines[1]).toMatchObject({ procedure: 'S5001', chargeCents: 68250, units: 7, serviceDate: '2004-02-01', serviceDateEnd: '2004-02-07', drug: { ndc: '00004196501', ndcQualifier: 'N4', quantity: 7, unit: 'UN' } });
    expect(lines[1]!.drug!.doseMg).toBeUndefined();
  });

  it('anesthesia: minutes and four modifiers', async () => {
    const { claims } = await readAll(loadPublic('stupidedi_x222a1_anesthesia.edi'), 'x');
    expect(claims[0]!.claim.lines[0]).toMatchObject({ procedure: '00142', modifiers: ['QK', 'QS', 'P1'], unitBasis: 'MJ', units: 61, chargeCents: 82700 });
    expect(claims[0]!.claim.renderingNpi).toBe('5678912345');
  });

  it('COB: the subscriber and payer come from 2000B, not from the 2330 loops', async () => {
    const { claims } = await readAll(loadPublic('stupidedi_x222a1_COB-claim-from-billing-provider-to-payer-b.edi'), 'x');
    const claim = claims[0]!.claim;
    expect(claim.subscriber.memberId).toBe('222334444');
    expect(claim.patient).toMatchObject({ memberId: '222334444', firstName: 'TED' });
    expect(claim.payerName).toBe('GREAT PRAIRIES HEALTH');
    expect(claim.lines[0]!.pointers).toEqual([1, 2, 3, 4]);
  });

  it('imsweb different separators: read, with its problems reported', async () => {
    const name = 'imsweb_x12_valid_different_separators.txt';
    const { claims, problems } = await readAll(loadPublic(name), name, 113);
    expect(claims.map((c) => c.claim.claimId)).toEqual(['A37YH556', 'A37YH667']);
    expect(problemsOf(problems)).toEqual([
      ['X12_HL_NUMBER', `${name}: segment 27 (HL, byte 887): HL01 is "2", expected 3`],
      ['X12_HL_PARENT', `${name}: segment 27 (HL, byte 887): HL02 parent is "3", expected "1"`],
      ['X12_SE_COUNT', `${name}: segment 36 (SE, byte 1172): SE01 is "25" but there are 34 segments in the transaction`],
    ]);
    expect(problems.every((p) => p.envelope && !p.fatal)).toBe(true);
    expect(problemsOf(claims[0]!.claim.readProblems)).toEqual([
      ['X12_BAD_DIAGNOSIS', `${name}: segment 23 (HI): HI01 "BK" is not a qualifier^code composite`],
      ['X12_BAD_DIAGNOSIS', `${name}: segment 23 (HI): HI02 "8901" is not a qualifier^code composite`],
      ['X12_BAD_DIAGNOSIS', `${name}: segment 23 (HI): HI03 "BF" is not a qualifier^code composite`],
      ['X12_BAD_DIAGNOSIS', `${name}: segment 23 (HI): HI04 "87200" is not a qualifier^code composite`],
    ]);
    expect(claims[0]!.claim.diagnoses).toEqual([{ code: '5559', qualifier: 'BF', icd9: true }]);
    expect(claims[1]!.claim.lines[0]).toMatchObject({ procedure: '478331', modifiers: ['25'], pointers: [1, 2, 3], serviceDate: '2005-03-22', serviceDateEnd: '2005-03-25' });
  });

  it('imsweb many claims: all 820 claims come out, problems reported', async () => {
    const name = 'imsweb_x12_many_claims.txt';
    for (const size of [1, 65536]) {
      const { claims, problems } = await readAll(loadPublic(name), name, size);
      expect(claims.length).toBe(820);
      expect(new Set(claims.map((c) => c.claim.claimId))).toEqual(new Set(['A37YH556', 'A37YH667']));
      expect(problems.map((p) => p.code)).toEqual([...'NPNNNPNNNPNNNPPPPPPP'].map((c): string => (c === 'N' ? 'X12_HL_NUMBER' : 'X12_HL_PARENT')).concat(['X12_SE_COUNT', 'X12_HL_NUMBER', 'X12_HL_PARENT']));
      expect(problemsOf(problems.slice(-3))).toEqual([
        ['X12_SE_COUNT', `${name}: segment 11488 (SE, byte 329599): SE01 is "25" but there are 11486 segments in the transaction`],
        ['X12_HL_NUMBER', `${name}: 1218 more X12_HL_NUMBER problems like the ones above (1228 in all)`],
        ['X12_HL_PARENT', `${name}: 400 more X12_HL_PARENT problems like the ones above (410 in all)`],
      ]);
    }
  });
});

describe('readX12: synthetic files in every layout give the same claims', () => {
  it('same claims from ~, ~\\n, ~\\r\\n + BOM, newline terminator', async () => {
    const strip = (claims: Awaited<ReturnType<typeof readAll>>['claims']) =>
      claims.map((c) => ({ ...c.claim, source: undefined, lines: c.claim.lines.map((l) => ({ ...l, source: undefined })) }));
    const reference = strip((await readAll(loadSynth('spine-basic.837'), 'f')).claims);
    for (const name of ['spine-crlf-bom.edi', 'spine-one-line.edi', 'spine-newline-terminator.edi']) {
      const { claims, problems } = await readAll(loadSynth(name), 'f', 100);
      expect(problems, name).toEqual([]);
      expect(strip(claims), name).toEqual(reference);
    }
  });

  it('multi-interchange file: 8 claims, no problems', async () => {
    const { claims, problems } = await readAll(loadSynth('spine-multi-interchange.edi'), 'm');
    expect(problems).toEqual([]);
    expect(claims.length).toBe(8);
    expect(synthFiles().length).toBe(5);
  });
});

describe('readX12: damaged claims still come out, with readProblems', () => {
  const base = loadSynth('spine-basic.837').toString('latin1');
  const read = async (text: string) => readAll(Buffer.from(text, 'latin1'), 'bad.837', 113);

  it('non-numeric charge, bad date, short SV1, unknown qualifier', async () => {
    const text = base
      .replace('CLM*SYNCLM001*1162.75', 'CLM*SYNCLM001*11x2.75')
      .replace('SV1*HC:64484:RT*300.5*UN*1***1', 'SV1*HC:64484:RT')
      .replace('SV1*HC:J1040', 'SV1*ZZ:J1040')
      .replace('DTP*472*D8*20261102~\nLX*2', 'DTP*472*D8*20261332~\nLX*2')
      .replace('DTP*472*RD8*20261103-20261104', 'DTP*472*RD8*20261103')
      .replace('SV1*HC:62323*900*UN*1***1:2', 'SV1*HC:62323*900*UN*1***1: 2:13:0');
    const { claims, problems } = await read(text);
    expect(problems).toEqual([]);
    expect(claims.length).toBe(3);
    expect(problemsOf(claims[0]!.claim.readProblems)).toEqual([
      ['X12_BAD_AMOUNT', 'bad.837: segment 18 (CLM): CLM02 total charge "11x2.75" is not a decimal amount'],
      ['X12_BAD_DATE', 'bad.837: segment 24 (DTP): DTP03 "20261332" is not a valid D8 date (CCYYMMDD)'],
      ['X12_SHORT_SV1', 'bad.837: segment 26 (SV1): SV1 has 1 elements; it needs at least SV101 to SV104'],
      ['X12_UNKNOWN_QUALIFIER', 'bad.837: segment 29 (SV1): SV101-1 procedure qualifier "ZZ" is not HC, ER, IV or WK'],
    ]);
    expect(claims[0]!.claim.totalChargeCents).toBe(0);
    expect(problemsOf(claims[1]!.claim.readProblems)).toEqual([
      ['X12_BAD_DATE', 'bad.837: segment 38 (DTP): DTP03 "20261103" is not a valid RD8 range (CCYYMMDD-CCYYMMDD)'],
    ]);
    expect(problemsOf(claims[2]!.claim.readProblems)).toEqual([
      ['X12_BAD_POINTER', 'bad.837: segment 52 (SV1): SV107 diagnosis pointer " 2" is not a number from 1 to 12'],
      ['X12_BAD_POINTER', 'bad.837: segment 52 (SV1): SV107 diagnosis pointer "13" is not a number from 1 to 12'],
      ['X12_BAD_POINTER', 'bad.837: segment 52 (SV1): SV107 diagnosis pointer "0" is not a number from 1 to 12'],
    ]);
    expect(claims[2]!.claim.lines[0]!.pointers).toEqual([1]);
  });

  it('an element of 100 KB and more than 50 lines', async () => {
    const lines = Array.from({ length: 51 }, (_, i) => ({ code: '64483', charge: '10', units: '1', date: `202611${String((i % 28) + 1).padStart(2, '0')}` }));
    const text = buildInterchange({
      control: '9',
      groups: [{ control: '9', transactions: [{ control: '0001', subscribers: [{ memberId: 'SYN9', last: 'TESTPATIENT', first: 'X'.repeat(100 * 1024), dob: '19700101', sex: 'M', claims: [{ id: 'SYNBIG', diagnoses: ['M5416'], lines }] }] }] }],
    });
    const { claims, problems } = await read(text.replace('LX*51~\nSV1*HC:64483*10', `LX*51~\nSV1*HC:64483:${'Q'.repeat(100 * 1024)}*10`));
    expect(problems).toEqual([]);
    expect(claims.length).toBe(1);
    expect(claims[0]!.claim.lines.length).toBe(51);
    expect(problemsOf(claims[0]!.claim.readProblems)).toEqual([
      ['X12_ELEMENT_TOO_LONG', 'bad.837: segment 171 (SV1): SV101 is 102409 bytes long (limit 1000)'],
      ['X12_TOO_MANY_LINES', 'bad.837: segment 18 (CLM): claim has 51 service lines (an 837P claim allows 50)'],
      // The 100 KB first name of the subscriber (2010BA NM104: at most 35 characters in the guide).
      ['X12_ELEMENT_TOO_LONG', 'bad.837: segment 15 (NM1): NM104 is 102400 characters long (the 837P guide allows at most 35)'],
    ]);
  });
});

describe('readX12: file-level damage becomes FileProblems, never a crash or a lost claim', () => {
  const base = loadSynth('spine-basic.837').toString('latin1');
  const read = async (text: string, size = 113) => readAll(Buffer.from(text, 'latin1'), 'bad.837', size);

  it('wrong SE01, GE01, IEA01 and control numbers', async () => {
    const text = base.replace('SE*55*0001', 'SE*54*0002').replace('GE*1*1~', 'GE*2*7~').replace('IEA*1*000000001', 'IEA*3*000000002');
    const { claims, problems } = await read(text);
    expect(claims.length).toBe(3);
    expect(problemsOf(problems)).toEqual([
      ['X12_SE_COUNT', 'bad.837: segment 57 (SE, byte 1505): SE01 is "54" but there are 55 segments in the transaction'],
      ['X12_SE_CONTROL', 'bad.837: segment 57 (SE, byte 1505): SE02 "0002" does not match ST02 "0001" (segment 3)'],
      ['X12_GE_COUNT', 'bad.837: segment 58 (GE, byte 1517): GE01 is "2" but there are 1 transaction sets (ST) in the group'],
      ['X12_GE_CONTROL', 'bad.837: segment 58 (GE, byte 1517): GE02 "7" does not match GS06 "1" (segment 2)'],
      ['X12_IEA_COUNT', 'bad.837: segment 59 (IEA, byte 1525): IEA01 is "3" but there are 1 functional groups (GS) in the interchange'],
      ['X12_IEA_CONTROL', 'bad.837: segment 59 (IEA, byte 1525): IEA02 "000000002" does not match ISA13 "000000001" (segment 1)'],
    ]);
    expect(problems.every((p) => p.envelope && !p.fatal)).toBe(true);
  });

  it('missing SE and GE before the next header', async () => {
    const text = base.replace('SE*55*0001~\nGE*1*1~\n', '');
    const { claims, problems } = await read(text);
    expect(claims.length).toBe(3);
    expect(problemsOf(problems)).toEqual([['X12_MISSING_SE', 'bad.837: segment 57 (IEA, byte 1505): SE, GE missing before this IEA']]);
  });

  it('truncated file: the claims before the cut come out', async () => {
    const text = base.slice(0, base.indexOf('HI*ABK:M5126') + 5);
    const { claims, problems } = await read(text);
    expect(claims.map((c) => c.claim.claimId)).toEqual(['SYNCLM001', 'SYNCLM002', 'SYNCLM003']);
    expect(problemsOf(problems)).toEqual([
      ['X12_TRUNCATED', 'bad.837: byte 1356 (segment 50): segment HI has no terminator: the file is truncated; the cut segment is dropped'],
      ['X12_TRUNCATED', 'bad.837: segment 50 (HI, byte 1356): the file ends without SE, GE, IEA: it is truncated'],
    ]);
  });

  it('no ISA: a fatal problem and no claims', async () => {
    const { claims, problems } = await read('claim_id,code\nA1,64483\n');
    expect(claims).toEqual([]);
    expect(problemsOf(problems)).toEqual([['X12_NO_ISA', 'bad.837: byte 0 (segment 1): no ISA segment found']]);
    expect(problems[0]!.fatal).toBe(true);
  });

  it('an empty file: a fatal problem', async () => {
    const { problems } = await read('');
    expect(problemsOf(problems)).toEqual([['X12_NO_ISA', 'bad.837: end of file: no ISA segment: this is not an X12 interchange']]);
  });

  it('a malformed ISA before a good interchange', async () => {
    const { claims, problems } = await read(`ISA*00*short*:A\n${base}`, 7);
    expect(claims.length).toBe(3);
    expect(problemsOf(problems)).toEqual([
      ['X12_BAD_ISA', 'bad.837: byte 0 (segment 1): ISA segment is malformed: delimiters cannot be read'],
      ['X12_GARBAGE', 'bad.837: byte 0 (segment 1): 16 unexpected bytes before the ISA'],
    ]);
  });

  it('a file cut inside its ISA: fatal', async () => {
    const { claims, problems } = await read(base.slice(0, 60), 7);
    expect(claims).toEqual([]);
    expect(problemsOf(problems)).toEqual([['X12_TRUNCATED', 'bad.837: byte 0 (segment 1): the ISA segment is incomplete: the file is truncated']]);
    expect(problems[0]!.fatal).toBe(true);
  });

  it('a missing IEA between two interchanges', async () => {
    const { claims, problems } = await read(base.replace('IEA*1*000000001~\n', '') + base, 64);
    expect(claims.length).toBe(6);
    // The second ISA opens an interchange inside the first (nested, or the first's IEA missing): both are read.
    expect(problemsOf(problems)).toEqual([
      ['X12_NESTED_ISA', 'bad.837: segment 59 (ISA, byte 1525): an ISA inside the interchange opened at segment 1 (a nested interchange, or IEA missing before it): every claim of both is held'],
      ['X12_TRUNCATED', 'bad.837: segment 117 (IEA, byte 3050): the file ends without IEA: it is truncated'],
    ]);
  });

  it('garbage lines inside the transaction', async () => {
    const text = base.replace('LX*2~\n', 'LX*2~\n@@@ garbage @@@\n');
    const { claims, problems } = await read(text);
    expect(claims.length).toBe(3);
    expect(problemsOf(problems)).toEqual([
      ['X12_GARBAGE', 'bad.837: segment 26 (not a tag, byte 791): the segment does not start with a segment tag'],
    ]);
  });

  it('an empty segment (two terminators in a row) inside a claim: garbage, named, and its bytes kept in the claim', async () => {
    const text = base.replace('LX*2~\n', 'LX*2~\n~\n');
    for (const size of [1, 113, 65536]) {
      const { claims, problems } = await read(text, size);
      expect(claims.length).toBe(3);
      expect(problemsOf(problems)).toEqual([
        ['X12_GARBAGE', 'bad.837: segment 26 ((no tag), byte 791): an empty segment (two segment terminators in a row)'],
        // The count the transaction's SE is checked against includes it (it is written back too).
        ['X12_SE_COUNT', 'bad.837: segment 58 (SE, byte 1507): SE01 is "55" but there are 56 segments in the transaction'],
      ]);
      expect((claims[0]!.raw as { segments: { raw: string }[] }).segments.map((segment) => segment.raw)).toContain('~\n');
    }
  });
});

describe('readX12: claims() as an iterator', () => {
  it('stops reading the input when the caller stops early, and can be iterated only once', async () => {
    const { readX12 } = await import('../../src/x12/reader.js');
    const data = loadSynth('spine-multi-interchange.edi');
    let chunksRead = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for (let at = 0; at < data.length; at += 64) {
          chunksRead++;
          yield data.subarray(at, at + 64);
        }
      } finally {
        closed = true;
      }
    }
    const reader = readX12(source(), 'early.837');
    const ids: string[] = [];
    for await (const read of reader.claims()) {
      ids.push(read.claim.claimId);
      if (ids.length === 2) break;
    }
    expect(ids).toEqual(['SYNC01', 'SYNC02']);
    expect(closed).toBe(true);
    expect(chunksRead).toBeLessThan(Math.ceil(data.length / 64));
    await expect(reader.claims().next()).rejects.toThrow('readX12: claims() can be iterated only once');
  });

  it('hands out every claim in order to a caller that does not wait between next() calls', async () => {
    const { readX12 } = await import('../../src/x12/reader.js');
    const data = loadSynth('spine-multi-interchange.edi');
    const expected = (await readAll(data, 'm', 100)).claims.map((c) => c.claim.claimId);
    const claims = readX12(chunked(data, 100), 'm').claims();
    const results = await Promise.all(Array.from({ length: expected.length + 2 }, () => claims.next()));
    expect(results.map((r) => (r.done === true ? 'done' : r.value.claim.claimId))).toEqual([...expected, 'done', 'done']);
  });
  it('takeReady hands out the claims already read without a promise, next() the rest, in order', async () => {
    const { readX12 } = await import('../../src/x12/reader.js');
    const data = loadPublic('imsweb_x12_many_claims.txt');
    const expected = (await readAll(data, 'm', 4096)).claims.map((c) => c.claim.source.segment);
    const claims = readX12(chunked(data, 4096), 'm').claims() as AsyncGenerator<ReadClaim> & ReadyClaims;
    expect(claims.takeReady()).toBeUndefined(); // nothing read yet
    const ids: (number | undefined)[] = [];
    let taken = 0;
    for (;;) {
      const ready = claims.takeReady();
      if (ready !== undefined) {
        taken++;
        ids.push(ready.claim.source.segment);
        continue;
      }
      const step = await claims.next();
      if (step.done === true) break;
      ids.push(step.value.claim.source.segment);
    }
    expect(expected.length).toBe(820);
    expect(ids).toEqual(expected);
    // Most claims came without a promise: one next() per chunk that completed claims.
    expect(taken).toBeGreaterThan(expected.length / 2);
    expect(claims.takeReady()).toBeUndefined();
    expect(await claims.next()).toEqual({ value: undefined, done: true });
  });
});

describe('readX12: an input stream that fails', () => {
  it('yields the claims read before the failure and reports a fatal X12_READ_ERROR', async () => {
    const { readX12 } = await import('../../src/x12/reader.js');
    const data = loadSynth('spine-basic.837');
    const cut = data.indexOf('HL*3*1*22*1');
    async function* failing(): AsyncGenerator<Buffer> {
      yield data.subarray(0, cut);
      throw new Error('EIO: i/o error, read');
    }
    const reader = readX12(failing(), 'fail.837');
    const ids: string[] = [];
    for await (const read of reader.claims()) ids.push(read.claim.claimId);
    expect(ids).toEqual(['SYNCLM001', 'SYNCLM002']);
    expect(problemsOf(reader.problems)).toEqual([
      ['X12_TRUNCATED', 'fail.837: segment 39 (NM1, byte 1078): the file ends without SE, GE, IEA: it is truncated'],
      ['X12_READ_ERROR', `fail.837: reading failed after byte ${cut}: EIO: i/o error, read`],
    ]);
    expect(reader.problems.at(-1)!.fatal).toBe(true);
  });
});

describe('readX12: claims and problems do not depend on the chunking', () => {
  const cases: [string, Buffer][] = [
    ['spine-multi-interchange.edi', loadSynth('spine-multi-interchange.edi')],
    ['spine-crlf-bom.edi', loadSynth('spine-crlf-bom.edi')],
    ['imsweb_x12_valid_different_separators.txt', loadPublic('imsweb_x12_valid_different_separators.txt')],
    ['lfh_x222a2_demo.drug.example10.2.837', loadPublic('lfh_x222a2_demo.drug.example10.2.837')],
  ];
  for (const [name, data] of cases) {
    it(name, async () => {
      const terminator = name.startsWith('imsweb') ? '_' : '~';
      const cuts: number[] = [];
      for (let i = data.indexOf(terminator); i >= 0; i = data.indexOf(terminator, i + 1)) cuts.push(i + 1);
      const reference = await readAll(data, name, data.length);
      const snapshot = (r: typeof reference) => JSON.stringify({ claims: r.claims.map((c) => c.claim), problems: r.problems });
      for (const size of [1, 100, 113, 500, 64 * 1024, cuts]) {
        expect(snapshot(await readAll(data, name, size))).toBe(snapshot(reference));
      }
    });
  }
});

describe('readX12: claims and HL loops kept as text ranges give back the segments the tokenizer read', () => {
  const summary = (seg: Segment) => [seg.ordinal, seg.byteOffset, seg.tag, seg.raw, seg.start, seg.end, seg.terminated, seg.body];
  const files: [string, Buffer][] = [...publicFiles().map((name): [string, Buffer] => [name, loadPublic(name)]), ...synthFiles().map((name): [string, Buffer] => [name, loadSynth(name)])];
  for (const [name, data] of files) {
    it(name, async () => {
      const byOrdinal = new Map<number, unknown[]>();
      for await (const batch of tokenize(chunked(data, data.length))) for (const seg of batch) byOrdinal.set(seg.ordinal, summary(seg));
      for (const size of [100, 64 * 1024]) {
        const { claims } = await readAll(data, name, size);
        let ranges = 0;
        const loops = new Set<HlLoop>();
        for (const { raw } of claims) {
          const claim = raw as X12RawClaim;
          if (claim.text !== undefined) ranges++;
          const segments = claim.segments;
          expect(segments.length).toBe(claim.segmentCount);
          expect(segments.map(summary)).toEqual(segments.map((seg) => byOrdinal.get(seg.ordinal)));
          expect(segments[0]!.tag).toBe('CLM');
          // Consecutive ordinals: no segment of the claim went missing.
          expect(segments.map((seg) => seg.ordinal - segments[0]!.ordinal)).toEqual(segments.map((_, i) => i));
          expect(claim.lineStarts).toEqual(segments.flatMap((seg, i) => (seg.tag === 'LX' ? [i] : [])));
          for (const loop of [claim.hl20, claim.hl22, claim.hl23]) if (loop !== undefined) loops.add(loop);
        }
        // Whole files in one chunk: every claim lies in one text (at 100 bytes most are cut by a chunk boundary and copied).
        if (size > data.length) expect(ranges).toBe(claims.length);
        for (const loop of loops) {
          const segments = loop.segments;
          expect(segments.length).toBe(loop.segmentCount);
          expect(segments[0]).toBe(loop.hl);
          expect(segments.map(summary)).toEqual(segments.map((seg) => byOrdinal.get(seg.ordinal)));
        }
      }
    });
  }
});

describe('hasControlByte (the word-at-a-time chunk check)', () => {
  const REGEX = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
  it('agrees with the control-byte regex on every byte value at every alignment', () => {
    const backing = Buffer.alloc(64, 0x41);
    for (let code = 0; code < 256; code++) {
      for (let offset = 0; offset < 8; offset++) {
        for (let at = 0; at < 12; at++) {
          const view = backing.subarray(offset, offset + 13);
          view.fill(0x41);
          view[at] = code;
          expect(hasControlByte(view), `byte 0x${code.toString(16)} at ${at}, offset ${offset}`).toBe(REGEX.test(view.toString('latin1')));
        }
      }
    }
  });
  it('agrees with the regex on random text around tabs, line endings, DEL and high bytes', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = [0x09, 0x0a, 0x0d, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0xff, 0x1f, 0x00, 0x2a, 0x7e];
    let positives = 0;
    for (let round = 0; round < 2000; round++) {
      const length = random(40);
      const bytes = Buffer.alloc(length + 3);
      for (let i = 0; i < bytes.length; i++) bytes[i] = random(10) < 8 ? alphabet[random(5)]! : alphabet[random(alphabet.length)]!;
      const view = bytes.subarray(random(4)).subarray(0, length);
      const expected = REGEX.test(view.toString('latin1'));
      if (expected) positives++;
      expect(hasControlByte(view)).toBe(expected);
    }
    expect(positives).toBeGreaterThan(200);
    expect(positives).toBeLessThan(1800);
  });
});
