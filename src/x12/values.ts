/** Exact conversions between X12 element text and model values (money never goes through float math). */
import type { Cents, IsoDate } from '../encounter/model.js';

/** "12.5" → 1250; undefined when not a decimal number or when it has non-zero digits past the cents. */
export function parseCents(text: string): Cents | undefined {
  return parseCentsAt(text, 0, text.length);
}

/** parseCents of text[from, to) (an element read in place, without slicing it out). */
export function parseCentsAt(text: string, from: number, to: number): Cents | undefined {
  // Hand-written (no regex, no float): this runs for every CLM02 and SV102.
  let i = from;
  let negative = false;
  const sign = from < to ? text.charCodeAt(from) : NaN;
  if (sign === 45 || sign === 43) {
    negative = sign === 45;
    i++;
  }
  let whole = 0;
  let wholeDigits = 0;
  for (; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) break;
    if (code < 48 || code > 57) return undefined;
    whole = whole * 10 + (code - 48);
    wholeDigits++;
  }
  if (wholeDigits > 13) return undefined;
  let frac = 0;
  let fracDigits = 0;
  if (i < to) {
    for (i++; i < to; i++) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) return undefined;
      if (fracDigits < 2) frac = frac * 10 + (code - 48);
      else if (code !== 48) return undefined;
      fracDigits++;
    }
  }
  if (wholeDigits === 0 && fracDigits === 0) return undefined;
  if (fracDigits === 1) frac *= 10;
  const cents = whole * 100 + frac;
  return negative && cents !== 0 ? -cents : cents;
}

/**
 * Two-character values (qualifiers, unit basis, place of service, modifiers, HL levels): one string per value,
 * indexed by its two (ASCII) codes, so a value seen before costs no new string. Longer values (codes, NPIs) are
 * sliced: hashing them to share them costs more than the slice.
 */
const PAIRS: (string | undefined)[] = new Array<string | undefined>(128 * 128).fill(undefined);

/** text.slice(from, to), the same string as an equal value read before when it is one or two characters long. */
export function sharedValue(text: string, from: number, to: number): string {
  const length = to - from;
  if (length === 2) {
    const c0 = text.charCodeAt(from);
    const c1 = text.charCodeAt(from + 1);
    if (c0 < 128 && c1 < 128) {
      const key = (c0 << 7) | c1;
      let value = PAIRS[key];
      if (value === undefined) PAIRS[key] = value = text.slice(from, to);
      return value;
    }
  }
  if (length <= 1) return length === 1 ? text.charAt(from) : '';
  return text.slice(from, to);
}

const QUANTITY = /^(?:\d+\.?\d*|\.\d+)$/;

/** Units / quantities ("1", "2.5", "7.00"); undefined when not a non-negative decimal. */
export function parseQuantity(text: string): number | undefined {
  if (!QUANTITY.test(text) || text.length > 15) return undefined;
  return Number(text);
}

/** Quantity text: integers without a decimal point, fractions as the shortest decimal. */
export function formatQuantity(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`Expected a non-negative quantity, got ${value}`);
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Recently seen D8 values (service dates and birth dates repeat a lot), keyed by the date's digits as a number:
 * no string hashing and no slicing for a date seen before. Direct-mapped (a slot per key modulo the size):
 * thousands of distinct birth dates cannot push the few service dates out all at once.
 */
const D8_SLOTS = 8192;
const D8_KEYS = new Int32Array(D8_SLOTS).fill(-1);
const D8_VALUES: (IsoDate | undefined)[] = new Array<IsoDate | undefined>(D8_SLOTS).fill(undefined);

/** CCYYMMDD → YYYY-MM-DD, undefined when not a real calendar date. */
export function parseD8(text: string): IsoDate | undefined {
  return text.length === 8 ? parseD8At(text, 0) : undefined;
}

/** parseD8 of the 8 characters of `text` from `from` (the caller has checked that the value is 8 long). */
export function parseD8At(text: string, from: number): IsoDate | undefined {
  let key = 0;
  for (let i = from; i < from + 8; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
    key = key * 10 + (code - 48);
  }
  const slot = key & (D8_SLOTS - 1);
  if (D8_KEYS[slot] === key) return D8_VALUES[slot];
  const y = Math.floor(key / 10000);
  const mo = Math.floor(key / 100) % 100;
  const d = key % 100;
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!;
  if (d > days) return undefined;
  const iso = `${text.slice(from, from + 4)}-${text.slice(from + 4, from + 6)}-${text.slice(from + 6, from + 8)}`;
  D8_KEYS[slot] = key;
  D8_VALUES[slot] = iso;
  return iso;
}
