/**
 * What the history's two compact line stores share (overlay-lines.ts: the run's own claims; db-lines.ts: the
 * database lines a run has read): interned value tables, a line's facts packed in 10 bits, typed arrays that grow.
 */
import { codeOf, FAMILY_CODES, REGION_CODES, ROLE_CODES, type LineRecord } from './records.js';

/** Values per interned table (stored in 16 bits; 0 is kept for "none"). */
export const MAX_INTERNED = 0xfffe;

/** Numbers for values: the same value, the same number (1…); `values[n]` gives it back. */
export class Interner<T> {
  readonly values: T[];
  private readonly ids = new Map<T, number>();

  /** `none` is value 0; `hold` gives the copy a table may keep (the value itself when it holds nothing else alive). */
  constructor(none: T, private readonly hold: (value: T) => T = (value) => value) {
    this.values = [none];
  }

  /** The value's number (1…), or -1 when the table is full. */
  id(value: T): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      if (this.values.length > MAX_INTERNED) return -1;
      id = this.values.length;
      const held = this.hold(value);
      this.values.push(held);
      this.ids.set(held, id);
    }
    return id;
  }

  clear(): void {
    this.values.length = 1;
    this.ids.clear();
  }
}

/** Bits of a line's packed facts: sides (2), family (3), region (2), role (2), KX (1). */
const FAMILY_SHIFT = 2;
const REGION_SHIFT = 5;
const ROLE_SHIFT = 7;
const KX_BIT = 1 << 9;

/** A line's sides, family, region, role and KX in one number below 2^10. */
export function packFacts(line: Pick<LineRecord, 'sides' | 'family' | 'region' | 'role' | 'kx'>): number {
  return (
    line.sides |
    (codeOf(FAMILY_CODES, line.family) << FAMILY_SHIFT) |
    (codeOf(REGION_CODES, line.region) << REGION_SHIFT) |
    (codeOf(ROLE_CODES, line.role) << ROLE_SHIFT) |
    (line.kx ? KX_BIT : 0)
  );
}

/** The parts of packed facts: sides bits, family, region and role codes (records.ts), KX. */
export const factSides = (facts: number): number => facts & 3;
export const factFamily = (facts: number): number => (facts >> FAMILY_SHIFT) & 7;
export const factRegion = (facts: number): number => (facts >> REGION_SHIFT) & 3;
export const factRole = (facts: number): number => (facts >> ROLE_SHIFT) & 3;
export const factKx = (facts: number): boolean => (facts & KX_BIT) !== 0;

/** `to` (a longer array of the same kind) with `from`'s values at its start. */
export function grow<T extends Int32Array | Uint16Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** Buffer's own latin1 decoder (what `toString('latin1', start, end)` calls, without its checks and dispatch). */
export const latin1Slice = (bytes: Buffer, start: number, end: number): string =>
  (bytes as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
