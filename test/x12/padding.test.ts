/**
 * Padding after the last IEA: real 837 files sometimes end with Ctrl-Z (0x1A, DOS end of file), NUL bytes, a stray
 * byte-order mark or blank lines after IEA~. The reader accepts exactly those bytes there (no problem), and the writer keeps them after
 * that IEA, so an unchanged padded file still round-trips byte for byte. Anything else after the IEA, and the
 * same bytes anywhere else, stay X12_GARBAGE naming the file and the byte offset.
 */
import { describe, expect, it } from 'vitest';
import { X12Tokenizer, type Segment, tokenize } from '../../src/x12/tokenizer.js';
import { BROKEN_PUBLIC, chunked, loadPublic, loadSynth, memoryWriter, publicFiles, readAll, roundTrip, synthFiles } from './helpers.js';

const basic = loadSynth('spine-basic.837');
const padded = (data: Buffer, padding: string): Buffer => Buffer.concat([data, Buffer.from(padding, 'latin1')]);
const problemsOf = (list: { code: string; message: string }[]) => list.map((p) => [p.code, p.message]);

const PADDINGS: [string, string][] = [
  ['one Ctrl-Z', '\x1a'],
  ['Ctrl-Z then a line ending', '\x1a\r\n'],
  ['NUL bytes to a 128-byte block', '\x00'.repeat(128 - (basic.length % 128))],
  ['spaces, NULs, Ctrl-Z and blank lines mixed', '\x00\x00  \x1a\n\n\x1a\x00'],
  // An empty UTF-8 file's byte-order mark, left behind when files are concatenated.
  ['a byte-order mark', '\xef\xbb\xbf'],
  ['a byte-order mark, a line ending and a Ctrl-Z', '\xef\xbb\xbf\r\n\x1a'],
];

async function segmentsOf(data: Buffer, size: number): Promise<{ segments: Segment[]; notes: X12Tokenizer['notes'] }> {
  const tokenizer = new X12Tokenizer();
  const segments: Segment[] = [];
  for await (const batch of tokenize(chunked(data, size), tokenizer)) segments.push(...batch);
  return { segments, notes: tokenizer.notes };
}

