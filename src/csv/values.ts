/**
 * Cell values of practice-management exports: money, dates, numbers and lists, parsed without floating point
 * and written back in the style the original cell used (so a rewritten row still looks like its neighbours).
 */
import type { Cents, IsoDate } from '../encounter/model.js';

export type DateFormat = 'YYYY-MM-DD' | 'MM/DD/YYYY' | 'YYYYMMDD';
export const DATE_FORMATS: readonly DateFormat[] = ['YYYY-MM-DD', 'MM/DD/YYYY', 'YYYYMMDD'];

const MONEY = /^(-)?\s*(\()?\s*(\$)?\s*(-)?\s*(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d{0,2}))?\s*(\))?$/;

/** Dollars text (`500`, `500.00`, `$1,234.50`, `-5.25`, `(5.25)`) → integer cents; undefined when not money. */
export function parseMoney(text: string): Cents | undefined {
  const plain = plainMoney(text.trim());
  if (plain !== undefined) return plain;
  const match = MONEY.exec(text.trim());
  if (!match) return undefined;
  const [, minus, open, , minusAfterSymbol, whole = '', fraction, close] = match;
  if (Boolean(open) !== Boolean(close)) return undefined;
  if ([minus, open, minusAfterSymbol].filter(Boolean).length > 1) return undefined;
  if (whole === '' && (fraction === undefined || fraction === '')) return undefined;
  const dollars = whole === '' ? 0 : Number(whole.replaceAll(',', ''));
  const cents = fraction === undefined || fraction === '' ? 0 : Number(fraction.padEnd(2, '0'));
  const magnitude = dollars * 100 + cents;
  if (!Number.isSafeInteger(magnitude)) return undefined;
  const negative = Boolean(minus) || Boolean(open) || Boolean(minusAfterSymbol);
  return negative && magnitude !== 0 ? -magnitude : magnitude;
}

/** The value of ASCII digits text[from, to), or -1 when one is not a digit. */
function digitsValue(text: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

/** The common `1234.50` (digits, a point, two digits) without the regex; undefined for any other text. */
function plainMoney(value: string): Cents | undefined {
  const point = value.length - 3;
  if (point < 1 || point > 13 || value.charCodeAt(point) !== 46) return undefined;
  const dollars = digitsValue(value, 0, point);
  const cents = digitsValue(value, point + 1, value.length);
  if (dollars < 0 || cents < 0) return undefined;
  return dollars * 100 + cents; // at most 13 digits of dollars: a safe integer
}

/** Cents → dollars text, styled like `like` (a `$` sign, thousands separators) when given. */
export function formatMoney(cents: Cents, like?: string): string {
  const symbol = like !== undefined && like.includes('$');
  const thousands = like !== undefined && /\d,\d{3}/.test(like);
  const magnitude = Math.abs(cents);
  let whole = String(Math.floor(magnitude / 100));
  if (thousands) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${symbol ? '$' : ''}${whole}.${String(magnitude % 100).padStart(2, '0')}`;
  return cents < 0 ? `-${text}` : text;
}

function isoIfValid(year: number, month: number, day: number): IsoDate | undefined {
  if (month < 1 || month > 12 || day < 1 || year < 1) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (day > daysInMonth) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Which of the accepted formats a date cell is written in (M/D/YYYY counts as MM/DD/YYYY). */
export function dateFormatOf(text: string): DateFormat | undefined {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'YYYY-MM-DD';
  if (/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(value)) return 'MM/DD/YYYY';
  if (/^\d{8}$/.test(value)) return 'YYYYMMDD';
  return undefined;
}

/** A date in one of `accepted` formats → ISO; undefined when malformed, not a calendar date, or not accepted. */
export function parseDate(text: string, accepted: readonly DateFormat[] = DATE_FORMATS): IsoDate | undefined {
  const value = text.trim();
  if (value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    // YYYY-MM-DD without the regexes; a valid one is its own ISO form.
    const year = digitsValue(value, 0, 4);
    const month = digitsValue(value, 5, 7);
    const day = digitsValue(value, 8, 10);
    if (year >= 0 && month >= 0 && day >= 0) {
      if (!accepted.includes('YYYY-MM-DD')) return undefined;
      return isoIfValid(year, month, day) === undefined ? undefined : value;
    }
  }
  const format = dateFormatOf(value);
  if (format === undefined || !accepted.includes(format)) return undefined;
  let parts: number[];
  if (format === 'YYYY-MM-DD') parts = value.split('-').map(Number);
  else if (format === 'YYYYMMDD') parts = [value.slice(0, 4), value.slice(4, 6), value.slice(6, 8)].map(Number);
  else {
    const [month = '', day = '', year = ''] = value.split('/');
    parts = [Number(year), Number(month), Number(day)];
  }
  const [year = 0, month = 0, day = 0] = parts;
  return isoIfValid(year, month, day);
}

export function formatDate(iso: IsoDate, format: DateFormat): string {
  const [year = '', month = '', day = ''] = iso.split('-');
  if (format === 'YYYYMMDD') return `${year}${month}${day}`;
  if (format === 'MM/DD/YYYY') return `${month}/${day}/${year}`;
  return iso;
}

/** A non-negative decimal count (`1`, `2.5`); undefined when not a number. */
export function parseQuantity(text: string): number | undefined {
  const value = text.trim();
  if (!/^\d+(?:\.\d+)?$|^\.\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Split a list cell; `separator` '' means one item per character (pointer letters written as `ABC`). */
export function splitList(text: string, separator: string): string[] {
  const value = text.trim();
  if (value === '') return [];
  const items = separator === '' ? [...value.replace(/\s+/g, '')] : value.split(separator);
  const kept: string[] = [];
  for (const item of items) {
    const trimmed = item.trim();
    if (trimmed !== '') kept.push(trimmed);
  }
  return kept;
}

/** A pointer token: `1`…`12` or a letter `A`…`L` (either case). */
export function parsePointer(token: string): number | undefined {
  if (/^\d{1,2}$/.test(token)) {
    const value = Number(token);
    return value >= 1 ? value : undefined;
  }
  if (/^[A-La-l]$/.test(token)) return token.toUpperCase().charCodeAt(0) - 64;
  return undefined;
}

export function formatPointer(pointer: number, letters: boolean): string {
  return letters && pointer >= 1 && pointer <= 12 ? String.fromCharCode(64 + pointer) : String(pointer);
}
