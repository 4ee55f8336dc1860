/**
 * A compact claim builder for tests, so rule tests read like tables:
 *
 *   claimOf({ dx: ['M5416'], lines: ['64483-RT x2 @500.00 ptr1', '77003'], dos: '2026-10-01', pos: '11' })
 *
 * Line grammar (tokens separated by spaces; only the code is required):
 *   CODE[-MOD…]   procedure and up to 4 modifiers            64483-50-KX
 *   xN            units (default 1)                          x2
 *   @D.CC         line charge in dollars (default 100.00 per unit)   @500.00
 *   ptrA,B        diagnosis pointers (default ptr1 when the claim has a diagnosis); `ptr-` = none
 *   dos:DATE      this line's date of service (default the claim's `dos`)
 *   npi:NPI       this line's rendering NPI (default none: the claim's)
 *   pos:NN        this line's place of service
 *   ndc:NDC qty:N unit:ME mg:N     drug detail (2410 LIN/CTP)
 *   mj            units are minutes (SV103 MJ)
 *
 * Diagnoses: 'M5416' (ICD-10, qualifier ABK for the first and ABF after), 'BK:7242' / 'BF:7242' (ICD-9).
 */
import type { Claim, Diagnosis, DrugDetail, ServiceLine } from '../../src/encounter/model.js';
import { UNNORMALIZED } from '../../src/encounter/model.js';

export interface ClaimSpec {
  id?: string;
  dx?: string[];
  lines: string[];
  /** Default date of service of the lines (default 2026-10-01). */
  dos?: string;
  /** Claim place of service (default 11). */
  pos?: string;
  /** Claim frequency code (default 1). */
  freq?: string;
  payerClaimNumber?: string;
  payerId?: string;
  /** Rendering NPI of the claim (2310B; default 1234567893). */
  npi?: string;
  /** CLM02 in dollars ('1234.50') or cents (number); default the sum of the line charges. */
  total?: string | number;
  file?: string;
  readProblems?: Claim['readProblems'];
}

export interface LineSpec {
  procedure: string;
  modifiers: string[];
  units: number;
  chargeCents?: number;
  pointers?: number[];
  serviceDate?: string;
  renderingNpi?: string;
  placeOfService?: string;
  drug?: DrugDetail;
  unitBasis?: string;
}

export function parseDollars(text: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new Error(`claimOf: bad amount '${text}'`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '0').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

export function parseLineSpec(text: string): LineSpec {
  const [head, ...tokens] = text.trim().split(/\s+/);
  if (!head) throw new Error(`claimOf: empty line spec`);
  const [procedure, ...modifiers] = head.split('-') as [string, ...string[]];
  const spec: LineSpec = { procedure, modifiers, units: 1 };
  const drug: DrugDetail = {};
  for (const token of tokens) {
    let match: RegExpExecArray | null;
    if ((match = /^x(\d+(?:\.\d+)?)$/.exec(token))) spec.units = Number(match[1]);
    else if (token.startsWith('@')) spec.chargeCents = parseDollars(token.slice(1));
    else if (token === 'ptr-') spec.pointers = [];
    else if ((match = /^ptr([\d,]+)$/.exec(token))) spec.pointers = match[1]!.split(',').map(Number);
    else if (token.startsWith('dos:')) spec.serviceDate = token.slice(4);
    else if (token.startsWith('npi:')) spec.renderingNpi = token.slice(4);
    else if (token.startsWith('pos:')) spec.placeOfService = token.slice(4);
    else if (token.startsWith('ndc:')) {
      drug.ndc = token.slice(4);
      drug.ndcQualifier = 'N4';
    } else if (token.startsWith('qty:')) drug.quantity = Number(token.slice(4));
    else if (token.startsWith('unit:')) drug.unit = token.slice(5);
    else if (token.startsWith('mg:')) drug.doseMg = Number(token.slice(3));
    else if (token === 'mj') spec.unitBasis = 'MJ';
    else throw new Error(`claimOf: unknown token '${token}' in '${text}'`);
  }
  if (Object.keys(drug).length) spec.drug = drug;
  return spec;
}

function diagnosisOf(text: string, index: number): Diagnosis {
  const match = /^(BK|BF|ABK|ABF):(.+)$/.exec(text);
  if (match) return { code: match[2]!, qualifier: match[1]!, icd9: match[1] === 'BK' || match[1] === 'BF' };
  return { code: text, qualifier: index === 0 ? 'ABK' : 'ABF', icd9: false };
}

export function claimOf(spec: ClaimSpec): Claim {
  const file = spec.file ?? 'test.837';
  const dos = spec.dos ?? '2026-10-01';
  const diagnoses = (spec.dx ?? []).map(diagnosisOf);
  const lines: ServiceLine[] = spec.lines.map((text, i) => {
    const parsed = parseLineSpec(text);
    const line: ServiceLine = {
      key: String(i + 1),
      lineNumber: i + 1,
      procedureQualifier: 'HC',
      procedure: parsed.procedure,
      modifiers: parsed.modifiers,
      chargeCents: parsed.chargeCents ?? Math.round(10000 * parsed.units),
      unitBasis: parsed.unitBasis ?? 'UN',
      units: parsed.units,
      pointers: parsed.pointers ?? (diagnoses.length ? [1] : []),
      serviceDate: parsed.serviceDate ?? dos,
      source: { file, segment: 20 + i * 3, tag: 'SV1' },
      facts: UNNORMALIZED,
    };
    if (parsed.renderingNpi !== undefined) line.renderingNpi = parsed.renderingNpi;
    if (parsed.placeOfService !== undefined) line.placeOfService = parsed.placeOfService;
    if (parsed.drug !== undefined) line.drug = parsed.drug;
    return line;
  });
  const sum = lines.reduce((total, line) => total + line.chargeCents, 0);
  const total = spec.total === undefined ? sum : typeof spec.total === 'number' ? spec.total : parseDollars(spec.total);
  const claim: Claim = {
    claimId: spec.id ?? 'CLM1',
    frequencyCode: spec.freq ?? '1',
    placeOfService: spec.pos ?? '11',
    totalChargeCents: total,
    renderingNpi: spec.npi ?? '1234567893',
    subscriber: { memberId: 'M0001', lastName: 'TEST', firstName: 'PAT', dateOfBirth: '1960-01-01', sex: 'F' },
    patient: { memberId: 'M0001', lastName: 'TEST', firstName: 'PAT', dateOfBirth: '1960-01-01', sex: 'F' },
    diagnoses,
    lines,
    format: 'x12',
    source: { file, segment: 10, tag: 'CLM' },
    readProblems: spec.readProblems ?? [],
  };
  if (spec.payerClaimNumber !== undefined) claim.payerClaimNumber = spec.payerClaimNumber;
  if (spec.payerId !== undefined) claim.payerId = spec.payerId;
  return claim;
}

/** A line rendered like the builder's grammar: `64483-RT x2 @500.00 ptr1` (pointers and charge on request). */
export function renderLine(line: ServiceLine, show: { charge?: boolean; pointers?: boolean } = { charge: true }): string {
  let text = line.procedure + (line.modifiers.length ? `-${line.modifiers.join('-')}` : '') + ` x${line.units}`;
  if (show.charge) text += ` @${(line.chargeCents / 100).toFixed(2)}`;
  if (show.pointers) text += ` ptr${line.pointers.length ? line.pointers.join(',') : '-'}`;
  return text;
}
