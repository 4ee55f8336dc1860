import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatQuantity, parseCents, parseD8, parseQuantity } from '../../src/x12/values.js';
import { formatX12Amount } from '../../src/encounter/money.js';

describe('money is parsed exactly, never through float math', () => {
  it.each([
    ['0', 0], ['12', 1200], ['12.5', 1250], ['12.50', 1250], ['12.05', 1205], ['.5', 50], ['0.07', 7], ['1097.2', 109720],
    ['-3.10', -310], ['19.990', 1999], ['4503599627370.49', 450359962737049], ['1.005', undefined], ['12.3.4', undefined],
    ['', undefined], ['.', undefined], ['1e3', undefined], ['abc', undefined], ['12,50', undefined], [' 12', undefined],
  ])('parseCents(%j) = %j', (text, cents) => {
    expect(parseCents(text)).toBe(cents);
  });

  it('0.1 + 0.2 style values stay exact', () => {
    expect(parseCents('0.1')! + parseCents('0.2')!).toBe(parseCents('0.3'));
  });

  it.each([[0, '0'], [1200, '12'], [1250, '12.5'], [1205, '12.05'], [7, '0.07'], [-310, '-3.1']])('formatX12Amount(%j) = %j', (cents, text) => {
    expect(formatX12Amount(cents)).toBe(text);
  });

  it('formatX12Amount → parseCents is the identity', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => parseCents(formatX12Amount(cents)) === cents));
  });

  it('agrees with a regex reference on random text', () => {
    const reference = (text: string): number | undefined => {
      const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
      if (m === null || (m[2] === '' && (m[3] ?? '') === '') || m[2]!.length > 13) return undefined;
      const frac = m[3] ?? '';
      if (frac.length > 2 && /[^0]/.test(frac.slice(2))) return undefined;
      const cents = Number(m[2] || '0') * 100 + Number((frac + '00').slice(0, 2));
      return m[1] === '-' && cents !== 0 ? -cents : cents;
    };
    const alphabet = fc.constantFrom(...'0123456789.-+x'.split(''));
    fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 18 }), (text) => parseCents(text) === reference(text)), { numRuns: 2000 });
  });

  it('rejects fractional cents', () => {
    expect(() => formatX12Amount(1.5)).toThrow('Expected `cents` to be an integer, got 1.5');
  });
});

describe('quantities and dates', () => {
  it.each([['1', 1], ['7.00', 7], ['1.5', 1.5], ['.5', 0.5], ['2.', 2], ['-1', undefined], ['x', undefined], ['', undefined]])('parseQuantity(%j) = %j', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });
  it('formats quantities', () => {
    expect([formatQuantity(2), formatQuantity(1.5), formatQuantity(0.125)]).toEqual(['2', '1.5', '0.125']);
  });
  it.each([
    ['20261127', '2026-11-27'], ['20240229', '2024-02-29'], ['20000229', '2000-02-29'], ['19000229', undefined], ['20230229', undefined],
    ['20261131', undefined], ['20261301', undefined], ['20261100', undefined], ['2026112', undefined], ['2026-11-2', undefined],
  ])('parseD8(%j) = %j', (text, iso) => {
    expect(parseD8(text)).toBe(iso);
  });
});

describe('parseCentsAt / sharedValue (elements read in place)', () => {
  it('parseCentsAt reads only its range', async () => {
    const { parseCentsAt } = await import('../../src/x12/values.js');
    const text = 'SV1*HC:64483*-12.5*UN*7.00*';
    expect(parseCentsAt(text, 13, 18)).toBe(-1250);
    expect(parseCentsAt(text, 22, 26)).toBe(700);
    expect(parseCentsAt(text, 13, 13)).toBeUndefined();
    expect(parseCentsAt(text, 13, 14)).toBeUndefined(); // "-" alone
    expect(parseCentsAt(text, 12, 18)).toBeUndefined(); // "*-12.5"
    expect(parseCentsAt('1.234', 0, 5)).toBeUndefined();
  });

  it('sharedValue gives the slice (shared or not), for ASCII and latin1 text', async () => {
    const { sharedValue } = await import('../../src/x12/values.js');
    const text = 'HC:64483:50*UN*11*UN*é';
    for (const [from, to] of [[0, 2], [3, 8], [9, 11], [12, 14], [15, 17], [21, 22], [5, 5]] as const) {
      expect(sharedValue(text, from, to)).toBe(text.slice(from, to));
    }
    expect(sharedValue(text, 18, 20)).toBe('UN');
    expect(sharedValue('x\u00e9\u00e8', 1, 3)).toBe('\u00e9\u00e8');
  });
});
