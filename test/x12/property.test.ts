import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { X12Tokenizer, tokenize } from '../../src/x12/tokenizer.js';
import { chunked, roundTrip } from './helpers.js';
import { type SynthDelimiters, type SynthInterchange, type SynthSubscriber, buildInterchange } from './synth.js';

const DELIMITER_CHARS = ['*', '|', '~', '^', ':', '>', '!', '{', '}', '_', '+', '\\', '`'];

const delimitersArb: fc.Arbitrary<SynthDelimiters> = fc.oneof(
  fc
    .shuffledSubarray(DELIMITER_CHARS, { minLength: 4, maxLength: 4 })
    .chain(([element, repetition, component, terminator]) =>
      fc.constantFrom('', '\n', '\r\n').map((eol) => ({ element: element!, repetition: repetition!, component: component!, terminator: terminator!, eol })),
    ),
  fc.constant({ element: '*', repetition: '^', component: ':', terminator: '\n', eol: '' }),
);

const word = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Z][A-Z0-9]{${min - 1},${max - 1}}$`));
const nameArb = fc.oneof(word(2, 12), fc.constantFrom('TÉST', 'MÜLLER', 'ÅSA😀', 'O BRIEN'));
const money = fc.tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 99 })).map(([w, c]) => (c === 0 ? String(w) : `${w}.${String(c).padStart(2, '0')}`));
const dateArb = fc.date({ min: new Date('2020-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

const lineArb = fc.record({
  code: fc.constantFrom('64483', '64484', '64493', '64494', '64635', '62323', '77003', 'J1040', '99213'),
  modifiers: fc.subarray(['RT', 'LT', '50', '26', 'XU', 'KX'], { maxLength: 4 }),
  charge: money,
  units: fc.constantFrom('1', '2', '1.5', '3.00'),
  pointers: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
  date: dateArb,
});

const subscriberArb: fc.Arbitrary<SynthSubscriber> = fc.record({
  memberId: word(4, 10),
  last: nameArb,
  first: nameArb,
  dob: dateArb,
  sex: fc.constantFrom('F', 'M', 'U'),
  patient: fc.option(fc.record({ last: nameArb, first: nameArb, dob: dateArb, sex: fc.constantFrom('F', 'M') }), { nil: undefined }),
  claims: fc.array(
    fc.record({ id: word(3, 15), diagnoses: fc.array(fc.constantFrom('M5416', 'M47816', 'G8929', 'M545'), { minLength: 1, maxLength: 3 }), lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }) }),
    { minLength: 1, maxLength: 3 },
  ),
}).map((s) => (s.patient === undefined ? { ...s, patient: undefined } : s));

const interchangeArb: fc.Arbitrary<SynthInterchange> = fc.record({
  control: fc.integer({ min: 1, max: 999999999 }).map(String),
  delimiters: delimitersArb,
  groups: fc.array(
    fc.record({
      control: fc.integer({ min: 1, max: 99999 }).map(String),
      transactions: fc.array(fc.record({ control: fc.integer({ min: 1, max: 9999 }).map((n) => String(n).padStart(4, '0')), subscribers: fc.array(subscriberArb, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});

const fileArb = fc.tuple(
  fc.boolean(),
  fc.array(interchangeArb, { minLength: 1, maxLength: 2 }),
  fc.constantFrom('', '\n', '\r\n\r\n'),
).map(([bom, interchanges, trailer]) => Buffer.from((bom ? '\ufeff' : '') + interchanges.map(buildInterchange).join('') + trailer, 'utf8'));

const cutsArb = (length: number) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 40 }).map((cuts) => cuts.sort((a, b) => a - b));

describe('property: tokenize → write is the identity', () => {
  it('for random valid content and random chunkings', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb.chain((data) => fc.tuple(fc.constant(data), cutsArb(data.length))), async ([data, cuts]) => {
        const tokenizer = new X12Tokenizer();
        const raws: string[] = [];
        for await (const batch of tokenize(chunked(data, cuts), tokenizer)) for (const seg of batch) raws.push(seg.raw);
        expect(tokenizer.notes).toEqual([]);
        expect(Buffer.from(raws.join(''), 'latin1').equals(data)).toBe(true);
        const out = await roundTrip(data, 'prop.837', undefined, cuts);
        expect(out.equals(data)).toBe(true);
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});

describe('property: changed and split claims always give valid interchanges', () => {
  it('random edits, random split between two writers: node-x12 accepts both, no claim lost, edits read back', async () => {
    const { readX12 } = await import('../../src/x12/reader.js');
    const { memoryWriter, oracleParse, readAll } = await import('./helpers.js');
    const editArb = fc.record({
      heldMask: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
      edits: fc.array(fc.constantFrom('none', 'code', 'units', 'modifiers', 'remove-line', 'add-line', 'remove-dx', 'total'), { minLength: 20, maxLength: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(interchangeArb, editArb, async (spec, { heldMask, edits }) => {
        const data = Buffer.from(buildInterchange(spec), 'utf8');
        const ready = memoryWriter();
        const held = memoryWriter();
        const expected: string[] = [];
        let index = 0;
        for await (const read of readX12(chunked(data, 97), 'p').claims()) {
          const edit = edits[index % 20]!;
          const target = heldMask[index % 20] ? held : ready;
          index++;
          const next = structuredClone(read.claim);
          if (edit === 'code') next.lines[0]!.procedure = '64490';
          if (edit === 'units') next.lines[0]!.units = 2;
          if (edit === 'modifiers') next.lines[0]!.modifiers = ['59', 'XS', 'RT', 'LT'];
          if (edit === 'remove-line' && next.lines.length > 1) next.lines.pop();
          if (edit === 'add-line') next.lines.splice(1, 0, { ...structuredClone(next.lines[0]!), key: `${next.lines[0]!.key}+1`, procedure: '77003' });
          if (edit === 'remove-dx' && next.diagnoses.length > 1) next.diagnoses.shift();
          if (edit === 'total') next.totalChargeCents += 101;
          await target.writer.write(read, next, edit !== 'none');
          expected.push(`${read.claim.claimId}:${next.lines.map((l) => `${l.procedure}/${l.units}/${l.modifiers.join('.')}`).join(',')}:${next.diagnoses.length}:${next.totalChargeCents}`);
        }
        await ready.writer.close();
        await held.writer.close();
        const got: string[] = [];
        for (const out of [ready.bytes(), held.bytes()]) {
          if (out.length === 0) continue;
          oracleParse(out);
          const back = await readAll(out, 'o');
          expect(back.problems).toEqual([]);
          for (const c of back.claims) got.push(`${c.claim.claimId}:${c.claim.lines.map((l) => `${l.procedure}/${l.units}/${l.modifiers.join('.')}`).join(',')}:${c.claim.diagnoses.length}:${c.claim.totalChargeCents}`);
        }
        expect(got.sort()).toEqual(expected.sort());
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