describe('padding after the last IEA is accepted and kept', () => {
  for (const [what, padding] of PADDINGS) {
    it(`${what}: no problem, the same claims, byte-identical when written unchanged`, async () => {
      const data = padded(basic, padding);
      for (const size of [1, 113, 65536]) {
        const { segments, notes } = await segmentsOf(data, size);
        expect(notes).toEqual([]);
        // The IEA keeps its line ending; the padding (from the first byte that is not whitespace) follows it.
        expect(segments.at(-2)!.raw).toBe('IEA*1*000000001~\n');
        expect([segments.at(-1)!.tag, segments.at(-1)!.raw]).toEqual(['', padding]);

        const read = await readAll(data, 'padded.837', size);
        expect(read.problems).toEqual([]);
        expect(read.claims.map((c) => c.claim.claimId)).toEqual(['SYNCLM001', 'SYNCLM002', 'SYNCLM003']);
        const out = await roundTrip(data, 'padded.837', undefined, size);
        expect(out.toString('latin1'), `chunk size ${size}`).toBe(data.toString('latin1'));
      }
    });
  }

  it('whitespace alone after the IEA stays the IEA suffix (as before)', async () => {
    const data = padded(basic, '\n\n  \n');
    const { segments, notes } = await segmentsOf(data, 7);
    expect(notes).toEqual([]);
    expect(segments.at(-1)!.raw).toBe('IEA*1*000000001~\n\n\n  \n');
    expect((await roundTrip(data, 'ws.837')).equals(data)).toBe(true);
  });

  const valid = [
    ...publicFiles().filter((f) => !BROKEN_PUBLIC.includes(f)).map((f): [string, Buffer] => [f, loadPublic(f)]),
    ...synthFiles().map((f): [string, Buffer] => [f, loadSynth(f)]),
  ];
  for (const [name, data] of valid) {
    it(`${name} + Ctrl-Z and NULs round-trips byte for byte`, async () => {
      const input = padded(data, '\x1a\x00\x00\x00');
      const read = await readAll(input, name, 100);
      expect(read.problems).toEqual([]);
      expect((await roundTrip(input, name, undefined, 100)).equals(input)).toBe(true);
    });
  }

  it('every output that ends with the padded interchange ends with the padding (a ready/held split)', async () => {
    const data = padded(basic, '\x1a');
    const reader = (await readAll(data, 'padded.837')).claims;
    const ready = memoryWriter();
    const held = memoryWriter();
    for (const read of reader) await (read.claim.claimId === 'SYNCLM002' ? held : ready).writer.write(read, read.claim, false);
    await ready.writer.close();
    await held.writer.close();
    expect(ready.bytes().toString('latin1').endsWith('DTP*472*D8*20261105~\nSE*48*0001~\nGE*1*1~\nIEA*1*000000001~\n\x1a')).toBe(true);
    expect(held.bytes().toString('latin1').endsWith('*1999999976~\nSE*23*0001~\nGE*1*1~\nIEA*1*000000001~\n\x1a')).toBe(true);
  });

  it('a changed claim in a padded file: the padding still follows the IEA', async () => {
    const data = padded(basic, '\x1a');
    const out = await roundTrip(data, 'padded.837', (claim) => (claim.claimId === 'SYNCLM003' ? { ...claim, placeOfService: '11' } : undefined));
    const text = out.toString('latin1');
    expect(text).toContain('CLM*SYNCLM003*');
    expect(text.endsWith('IEA*1*000000001~\n\x1a')).toBe(true);
  });

  it('padding after the last of several interchanges', async () => {
    const data = padded(loadSynth('spine-multi-interchange.edi'), '\x1a');
    expect((await readAll(data, 'multi.edi')).problems).toEqual([]);
    expect((await roundTrip(data, 'multi.edi', undefined, 113)).equals(data)).toBe(true);
  });
});

describe('anything else after the IEA, or the padding bytes elsewhere, stays an error', () => {
  it('text after the padding: X12_GARBAGE at the byte where the text after the IEA starts', async () => {
    const data = padded(basic, '\x1aEXTRA');
    const { problems } = await readAll(data, 'junk.837', 113);
    expect(problemsOf(problems)).toEqual([
      ['X12_GARBAGE', `junk.837: byte ${basic.length} (segment 60): unexpected text after the last IEA`],
    ]);
  });

  it('Ctrl-Z between two interchanges: bytes before the ISA', async () => {
    const data = Buffer.concat([basic, Buffer.from('\x1a'), basic]);
    const { problems } = await readAll(data, 'twice.837');
    expect(problemsOf(problems)).toEqual([['X12_GARBAGE', `twice.837: byte ${basic.length} (segment 60): 1 unexpected bytes before the ISA`]]);
  });

  it('Ctrl-Z inside a segment: a control byte', async () => {
    const data = Buffer.from(basic.toString('latin1').replace('CLM*SYNCLM001*', 'CLM*SYNCLM001\x1a*'), 'latin1');
    const { problems } = await readAll(data, 'inside.837');
    expect(problems.map((p) => p.code)).toEqual(['X12_GARBAGE']);
    expect(problems[0]!.message).toMatch(/^inside\.837: segment 18 \(CLM, byte 600\): control byte 0x1a at byte 613: not X12 data$/);
  });

  it('a file truncated inside its IEA stays truncated (NULs after it do not hide it)', async () => {
    const data = padded(basic.subarray(0, basic.length - 4), '\x00\x00');
    const { problems } = await readAll(data, 'cut.837');
    expect(problems.map((p) => p.code)).toContain('X12_TRUNCATED');
  });
});
