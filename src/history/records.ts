/**
 * The compact form in which the history keeps a claim: what the history rules need per line (patient, date,
 * code, modifiers, sides, family, session region, KX, rendering NPI) and nothing else.
 */
import type { Claim, Region, Role, ServiceLine, Side } from '../encounter/model.js';
import { identityOf, type PatientIdentity } from './identity.js';
import { historyFamilyOf, patientKeyOf, type HistoryFamily } from './view.js';
export { historyFamilyOf };

export interface LineRecord {
  lineNumber: number;
  serviceDate: string;
  procedure: string;
  modifiers: string[];
  /** Bit 1 left, bit 2 right; 0 unknown. */
  sides: number;
  family: HistoryFamily;
  region: Region;
  role: Role;
  units: number;
  kx: boolean;
  renderingNpi: string | null;
}

export interface ClaimRecord {
  claimId: string;
  billingNpi: string;
  frequency: string;
  payerClaimNumber: string | null;
  identity: PatientIdentity;
  chargeCents: number;
  lines: LineRecord[];
}

/**
 * Small integer codes the database stores for family, region and role (integers read back without building a
 * string per row). Append only: a code's meaning never changes.
 */
export const FAMILY_CODES: readonly HistoryFamily[] = ['esi', 'facet', 'rfa', 'em', 'other'];
export const REGION_CODES: readonly Region[] = ['none', 'cervical-thoracic', 'lumbar-sacral'];
export const ROLE_CODES: readonly Role[] = ['none', 'primary', 'addon'];

export function codeOf<T>(codes: readonly T[], value: T): number {
  const code = codes.indexOf(value);
  if (code < 0) throw new Error(`history: no code for ${String(value)}`);
  return code;
}

export const LEFT = 1;
export const RIGHT = 2;

export function sidesToBits(sides: readonly Side[]): number {
  let bits = 0;
  for (const side of sides) bits |= side === 'left' ? LEFT : RIGHT;
  return bits;
}

export function bitsToSides(bits: number): Side[] {
  const sides: Side[] = [];
  if (bits & LEFT) sides.push('left');
  if (bits & RIGHT) sides.push('right');
  return sides;
}

/** The claim key that frequency codes 7 and 8 refer to: CLM01 + billing provider. */
export function claimKey(claimId: string, billingNpi: string): string {
  return `${claimId}\u0000${billingNpi}`;
}

/**
 * The region a line counts in: its own, or lumbar-sacral for a line of a junction session (rules.md Terms: 64490 +
 * 64494, or 64633 + 64636, is one lumbar session). Read from the line facts rather than a code list: a line of a
 * family (facet, RFA) whose session (the claim's lines with its date and rendering provider) has a
 * cervical/thoracic primary of the family, a lumbar/sacral add-on of it and no lumbar/sacral primary of it.
 * Claims have a few lines: the session's lines are found by a scan (no map, no key per line).
 */
function sessionRegionOf(claim: Claim, line: ServiceLine): Region {
  const { family } = line.facts;
  if (family !== 'facet' && family !== 'rfa') return line.facts.region;
  const npi = line.renderingNpi ?? claim.renderingNpi ?? '';
  let ctPrimary = false;
  let lsAddon = false;
  let lsPrimary = false;
  for (const other of claim.lines) {
    if (other.facts.family !== family || !sameSession(line.serviceDate, npi, other.serviceDate, other.renderingNpi ?? claim.renderingNpi ?? '')) continue;
    const { region, role } = other.facts;
    if (region === 'cervical-thoracic') {
      if (role === 'primary') ctPrimary = true;
    } else if (region === 'lumbar-sacral') {
      if (role === 'addon') lsAddon = true;
      else if (role === 'primary') lsPrimary = true;
    }
  }
  return ctPrimary && lsAddon && !lsPrimary ? 'lumbar-sacral' : line.facts.region;
}

/** Whether two lines are of one session: the same `date|npi` text (dates without a '|' need no text built). */
function sameSession(date: string, npi: string, otherDate: string, otherNpi: string): boolean {
  if (!date.includes('|') && !otherDate.includes('|')) return date === otherDate && npi === otherNpi;
  return `${date}|${npi}` === `${otherDate}|${otherNpi}`;
}

/** The record of a normalized claim (line facts filled by encounter/normalize.ts); `identity` when already known. */
export function toClaimRecord(claim: Claim, identity: PatientIdentity = identityOf(patientKeyOf(claim))): ClaimRecord {
  const lines: LineRecord[] = [];
  for (const line of claim.lines) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(line.serviceDate)) continue; // a line without a readable date cannot be placed
    lines.push({
      lineNumber: line.lineNumber,
      serviceDate: line.serviceDate,
      procedure: line.procedure,
      modifiers: [...line.modifiers],
      sides: sidesToBits(line.facts.sides),
      family: historyFamilyOf(line.facts.family),
      region: sessionRegionOf(claim, line),
      role: line.facts.role,
      units: line.units,
      kx: line.modifiers.includes('KX'),
      renderingNpi: line.renderingNpi ?? claim.renderingNpi ?? null,
    });
  }
  return {
    claimId: claim.claimId,
    billingNpi: claim.billingNpi ?? '',
    frequency: claim.frequencyCode,
    payerClaimNumber: claim.payerClaimNumber ?? null,
    identity,
    chargeCents: claim.totalChargeCents,
    lines,
  };
}
