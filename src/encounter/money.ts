/**
 * Money is integer cents everywhere; these are its three spellings. One module, so that a report, a message
 * and an X12 element never disagree about how an amount is written.
 */
import type { Cents } from './model.js';

function checkedCents(cents: Cents): Cents {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Expected \`cents\` to be an integer, got ${cents}`);
  return cents;
}

/** 1250 → "12.50", -5 → "-0.05": messages and the exception report's before/after. */
export function formatCents(cents: Cents): string {
  const abs = Math.abs(checkedCents(cents));
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 1250 → "12.5", 1200 → "12", 1234 → "12.34": the X12 R data type, trailing zeros suppressed. */
export function formatX12Amount(cents: Cents): string {
  const abs = Math.abs(checkedCents(cents));
  const sign = cents < 0 ? '-' : '';
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}`;
  if (frac % 10 === 0) return `${sign}${whole}.${frac / 10}`;
  return `${sign}${whole}.${String(frac).padStart(2, '0')}`;
}

/** 123456789 → "$1,234,567.89": what a person reads in the HTML report. */
export function formatDollars(cents: Cents): string {
  const abs = Math.abs(checkedCents(cents));
  const dollars = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${cents < 0 ? '-' : ''}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}
