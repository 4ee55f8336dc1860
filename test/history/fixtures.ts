/**
 * Synthetic claims for the history tests (never real patient data), with line facts filled the way
 * encounter/normalize.ts fills them, so these tests do not depend on the reference tables.
 */
import type { Claim, LineFacts, ProcedureFamily, Region, Role, ServiceLine, Side } from '../../src/encounter/model.js';

const CODES: Record<string, { family: ProcedureFamily; region: Region; role: Role }> = {
  '62321': { family: 'esi-interlaminar', region: 'cervical-thoracic', role: 'primary' },
  '62323': { family: 'esi-interlaminar', region: 'lumbar-sacral', role: 'primary' },
  '64479': { family: 'esi-transforaminal', region: 'cervical-thoracic', role: 'primary' },
  '64483': { family: 'esi-transforaminal', region: 'lumbar-sacral', role: 'primary' },
  '64484': { family: 'esi-transforaminal', region: 'lumbar-sacral', role: 'addon' },
  '64490': { family: 'facet', region: 'cervical-thoracic', role: 'primary' },
  '64491': { family: 'facet', region: 'cervical-thoracic', role: 'addon' },
  '64493': { family: 'facet', region: 'lumbar-sacral', role: 'primary' },
  '64494': { family: 'facet', region: 'lumbar-sacral', role: 'addon' },
  '64633': { family: 'rfa', region: 'cervical-thoracic', role: 'primary' },
  '64634': { family: 'rfa', region: 'cervical-thoracic', role: 'addon' },
  '64635': { family: 'rfa', region: 'lumbar-sacral', role: 'primary' },
  '64636': { family: 'rfa', region: 'lumbar-sacral', role: 'addon' },
  '99213': { family: 'em', region: 'none', role: 'none' },
  '99214': { family: 'em', region: 'none', role: 'none' },
  '77003': { family: 'imaging', region: 'none', role: 'none' },
  '20610': { family: 'other', region: 'none', role: 'none' },
};

export function factsOf(procedure: string, modifiers: string[], units: number): LineFacts {
  const info = CODES[procedure] ?? { family: 'other' as const, region: 'none' as const, role: 'none' as const };
  const sides: Side[] = modifiers.includes('50') ? ['left', 'right'] : modifiers.includes('RT') ? ['right'] : modifiers.includes('LT') ? ['left'] : [];
  const spine = info.region !== 'none';
  return {
    family: info.family,
    region: info.region,
    role: info.role,
    sides,
    sideUnknown: sides.length === 0,
    levels: spine ? units : 0,
    includesImaging: spine && !['62320', '62322'].includes(procedure),
  };
}

export interface LineSpec {
  code: string;
  mods?: string[];
  units?: number;
  date?: string;
  npi?: string;
  charge?: number;
}

export interface ClaimSpec {
  id: string;
  freq?: '1' | '7' | '8';
  date?: string;
  member?: string | null;
  last?: string;
  first?: string;
  dob?: string;
  /** The patient is a dependent of subscriber `SUBSCRIBER, PAT` born 1950-01-01 on the same member id. */
  dependent?: boolean;
  billingNpi?: string;
  renderingNpi?: string;
  file?: string;
  lines: (string | LineSpec)[];
}

export function claim(spec: ClaimSpec): Claim {
  const date = spec.date ?? '2026-03-02';
  const file = spec.file ?? 'prior.837';
  const member = spec.member === null ? undefined : (spec.member ?? 'MEM100');
  const patient = {
    ...(member !== undefined ? { memberId: member } : {}),
    lastName: spec.last ?? 'DOE',
    firstName: spec.first ?? 'JANE',
    dateOfBirth: spec.dob ?? '1955-05-05',
  };
  const subscriber = spec.dependent === true
    ? { ...(member !== undefined ? { memberId: member } : {}), lastName: 'SUBSCRIBER', firstName: 'PAT', dateOfBirth: '1950-01-01' }
    : patient;
  const lines: ServiceLine[] = spec.lines.map((entry, index) => {
    const line: LineSpec = typeof entry === 'string' ? parseLine(entry) : entry;
    const modifiers = line.mods ?? [];
    const units = line.units ?? 1;
    const serviceLine: ServiceLine = {
      key: String(index + 1),
      lineNumber: index + 1,
      procedureQualifier: 'HC',
      procedure: line.code,
      modifiers,
      chargeCents: line.charge ?? 10000,
      unitBasis: 'UN',
      units,
      pointers: [1],
      serviceDate: line.date ?? date,
      source: { file },
      facts: factsOf(line.code, modifiers, units),
    };
    if (line.npi !== undefined) serviceLine.renderingNpi = line.npi;
    return serviceLine;
  });
  const result: Claim = {
    claimId: spec.id,
    frequencyCode: spec.freq ?? '1',
    placeOfService: '11',
    totalChargeCents: lines.reduce((sum, line) => sum + line.chargeCents, 0),
    billingNpi: spec.billingNpi ?? '1999999984',
    renderingNpi: spec.renderingNpi ?? '1234567893',
    subscriber,
    patient,
    diagnoses: [{ code: 'M47816', qualifier: 'ABK', icd9: false }],
    lines,
    format: 'x12',
    source: { file },
    readProblems: [],
  };
  if (spec.freq === '7' || spec.freq === '8') result.payerClaimNumber = `PCN-${spec.id}`;
  return result;
}

/** "64493-RT-KX" → code 64493, modifiers RT, KX; "64494x2" → 2 units. */
function parseLine(text: string): LineSpec {
  const [head = '', ...mods] = text.split('-');
  const [code = '', units] = head.split('x');
  return units === undefined ? { code, mods } : { code, mods, units: Number(units) };
}
