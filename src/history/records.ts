/**
 * The compact form in which the history keeps a claim: what the history rules need per line (patient, date,
 * code, modifiers, sides, family, session region, KX, rendering NPI) and nothing else.
 */
import type { Claim, ProcedureFamily, Region, Role, ServiceLine, Side } from '../encounter/model.js';
import { identityOf, type PatientIdentity } from './identity.js';
import { patientKeyOf, type HistoryFamily } from './view.js';

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

export function historyFamilyOf(family: ProcedureFamily): HistoryFamily {
  switch (family) {
    case 'esi-interlaminar':
    case 'esi-transforaminal':
      return 'esi';
    case 'facet':
      return 'facet';
    case 'rfa':
      return 'rfa';
    case 'em':
      return 'em';
    default:
      return 'other';
  }
}

/** The claim key that frequency codes 7 and 8 refer to: CLM01 + billing provider. */
export function claimKey(claimId: string, billingNpi: string): string {
  return `${claimId}\u0000${billingNpi}`;
}

/**
 * A junction session (rules.md Terms: 64490 + 64494, or 64633 + 64636) is one lumbar session. Read from the
 * line facts rather than a code list: a cervical/thoracic primary of a family with a lumbar/sacral add-on of
 * the same family and no lumbar/sacral primary in the session.
 */
function junctionFamilies(lines: readonly ServiceLine[]): Set<ProcedureFamily> {
  const junction = new Set<ProcedureFamily>();
  for (const family of ['facet', 'rfa'] as const) {
    const ofFamily = lines.filter((line) => line.facts.family === family);
    const ctPrimary = ofFamily.some((line) => line.facts.region === 'cervical-thoracic' && line.facts.role === 'primary');
    const lsAddon = ofFamily.some((line) => line.facts.region === 'lumbar-sacral' && line.facts.role === 'addon');
    const lsPrimary = ofFamily.some((line) => line.facts.region === 'lumbar-sacral' && line.facts.role === 'primary');
    if (ctPrimary && lsAddon && !lsPrimary) junction.add(family);
  }
  return junction;
}

/** The region each line counts in: its own, or lumbar-sacral for the lines of a junction session. */
export function sessionRegions(claim: Claim, lines: readonly ServiceLine[] = claim.lines): Map<ServiceLine, Region> {
  const sessions = new Map<string, ServiceLine[]>();
  for (const line of lines) {
    const key = `${line.serviceDate}|${line.renderingNpi ?? claim.renderingNpi ?? ''}`;
    const session = sessions.get(key);
    if (session === undefined) sessions.set(key, [line]);
    else session.push(line);
  }
  const regions = new Map<ServiceLine, Region>();
  for (const session of sessions.values()) {
    const junction = junctionFamilies(session);
    for (const line of session) {
      regions.set(line, junction.has(line.facts.family) ? 'lumbar-sacral' : line.facts.region);
    }
  }
  return regions;
}

/** The record of a normalized claim (line facts filled by encounter/normalize.ts); `identity` when already known. */
export function toClaimRecord(claim: Claim, identity: PatientIdentity = identityOf(patientKeyOf(claim))): ClaimRecord {
  const regions = sessionRegions(claim);
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
      region: regions.get(line) ?? line.facts.region,
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
