import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney, parseDate, parseMoney, parsePointer, parseQuantity, splitList } from '../../src/csv/values.js';
import { detectDelimiter } from '../../src/csv/rows.js';

describe('money: dollars text to integer cents, no floating point', () => {
  it.each([
    ['500.00', 50000], ['500', 50000], ['500.5', 50050], ['.75', 75], ['$1,234.50', 123450], [' $ 12.30 ', 1230],
    ['-5.25', -525], ['$-5.25', -525], ['(5.25)', -525], ['0.29', 29], ['1,000,000.01', 100000001], ['0', 0],
  ])('%s → %i', (text, cents) => expect(parseMoney(text)).toBe(cents));

  it.each(['', 'abc', '1.234', '12,34.00', '$', '5.2.1', '(5.00', '1,2345.00', '--5'])('%j is not money', (text) => {
    expect(parseMoney(text)).toBeUndefined();
  });

  it('formats in the style of the cell it replaces', () => {
    expect([formatMoney(123450), formatMoney(123450, '$9,999.00'), formatMoney(123450, '$5.00'), formatMoney(-525, '1.00'), formatMoney(7)]).toEqual(
      ['1234.50', '$1,234.50', '$1234.50', '-5.25', '0.07']);
  });

  it('parse(format(cents)) is the identity, in every style', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(undefined, '$1,000.00', '$1.00', '1,000.00'), (cents, like) => {
      expect(parseMoney(formatMoney(cents, like))).toBe(cents);
    }));
  });
});

describe('dates', () => {
  it.each([
    ['2026-11-02', '2026-11-02'], ['11/02/2026', '2026-11-02'], ['1/2/2026', '2026-01-02'], ['20261102', '2026-11-02'], ['2024-02-29', '2024-02-29'],
  ])('%s → %s', (text, iso) => expect(parseDate(text)).toBe(iso));

  it.each(['2026-02-29', '2026-13-01', '13/01/2026', '02/30/2026', '2026/11/02', '26-11-02', '', '20261132'])('%j is not a date', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });

  it('agrees with the calendar on every day of 1896–2104 (leap years included)', () => {
    fc.assert(fc.property(fc.integer({ min: 1896, max: 2104 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (year, month, day) => {
      const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const real = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
      expect(parseDate(text)).toBe(real ? text : undefined);
    }), { numRuns: 2000 });
    expect([parseDate('2000-02-29'), parseDate('1900-02-29')]).toEqual(['2000-02-29', undefined]);
  });

  it('accepts only the formats asked for, and writes each format', () => {
    expect(parseDate('20261102', ['YYYY-MM-DD'])).toBeUndefined();
    expect(['YYYY-MM-DD', 'MM/DD/YYYY', 'YYYYMMDD'].map((format) => formatDate('2026-01-05', format as never))).toEqual(['2026-01-05', '01/05/2026', '20260105']);
  });
});

describe('lists, pointers, quantities, delimiters', () => {
  it('splits lists, trimming and dropping empties; "" splits per character', () => {
    expect([splitList(' M5116 | M47816 ||', '|'), splitList('AB C', ''), splitList('  ', '|')]).toEqual([['M5116', 'M47816'], ['A', 'B', 'C'], []]);
  });
  it('pointers are 1–12 or A–L', () => {
    expect(['1', '12', 'A', 'l', 'M', '0', 'x', '123'].map(parsePointer)).toEqual([1, 12, 1, 12, undefined, undefined, undefined, undefined]);
  });
  it('quantities are non-negative decimals', () => {
    expect(['1', '2.5', '.5', '-1', '1e3', '', 'one'].map(parseQuantity)).toEqual([1, 2.5, 0.5, undefined, undefined, undefined, undefined]);
  });
  it('detects the delimiter from the header line, ignoring quoted text', () => {
    expect(['a,b,c\n', 'a;b;c\r\n1,2', 'a\tb\tc', '"x;y;z",b,c\n', 'single\n'].map((text) => detectDelimiter(Buffer.from(text)))).toEqual([',', ';', '\t', ',', ',']);
  });
});

describe('fast paths give the regex answers', () => {
  it('parseDate on YYYY-MM-DD', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate(' 2026-10-28 ')).toBe('2026-10-28');
    expect(parseDate('2023-02-29')).toBeUndefined();
    expect(parseDate('0000-01-01')).toBeUndefined();
    expect(parseDate('2026-13-01')).toBeUndefined();
    expect(parseDate('2026-1a-01')).toBeUndefined();
    expect(parseDate('2026-10-28', ['MM/DD/YYYY'])).toBeUndefined();
    expect(parseDate('10/28/2026', ['MM/DD/YYYY'])).toBe('2026-10-28');
  });
  it('parseMoney on digits.cents', () => {
    expect(parseMoney('850.00')).toBe(85_000);
    expect(parseMoney('0.07')).toBe(7);
    expect(parseMoney(' 1234.5 ')).toBe(123_450);
    expect(parseMoney('9999999999999.99')).toBe(999_999_999_999_999);
    expect(parseMoney('99999999999999.99')).toBeUndefined(); // past a safe integer of cents
    expect(parseMoney('12a.00')).toBeUndefined();
    expect(parseMoney('.50')).toBe(50);
  });
});
