import { describe, expect, it } from 'vitest';
import { X12Tokenizer, type Segment, tokenize } from '../../src/x12/tokenizer.js';
import { chunked, loadPublic, loadSynth, publicFiles, synthFiles } from './helpers.js';

async function segmentsOf(data: Buffer, size: number | number[]): Promise<{ segments: Segment[]; notes: X12Tokenizer['notes'] }> {
  const tokenizer = new X12Tokenizer();
  const segments: Segment[] = [];
  for await (const batch of tokenize(chunked(data, size), tokenizer)) segments.push(...batch);
  return { segments, notes: tokenizer.notes };
}

const summary = (segments: Segment[]) => segments.map((s) => [s.ordinal, s.byteOffset, s.tag, s.raw, s.start, s.end, s.terminated]);

/** Cut points right after every segment terminator (chunks that end exactly on a terminator). */
function terminatorCuts(data: Buffer, terminator: number): number[] {
  const cuts: number[] = [];
  for (let i = data.indexOf(terminator); i >= 0; i = data.indexOf(terminator, i + 1)) cuts.push(i + 1);
  return cuts;
}

const files: [string, Buffer][] = [
  ...publicFiles().map((f): [string, Buffer] => [f, loadPublic(f)]),
  ...synthFiles().map((f): [string, Buffer] => [f, loadSynth(f)]),
];

describe('tokenizer: every byte is kept, whatever the chunking', () => {
  for (const [name, data] of files) {
    it(name, async () => {
      const whole = await segmentsOf(data, data.length);
      expect(Buffer.from(whole.segments.map((s) => s.raw).join(''), 'latin1').equals(data)).toBe(true);
      expect(whole.segments[0]!.tag).toBe('ISA');
      expect(whole.segments.at(-1)!.tag).toBe('IEA');
      expect(whole.notes).toEqual([]);
      const terminator = whole.segments[0]!.delimiters.terminator.charCodeAt(0);
      for (const size of [1, 100, 113, 500, 64 * 1024, terminatorCuts(data, terminator)]) {
        const chunkedRun = await segmentsOf(data, size);
        expect(summary(chunkedRun.segments), `chunk size ${Array.isArray(size) ? 'terminator cuts' : size}`).toEqual(summary(whole.segments));
      }
    });
  }
});

describe('tokenizer: delimiters come from each ISA', () => {
  it('reads ~ as element separator, _ as terminator, ^ as component, U as no repetition separator', async () => {
    const { segments } = await segmentsOf(loadPublic('imsweb_x12_valid_different_separators.txt'), 100);
    expect(segments[0]!.delimiters).toEqual({ element: '~', repetition: undefined, component: '^', terminator: '_' });
    const sv1 = segments.find((s) => s.tag === 'SV1')!;
    expect(sv1.elements).toEqual(['SV1', 'HC^99211^25', '12.25', 'UN', '1', '11', '', '1', '', 'Y']);
    expect(sv1.components(1)).toEqual(['HC', '99211', '25']);
    expect(sv1.suffix).toBe('\n');
    expect(segments.length).toBe(38);
    expect(segments.at(-1)!.suffix).toBe('\n\n\n\n\n\n\n\n');
  });

  it('re-reads the delimiters at every ISA of a multi-interchange file', async () => {
    const { segments } = await segmentsOf(loadSynth('spine-multi-interchange.edi'), 113);
    const isas = segments.filter((s) => s.tag === 'ISA');
    expect(isas.map((s) => [s.delimiters.element, s.delimiters.component, s.delimiters.terminator, s.delimiters.repetition, s.suffix])).toEqual([
      ['*', ':', '~', '^', '\n'],
      ['|', '>', '!', '{', '\r\n'],
      ['*', ':', '~', '^', ''],
    ]);
    expect(segments.filter((s) => s.tag === 'ST').length).toBe(5);
    expect(segments.filter((s) => s.tag === 'CLM').map((s) => s.el(1))).toEqual(['SYNC01', 'SYNC02', 'SYNC03', 'SYNC04', 'SYNCLM001', 'SYNCLM002', 'SYNCLM003', 'SYNC05']);
  });

  it('handles a newline as the segment terminator', async () => {
    const { segments } = await segmentsOf(loadSynth('spine-newline-terminator.edi'), 7);
    expect(segments[0]!.delimiters.terminator).toBe('\n');
    expect(segments[1]!.raw).toBe('GS*HC*SYNTHSENDER*SYNTHRECEIVER*20261127*1200*1*X*005010X222A1\n');
    expect(segments.filter((s) => s.tag === 'CLM').length).toBe(3);
  });

  it('keeps a BOM as the prefix of the first ISA and trailing blank lines in the last suffix', async () => {
    const data = loadSynth('spine-crlf-bom.edi');
    const { segments } = await segmentsOf(data, 1);
    expect(segments[0]!.start).toBe(3);
    expect(segments[0]!.byteOffset).toBe(3);
    expect(segments[0]!.raw.slice(0, 3)).toBe('\u00ef\u00bb\u00bf');
    expect(segments[1]!.byteOffset).toBe(3 + 108);
    expect(segments.at(-1)!.suffix).toBe('\r\n\r\n\r\n');
  });

  it('decodes multi-byte UTF-8 split across chunks', async () => {
    const text = loadSynth('spine-basic.837').toString('utf8').replace('TESTPATIENT*ALPHA', 'TÉSTPÄTIENT*ÅLPHA😀');
    const data = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 113]) {
      const { segments } = await segmentsOf(data, size);
      const nm1 = segments.find((s) => s.tag === 'NM1' && s.el(1) === 'IL')!;
      expect(nm1.el(3)).toBe('TÉSTPÄTIENT');
      expect(nm1.el(4)).toBe('ÅLPHA😀');
      expect(Buffer.from(segments.map((s) => s.raw).join(''), 'latin1').equals(data)).toBe(true);
    }
  });
});

