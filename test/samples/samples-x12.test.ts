/**
 * The sample files are valid 837P (node-x12 strict parse; envelope counts checked by hand), timely as of
 * 2026-11-27, with distinct claim ids, and test/golden/samples-expected.json covers exactly their claims.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import x12 from 'node-x12';
import { describe, expect, it } from 'vitest';

const samplesDir = fileURLToPath(new URL('../../samples/', import.meta.url));
const golden = JSON.parse(readFileSync(new URL('../golden/samples-expected.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, { open: string[]; corrected: string[]; fate: 'ready' | 'held' }>
>;
const files = readdirSync(samplesDir).filter((name) => name.endsWith('.837')).sort();

describe.each(files)('samples/%s', (file) => {
  const text = readFileSync(samplesDir + file, 'utf8');
  const segments = text.split('~\n');

  it('ends every segment with ~ and a newline', () => {
    expect(text.endsWith('~\n')).toBe(true);
    expect(segments.pop()).toBe('');
    expect(segments.every((s) => s.length > 0 && !s.includes('~') && !s.includes('\n'))).toBe(true);
  });

  it('parses with node-x12 in strict mode', () => {
    expect(() => new x12.X12Parser(true).parse(text)).not.toThrow();
  });

  it('has correct SE01, GE01, IEA01, control numbers and HL numbering', () => {
    const el = segments.map((s) => s.split('*'));
    const st = el.findIndex((e) => e[0] === 'ST');
    const se = el.findIndex((e) => e[0] === 'SE');
    expect(Number(el[se]![1])).toBe(se - st + 1);
    expect(el[se]![2]).toBe(el[st]![2]);
    const ge = el.find((e) => e[0] === 'GE')!;
    const gs = el.find((e) => e[0] === 'GS')!;
    expect([ge[1], ge[2]]).toEqual(['1', gs[6]]);
    const isa = el[0]!;
    const iea = el.find((e) => e[0] === 'IEA')!;
    expect([iea[1], iea[2]]).toEqual(['1', isa[13]]);
    expect(segments[0]!.length + 1).toBe(106); // ISA is fixed width: 106 characters with its terminator
    const hl = el.filter((e) => e[0] === 'HL');
    expect(hl.map((e) => Number(e[1]))).toEqual(hl.map((_e, i) => i + 1));
  });

  it('has distinct claim ids, CLM02 = sum of SV102, dates of service in 2026 before the run date (but the future-date sample)', () => {
    const ids: string[] = [];
    let total: number | undefined;
    let sum = 0;
    const close = (): void => {
      if (total !== undefined) expect(Math.round(sum * 100), ids.at(-1)).toBe(Math.round(total * 100));
    };
    for (const seg of segments) {
      const e = seg.split('*');
      if (e[0] === 'CLM' || e[0] === 'SE') {
        close();
        total = e[0] === 'CLM' ? Number(e[2]) : undefined;
        sum = 0;
        if (e[0] === 'CLM') ids.push(e[1]!);
      }
      if (e[0] === 'SV1') sum += Number(e[2]);
      if (e[0] === 'DTP' && e[1] === '472' && ids.at(-1) !== FUTURE_DATE_SAMPLE) {
        expect(e[3]! >= '20260105' && e[3]! <= '20261120', seg).toBe(true);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    expect(ids.length).toBeLessThanOrEqual(22);
    expect(Object.keys(golden[file] ?? {}).sort()).toEqual([...ids].sort());
  });
});


/** The claim of clinic-d-payers.837 dated after the run date on purpose (`claim/future-date`). */
const FUTURE_DATE_SAMPLE = 'D4007';
describe('test/golden/samples-expected.json', () => {
  it('names every sample file, and each record is consistent (held iff an error-severity rule is open)', () => {
    expect(Object.keys(golden).sort()).toEqual(files);
    // Errors under the medicare profile among the rule ids the golden file uses (the medicare column of docs/rules/README.md).
    const errors = new Set([
      'addon/without-primary', 'claim/frequency-code', 'coverage/liability-modifier', 'dx/header-code', 'drug/miscoded', 'em/same-day',
      'claim/future-date', 'drug/jw-jz', 'dx/not-supporting', 'dx/region-mismatch', 'primary/repeated', 'imaging/unguided-with-guidance',
      'facet/with-rfa', 'mue/units',
    ]);
    for (const [file, claims] of Object.entries(golden)) {
      for (const [id, record] of Object.entries(claims)) {
        const held = record.open.some((rule) => errors.has(rule));
        expect(record.fate, `${file} ${id}`).toBe(held ? 'held' : 'ready');
        expect([...record.open].sort(), `${file} ${id} open sorted`).toEqual(record.open);
        expect([...record.corrected].sort(), `${file} ${id} corrected sorted`).toEqual(record.corrected);
      }
    }
  });
});