describe('tokenizer: damaged input', () => {
  const basic = loadSynth('spine-basic.837');

  it('reports bytes before the ISA and keeps them', async () => {
    const data = Buffer.concat([Buffer.from('HELLO\n'), basic]);
    const { segments, notes } = await segmentsOf(data, 100);
    expect(notes).toEqual([{ code: 'X12_GARBAGE', byteOffset: 0, segment: 1, detail: '6 unexpected bytes before the ISA' }]);
    expect(segments[0]!.raw.slice(0, 6)).toBe('HELLO\n');
    expect(Buffer.from(segments.map((s) => s.raw).join(''), 'latin1').equals(data)).toBe(true);
  });

  it('reports text after the last IEA', async () => {
    const data = Buffer.concat([basic, Buffer.from('trailing junk')]);
    const { segments, notes } = await segmentsOf(data, 500);
    expect(notes).toEqual([{ code: 'X12_GARBAGE', byteOffset: basic.length, segment: 60, detail: 'unexpected text after the last IEA' }]);
    expect(segments.at(-1)!.tag).toBe('');
    expect(Buffer.from(segments.map((s) => s.raw).join(''), 'latin1').equals(data)).toBe(true);
  });

  it('reports a file with no ISA', async () => {
    const { segments, notes } = await segmentsOf(Buffer.from('name,claim\nA,1\n'), 4);
    expect(notes).toEqual([{ code: 'X12_NO_ISA', byteOffset: 0, segment: 1, detail: 'no ISA segment found' }]);
    expect(segments.length).toBe(1);
  });

  it('reports a truncated last segment', async () => {
    const data = basic.subarray(0, basic.indexOf('SV1*HC:62323') + 10);
    const { segments, notes } = await segmentsOf(data, 113);
    expect(notes).toEqual([{ code: 'X12_TRUNCATED', byteOffset: data.length - 10, segment: 52, detail: 'segment SV1 has no terminator: the file is truncated; the cut segment is dropped' }]);
    expect(segments.at(-1)!.terminated).toBe(false);
    expect(Buffer.from(segments.map((s) => s.raw).join(''), 'latin1').equals(data)).toBe(true);
  });

  it('keeps a 100 KB element whole with 1-byte chunks (no quadratic re-scan)', async () => {
    const big = 'X'.repeat(100 * 1024);
    const data = Buffer.from(basic.toString('latin1').replace('SYNCLM001', big), 'latin1');
    const started = performance.now();
    const { segments } = await segmentsOf(data, 1);
    expect(segments.find((s) => s.tag === 'CLM')!.el(1)).toBe(big);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('Segment element access', () => {
  it('el, elementCount, components and firstIs agree with a plain split', async () => {
    const data = Buffer.from('ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*^*00501*000000001*0*T*:~NM1*823*1*X~NM1*82~DTP*472*D8*20261102~SV1*HC:64483:RT*850*UN*1***1:2~IEA*0*000000001~', 'latin1');
    const { segments } = await segmentsOf(data, 13);
    const [, nm1a, nm1b, dtp, sv1] = segments;
    expect([nm1a!.firstIs('82'), nm1a!.firstIs('823'), nm1b!.firstIs('82'), nm1b!.firstIs('8'), dtp!.firstIs('472')]).toEqual([false, true, true, false, true]);
    expect([sv1!.el(0), sv1!.el(2), sv1!.el(7), sv1!.el(8), sv1!.elementCount]).toEqual(['SV1', '850', '1:2', '', 8]);
    expect([sv1!.el(7), sv1!.el(2), sv1!.el(0), sv1!.el(3), sv1!.el(3), sv1!.el(1), sv1!.el(9)]).toEqual(['1:2', '850', 'SV1', 'UN', 'UN', 'HC:64483:RT', '']);
    expect(sv1!.components(1)).toEqual(['HC', '64483', 'RT']);
    expect(sv1!.elements).toEqual('SV1*HC:64483:RT*850*UN*1***1:2'.split('*'));
    expect([nm1b!.el(1), nm1b!.el(2), nm1b!.elementCount]).toEqual(['82', '', 2]);
  });
});
