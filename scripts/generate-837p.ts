/**
 * Deterministic synthetic 837P (005010X222A1) of spine pain-management claims, of any size.
 *
 *   npx tsx scripts/generate-837p.ts --claims 1000 [--seed 7] [--start-date 2026-01-05] [--out FILE]
 *   npx tsx scripts/generate-837p.ts --mb 50 --out /tmp/50mb.837
 *
 * Everything is synthetic (names, member ids, NPIs with valid check digits, NDCs). A seeded PRNG drives every
 * choice (same options → same bytes), and the output is streamed with back-pressure: memory holds one claim and
 * the patient pool, never the file.
 *
 * Shape: a new ST every 5,000 claims and a new ISA/GS every 20,000; each ST bills for one of three clinics.
 * Patients come from a bounded pool and come back every 2–10 weeks through the year (so the history matters):
 * radicular patients get repeated ESIs, axial patients get two diagnostic facet blocks (KX), then RFA, then a
 * repeat RFA months later. About 1 claim in 8 carries one typical coding error (see ERROR_KINDS).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Writable } from 'node:stream';

// ───────────────────────────── model of a synthetic claim ─────────────────────────────

export interface SyntheticPerson {
  lastName: string;
  firstName: string;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  sex: 'F' | 'M';
  address: { line: string; city: string; state: string; zip: string };
}

export interface SyntheticSubscriber extends SyntheticPerson {
  memberId: string;
}

export interface SyntheticPayer {
  name: string;
  id: string;
  /** SBR09: MB Medicare Part B, CI commercial. */
  filingIndicator: 'MB' | 'CI';
  groupNumber?: string;
}

export interface SyntheticProvider {
  lastName: string;
  firstName: string;
  npi: string;
}

export interface SyntheticClinic {
  name: string;
  npi: string;
  taxId: string;
  address: { line: string; city: string; state: string; zip: string };
}

export interface SyntheticLine {
  code: string;
  modifiers?: string[];
  chargeCents: number;
  units: number;
  /** 1-based positions into the claim's diagnoses. */
  pointers: number[];
  serviceDate: string;
  /** SV105, only when it differs from the claim's. */
  placeOfService?: string;
  /** LIN03 (written as given: a hyphenated NDC stays hyphenated). */
  ndc?: string;
  /** CTP04 / CTP05-1. */
  drugQuantity?: { quantity: number; unit: 'ME' | 'ML' | 'UN' | 'GR' | 'F2' };
  /** 2420A rendering provider when it differs from the claim's. */
  renderingProvider?: SyntheticProvider;
}

export interface SyntheticClaim {
  claimId: string;
  /** CLM05-3: 1 original, 7 replacement, 8 void. */
  frequencyCode: '1' | '7' | '8';
  /** REF*F8. */
  payerClaimNumber?: string;
  placeOfService: string;
  subscriber: SyntheticSubscriber;
  /** Patient when not the subscriber (2000C, PAT01 relationship code). */
  dependent?: SyntheticPerson & { relationship: '01' | '19' | 'G8' };
  payer: SyntheticPayer;
  /** ICD-10-CM codes as HI carries them (normally without a decimal point). */
  diagnoses: string[];
  renderingProvider: SyntheticProvider;
  lines: SyntheticLine[];
  /** CLM02 when it should differ from the sum of the lines (a deliberate error); default the sum. */
  totalChargeCents?: number;
}

// ───────────────────────────── X12 rendering ─────────────────────────────

const TERMINATOR = '~\n';

/** `YYYY-MM-DD` → `YYYYMMDD`. */
function d8(date: string): string {
  return date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10);
}

/** Integer cents as an X12 decimal amount: 1200 → "12", 61250 → "612.5", 61255 → "612.55". */
export function amount(cents: number): string {
  if (!Number.isInteger(cents)) throw new TypeError(`Expected \`cents\` to be an integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}

/** A quantity as X12 R (decimal): 40 → "40", 0.5 → "0.5". */
function decimal(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Luhn check digit of an NPI (computed over the card-issuer prefix 80840 + the first nine digits). */
export function npiWithCheckDigit(base9: string): string {
  if (!/^\d{9}$/.test(base9)) throw new TypeError(`Expected \`base9\` to be nine digits, got ${base9}`);
  const digits = `80840${base9}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // From the right of the full 15-digit number (check digit included), every second digit is doubled:
    // those are the rightmost of these 14 and every other one leftwards.
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return base9 + String((10 - (sum % 10)) % 10);
}

function personSegments(entity: 'IL' | 'QC', person: SyntheticPerson, memberId?: string): string[] {
  const name = memberId === undefined
    ? `NM1*${entity}*1*${person.lastName}*${person.firstName}`
    : `NM1*${entity}*1*${person.lastName}*${person.firstName}****MI*${memberId}`;
  return [
    name,
    `N3*${person.address.line}`,
    `N4*${person.address.city}*${person.address.state}*${person.address.zip}`,
    `DMG*D8*${d8(person.dateOfBirth)}*${person.sex}`,
  ];
}

/**
 * The segments of one claim from its 2000B HL (and 2000C when the patient is a dependent) to its last line,
 * without terminators. `nextHl` hands out HL ids; `parentHl` is the billing provider's.
 */
export function claimSegments(claim: SyntheticClaim, nextHl: () => number, parentHl: number): string[] {
  const segments: string[] = [];
  const subscriberHl = nextHl();
  const hasDependent = claim.dependent !== undefined;
  segments.push(`HL*${subscriberHl}*${parentHl}*22*${hasDependent ? 1 : 0}`);
  const group = claim.payer.groupNumber ?? '';
  segments.push(`SBR*P*${hasDependent ? '' : '18'}*${group}******${claim.payer.filingIndicator}`);
  segments.push(...personSegments('IL', claim.subscriber, claim.subscriber.memberId));
  segments.push(`NM1*PR*2*${claim.payer.name}*****PI*${claim.payer.id}`);
  if (claim.dependent !== undefined) {
    segments.push(`HL*${nextHl()}*${subscriberHl}*23*0`);
    segments.push(`PAT*${claim.dependent.relationship}`);
    segments.push(...personSegments('QC', claim.dependent));
  }
  const lineTotal = claim.lines.reduce((sum, line) => sum + line.chargeCents, 0);
  const total = claim.totalChargeCents ?? lineTotal;
  segments.push(`CLM*${claim.claimId}*${amount(total)}***${claim.placeOfService}:B:${claim.frequencyCode}*Y*A*Y*Y`);
  if (claim.payerClaimNumber !== undefined) segments.push(`REF*F8*${claim.payerClaimNumber}`);
  if (claim.diagnoses.length > 0) {
    segments.push(`HI*${claim.diagnoses.map((code, i) => `${i === 0 ? 'ABK' : 'ABF'}:${code}`).join('*')}`);
  }
  segments.push(providerName(claim.renderingProvider));
  segments.push('PRV*PE*PXC*208VP0014X');
  claim.lines.forEach((line, index) => {
    segments.push(`LX*${index + 1}`);
    const composite = ['HC', line.code, ...(line.modifiers ?? [])].join(':');
    segments.push(
      `SV1*${composite}*${amount(line.chargeCents)}*UN*${decimal(line.units)}*${line.placeOfService ?? ''}**${line.pointers.join(':')}`,
    );
    segments.push(`DTP*472*D8*${d8(line.serviceDate)}`);
    if (line.ndc !== undefined) {
      segments.push(`LIN**N4*${line.ndc}`);
      if (line.drugQuantity !== undefined) segments.push(`CTP****${decimal(line.drugQuantity.quantity)}*${line.drugQuantity.unit}`);
    }
    if (line.renderingProvider !== undefined) segments.push(providerName(line.renderingProvider));
  });
  return segments;
}

function providerName(provider: SyntheticProvider): string {
  return `NM1*82*1*${provider.lastName}*${provider.firstName}****XX*${provider.npi}`;
}

export interface EnvelopeOptions {
  sender: string;
  receiver: string;
  /** YYYY-MM-DD and HHMM of the interchange. */
  date: string;
  time: string;
  /** 'T' test or 'P' production (ISA15). */
  usage?: 'T' | 'P';
}

function pad(value: string, width: number): string {
  return value.length >= width ? value.slice(0, width) : value + ' '.repeat(width - value.length);
}

/**
 * Streams an 837P interchange sequence: ISA/GS/ST envelopes, HL numbering and SE01/GE01/IEA01 counts kept as it
 * goes. Writes are buffered (64 KiB) and wait for 'drain' when the destination pushes back.
 */
export class Streaming837Writer {
  #buffer = '';
  #bytes = 0;
  #interchangeControl = 0;
  #groupControl = 0;
  #transactionControl = 0;
  #groupsInInterchange = 0;
  #transactionsInGroup = 0;
  #segmentsInTransaction = 0;
  #hl = 0;
  #billingHl = 0;
  #state: 'idle' | 'interchange' | 'group' | 'transaction' = 'idle';

  constructor(private readonly out: Writable, private readonly envelope: EnvelopeOptions, firstControlNumber = 1) {
    this.#interchangeControl = firstControlNumber - 1;
  }

  get bytes(): number {
    return this.#bytes + Buffer.byteLength(this.#buffer);
  }

  async #emit(segment: string): Promise<void> {
    this.#buffer += segment + TERMINATOR;
    if (this.#state === 'transaction') this.#segmentsInTransaction++;
    if (this.#buffer.length >= 65536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#buffer === '') return;
    const chunk = this.#buffer;
    this.#buffer = '';
    this.#bytes += Buffer.byteLength(chunk);
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async beginInterchange(): Promise<void> {
    if (this.#state !== 'idle') throw new Error('beginInterchange: an interchange is open');
    this.#interchangeControl++;
    this.#groupsInInterchange = 0;
    const { sender, receiver, date, time } = this.envelope;
    const control = String(this.#interchangeControl).padStart(9, '0');
    await this.#emit(
      `ISA*00*${pad('', 10)}*00*${pad('', 10)}*ZZ*${pad(sender, 15)}*ZZ*${pad(receiver, 15)}*${d8(date).slice(2)}*${time}*^*00501*${control}*0*${this.envelope.usage ?? 'T'}*:`,
    );
    this.#state = 'interchange';
  }

  async beginGroup(): Promise<void> {
    if (this.#state !== 'interchange') throw new Error('beginGroup: no open interchange');
    this.#groupControl++;
    this.#groupsInInterchange++;
    this.#transactionsInGroup = 0;
    const { sender, receiver, date, time } = this.envelope;
    await this.#emit(`GS*HC*${sender}*${receiver}*${d8(date)}*${time}*${this.#groupControl}*X*005010X222A1`);
    this.#state = 'group';
  }

  async beginTransaction(clinic: SyntheticClinic): Promise<void> {
    if (this.#state !== 'group') throw new Error('beginTransaction: no open group');
    this.#transactionControl++;
    this.#transactionsInGroup++;
    this.#segmentsInTransaction = 0;
    this.#hl = 0;
    this.#state = 'transaction';
    const control = String(this.#transactionControl).padStart(4, '0');
    const { date, time } = this.envelope;
    await this.#emit(`ST*837*${control}*005010X222A1`);
    await this.#emit(`BHT*0019*00*B${control}*${d8(date)}*${time}*CH`);
    await this.#emit(`NM1*41*2*${clinic.name}*****46*${clinic.taxId}`);
    await this.#emit('PER*IC*BILLING OFFICE*TE*5555550100');
    await this.#emit(`NM1*40*2*${this.envelope.receiver}*****46*${this.envelope.receiver}`);
    this.#billingHl = ++this.#hl;
    await this.#emit(`HL*${this.#billingHl}**20*1`);
    await this.#emit('PRV*BI*PXC*208VP0014X');
    await this.#emit(`NM1*85*2*${clinic.name}*****XX*${clinic.npi}`);
    await this.#emit(`N3*${clinic.address.line}`);
    await this.#emit(`N4*${clinic.address.city}*${clinic.address.state}*${clinic.address.zip}`);
    await this.#emit(`REF*EI*${clinic.taxId}`);
  }

  async writeClaim(claim: SyntheticClaim): Promise<void> {
    if (this.#state !== 'transaction') throw new Error('writeClaim: no open transaction');
    for (const segment of claimSegments(claim, () => ++this.#hl, this.#billingHl)) await this.#emit(segment);
  }

  async endTransaction(): Promise<void> {
    if (this.#state !== 'transaction') throw new Error('endTransaction: no open transaction');
    const count = this.#segmentsInTransaction + 1; // SE counts itself
    this.#state = 'group';
    await this.#emit(`SE*${count}*${String(this.#transactionControl).padStart(4, '0')}`);
  }

  async endGroup(): Promise<void> {
    if (this.#state !== 'group') throw new Error('endGroup: no open group');
    await this.#emit(`GE*${this.#transactionsInGroup}*${this.#groupControl}`);
    this.#state = 'interchange';
  }

  async endInterchange(): Promise<void> {
    if (this.#state !== 'interchange') throw new Error('endInterchange: no open interchange');
    await this.#emit(`IEA*${this.#groupsInInterchange}*${String(this.#interchangeControl).padStart(9, '0')}`);
    this.#state = 'idle';
  }
}

/** Writes one interchange with one group and one transaction holding `claims` (used for samples/). */
export async function write837pFile(
  claims: Iterable<SyntheticClaim>,
  clinic: SyntheticClinic,
  envelope: EnvelopeOptions,
  out: Writable,
  controlNumber = 1,
): Promise<number> {
  const writer = new Streaming837Writer(out, envelope, controlNumber);
  await writer.beginInterchange();
  await writer.beginGroup();
  await writer.beginTransaction(clinic);
  for (const claim of claims) await writer.writeClaim(claim);
  await writer.endTransaction();
  await writer.endGroup();
  await writer.endInterchange();
  await writer.flush();
  return writer.bytes;
}

// ───────────────────────────── seeded randomness ─────────────────────────────

/** sfc32 seeded through splitmix32: small, fast, and good enough for test data. */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = splitmix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick: empty list');
    return item;
  }
}

// ───────────────────────────── the synthetic world ─────────────────────────────

const LAST_NAMES = [
  'ALDER', 'BIRCH', 'CEDAR', 'DOGWOOD', 'ELM', 'FIR', 'GINKGO', 'HAZEL', 'IRONWOOD', 'JUNIPER', 'KATSURA', 'LARCH',
  'MAPLE', 'NUTMEG', 'OAKLEY', 'PINE', 'QUINCE', 'REDWOOD', 'SPRUCE', 'TAMARACK', 'UPAS', 'VINE', 'WILLOW', 'YEW',
];
const FIRST_NAMES_F = ['ADA', 'BETH', 'CORA', 'DORA', 'EVA', 'FAYE', 'GWEN', 'HOPE', 'IDA', 'JUNE', 'KAY', 'LENA', 'MAE', 'NELL'];
const FIRST_NAMES_M = ['ABE', 'BEN', 'CAL', 'DAN', 'ED', 'FRED', 'GUS', 'HAL', 'IKE', 'JACK', 'KURT', 'LEO', 'MAX', 'NED'];
const STREETS = ['MAIN ST', 'OAK AVE', 'ELM ST', 'PARK RD', 'LAKE DR', 'HILL ST', 'RIVER RD', 'MILL LN'];
const TOWNS: ReadonlyArray<readonly [string, string, string]> = [
  ['SPRINGFIELD', 'IL', '62701'],
  ['FAIRVIEW', 'TN', '37062'],
  ['RIVERTON', 'WY', '82501'],
  ['GREENVILLE', 'SC', '29601'],
  ['MADISON', 'WI', '53703'],
];

export const MEDICARE: SyntheticPayer = { name: 'MEDICARE PART B', id: 'SYNMCR01', filingIndicator: 'MB' };
export const COMMERCIAL: SyntheticPayer = { name: 'SYNTHETIC HEALTH PLAN', id: 'SYNHP0002', filingIndicator: 'CI', groupNumber: 'GRP4455' };

export const CLINICS: readonly (SyntheticClinic & { providers: SyntheticProvider[] })[] = [
  {
    name: 'ALPHA SPINE AND PAIN CLINIC', npi: npiWithCheckDigit('190000001'), taxId: '990000001',
    address: { line: '100 MAIN ST', city: 'SPRINGFIELD', state: 'IL', zip: '62701' },
    providers: [
      { lastName: 'ASPEN', firstName: 'ROSA', npi: npiWithCheckDigit('191000011') },
      { lastName: 'BAYLOR', firstName: 'OMAR', npi: npiWithCheckDigit('191000012') },
    ],
  },
  {
    name: 'BETA INTERVENTIONAL PAIN', npi: npiWithCheckDigit('190000002'), taxId: '990000002',
    address: { line: '200 OAK AVE', city: 'FAIRVIEW', state: 'TN', zip: '37062' },
    providers: [
      { lastName: 'CARVER', firstName: 'LENA', npi: npiWithCheckDigit('191000021') },
      { lastName: 'DUNMORE', firstName: 'PAUL', npi: npiWithCheckDigit('191000022') },
    ],
  },
  {
    name: 'GAMMA SPINE CENTER', npi: npiWithCheckDigit('190000003'), taxId: '990000003',
    address: { line: '300 PARK RD', city: 'MADISON', state: 'WI', zip: '53703' },
    providers: [{ lastName: 'ELLIS', firstName: 'NORA', npi: npiWithCheckDigit('191000031') }],
  },
];

type Region = 'C' | 'L';
type Condition = 'radicular' | 'axial';

interface Patient {
  subscriber: SyntheticSubscriber;
  payer: SyntheticPayer;
  dependent?: SyntheticClaim['dependent'];
  region: Region;
  condition: Condition;
  side: 'RT' | 'LT' | '50';
  /** Diagnoses this patient carries (HI codes). */
  diagnoses: string[];
  nextVisit: number; // day number (days since 1970-01-01)
  visits: number;
  rfaCount: number;
}

const DAY_MS = 86_400_000;

function toDay(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function fromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const RADICULAR_DX: Record<Region, readonly string[][]> = {
  L: [['M5116'], ['M5117'], ['M5416'], ['M5417'], ['M48062', 'M5416'], ['M4726'], ['M5116', 'M5450']],
  C: [['M50122'], ['M50123'], ['M5412'], ['M4722'], ['M50121']],
};
const AXIAL_DX: Record<Region, readonly string[][]> = {
  L: [['M47816'], ['M47817'], ['M47816', 'M5450'], ['M47896'], ['M51360']],
  C: [['M47812'], ['M47812', 'M542'], ['M47892']],
};

/** Drugs given with an ESI: code, NDC (synthetic, 11 digits), dose in mg, billing unit in mg, charge per unit. */
const STEROIDS: ReadonlyArray<{ code: string; ndc: string; doses: number[]; unitMg: number; perUnitCents: number; byMl?: boolean }> = [
  { code: 'J1010', ndc: '00009307403', doses: [40, 80], unitMg: 1, perUnitCents: 25 },
  { code: 'J3301', ndc: '00003029305', doses: [40, 80], unitMg: 10, perUnitCents: 180 },
  { code: 'J1100', ndc: '63323016501', doses: [10], unitMg: 1, perUnitCents: 30 },
  { code: 'J0702', ndc: '00085056605', doses: [6, 12], unitMg: 6, perUnitCents: 1200, byMl: true },
];

const PRICE_CENTS: Record<string, number> = {
  '62321': 65000, '62323': 62000, '62320': 48000, '62322': 45000,
  '64479': 78000, '64480': 31000, '64483': 72000, '64484': 29000,
  '64490': 66000, '64491': 28000, '64492': 27000, '64493': 63000, '64494': 27000, '64495': 26000,
  '64633': 125000, '64634': 42000, '64635': 118000, '64636': 40000,
  '77003': 12000, '20610': 15000, '99213': 14000, '99214': 19000, 'J0665': 40, 'Q9966': 150,
};

function price(code: string): number {
  const cents = PRICE_CENTS[code];
  if (cents === undefined) throw new Error(`no synthetic price for ${code}`);
  return cents;
}

/** The typical errors the generator plants (about 1 claim in 8). */
export const ERROR_KINDS = [
  'imaging-with-guided', 'rt-lt-lines', 'primary-two-units', 'unguided-with-fluoro', 'deleted-methylpred',
  'radiculopathy-with-disc', 'header-code', 'addon-without-primary', 'drug-in-facility', 'em-without-25',
  'bilateral-on-ilesi', 'esi-axial-dx', 'hyphenated-ndc', 'missing-ndc', 'local-anesthetic', 'three-facet-levels',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface GenerateOptions {
  /** Number of claims (default 1000 unless `mb` is given). */
  claims?: number;
  /** Stop after the first claim that brings the output to this many MiB. */
  mb?: number;
  seed?: number;
  /** First date of service (default 2026-01-05). Visits stay within 320 days of it. */
  startDate?: string;
  /** Claims per ST (default 5,000) and per ISA/GS (default 20,000; a multiple of the former). */
  claimsPerTransaction?: number;
  claimsPerInterchange?: number;
}

class World {
  readonly #rng: Prng;
  readonly #start: number;
  readonly #end: number;
  readonly #pool: Patient[] = [];
  #patientSerial = 0;

  constructor(rng: Prng, startDate: string, poolSize: number) {
    this.#rng = rng;
    this.#start = toDay(startDate);
    this.#end = this.#start + 319;
    for (let i = 0; i < poolSize; i++) this.#pool.push(this.#newPatient());
  }

  #newPatient(): Patient {
    const rng = this.#rng;
    const serial = ++this.#patientSerial;
    const sex = rng.chance(0.55) ? 'F' : 'M';
    const town = rng.pick(TOWNS);
    const person: SyntheticPerson = {
      lastName: rng.pick(LAST_NAMES),
      firstName: rng.pick(sex === 'F' ? FIRST_NAMES_F : FIRST_NAMES_M),
      dateOfBirth: fromDay(toDay('1936-01-01') + rng.int(0, 365 * 40)),
      sex,
      address: { line: `${rng.int(1, 9999)} ${rng.pick(STREETS)}`, city: town[0], state: town[1], zip: town[2] },
    };
    const medicare = rng.chance(0.8);
    // Member ids: Medicare-like 11 characters / plan ids, both marked synthetic by their SY infix.
    const memberId = medicare ? `9SY${String(serial).padStart(8, '0')}` : `SYH${String(serial).padStart(9, '0')}`;
    const region: Region = rng.chance(0.75) ? 'L' : 'C';
    const condition: Condition = rng.chance(0.55) ? 'radicular' : 'axial';
    const patient: Patient = {
      subscriber: { ...person, memberId },
      payer: medicare ? MEDICARE : COMMERCIAL,
      region,
      condition,
      side: rng.pick(['RT', 'LT', '50', '50'] as const),
      diagnoses: [...rng.pick(condition === 'radicular' ? RADICULAR_DX[region] : AXIAL_DX[region])],
      nextVisit: this.#start + rng.int(0, 60),
      visits: 0,
      rfaCount: 0,
    };
    if (!medicare && rng.chance(0.25)) {
      const spouseSex = sex === 'F' ? 'M' : 'F';
      patient.dependent = {
        lastName: person.lastName,
        firstName: rng.pick(spouseSex === 'F' ? FIRST_NAMES_F : FIRST_NAMES_M),
        dateOfBirth: fromDay(toDay('1950-01-01') + rng.int(0, 365 * 30)),
        sex: spouseSex,
        address: person.address,
        relationship: '01',
      };
    }
    return patient;
  }

  /** The next visit: a patient from the pool (replaced by a new one once past the year). */
  nextPatient(): Patient {
    const index = this.#rng.int(0, this.#pool.length - 1);
    let patient = this.#pool[index]!;
    if (patient.nextVisit > this.#end) {
      patient = this.#newPatient();
      this.#pool[index] = patient;
    }
    return patient;
  }

  claimFor(patient: Patient, claimId: string, clinic: (typeof CLINICS)[number]): SyntheticClaim {
    const rng = this.#rng;
    const day = patient.nextVisit;
    const serviceDate = fromDay(day);
    patient.nextVisit = day + rng.int(14, 70);
    patient.visits++;
    const provider = rng.pick(clinic.providers);
    const sideMods = (): string[] => [patient.side];
    const lines: SyntheticLine[] = [];
    const add = (code: string, modifiers: string[], units = 1, pointers = [1]): SyntheticLine => {
      const line: SyntheticLine = { code, modifiers, chargeCents: price(code) * units, units, pointers, serviceDate };
      lines.push(line);
      return line;
    };
    const lumbar = patient.region === 'L';

    if (patient.condition === 'radicular') {
      if (rng.chance(0.6)) {
        add(lumbar ? '64483' : '64479', sideMods());
        if (rng.chance(0.3)) add(lumbar ? '64484' : '64480', sideMods());
      } else {
        add(lumbar ? '62323' : '62321', []);
      }
      if (rng.chance(0.7)) {
        const drug = rng.pick(STEROIDS);
        const dose = rng.pick(drug.doses);
        const units = Math.ceil(dose / drug.unitMg);
        lines.push({
          code: drug.code, modifiers: [], chargeCents: drug.perUnitCents * units, units, pointers: [1], serviceDate,
          ndc: drug.ndc,
          drugQuantity: drug.byMl ? { quantity: units, unit: 'ML' } : { quantity: dose, unit: 'ME' },
        });
      }
    } else if (patient.visits <= 2 || patient.rfaCount >= 2 || (patient.rfaCount === 1 && patient.visits % 4 !== 0)) {
      // Diagnostic facet blocks (KX) first; later visits between RFAs are therapeutic blocks without KX.
      const diagnostic = patient.visits <= 2;
      const extra = diagnostic ? ['KX'] : [];
      add(lumbar ? '64493' : '64490', [...sideMods(), ...extra]);
      if (rng.chance(0.6)) add(lumbar ? '64494' : '64491', [...sideMods(), ...extra]);
    } else {
      patient.rfaCount++;
      add(lumbar ? '64635' : '64633', sideMods());
      if (rng.chance(0.7)) add(lumbar ? '64636' : '64634', sideMods());
    }
    if (rng.chance(0.08)) {
      // A distinct procedure at another site, marked as such.
      add('20610', [rng.pick(['RT', 'LT']), rng.chance(0.7) ? 'XS' : '59']);
    }
    if (rng.chance(0.1)) {
      const visit = rng.pick(['99213', '99214']);
      lines.unshift({ code: visit, modifiers: ['25'], chargeCents: price(visit), units: 1, pointers: [1], serviceDate });
    }

    const claim: SyntheticClaim = {
      claimId, frequencyCode: '1', placeOfService: '11', subscriber: patient.subscriber, payer: patient.payer,
      diagnoses: [...patient.diagnoses], renderingProvider: provider, lines,
      ...(patient.dependent ? { dependent: patient.dependent } : {}),
    };
    if (rng.chance(0.125)) plantError(claim, rng.pick(ERROR_KINDS), rng);
    return claim;
  }
}

/** Rewrites a clean claim so that it carries one typical error (best effort: some need a particular shape). */
export function plantError(claim: SyntheticClaim, kind: ErrorKind, rng: Prng): void {
  const serviceDate = claim.lines[0]!.serviceDate;
  const spine = claim.lines.find((line) => /^6(232[0-3]|44(79|8[0-4]|9[0-5])|463[3-6])$/.test(line.code));
  const lumbar = claim.lines.some((line) => /^(6232[23]|6448[34]|6449[345]|6463[56])$/.test(line.code));
  switch (kind) {
    case 'imaging-with-guided':
      claim.lines.push({ code: '77003', modifiers: [], chargeCents: price('77003'), units: 1, pointers: [1], serviceDate });
      break;
    case 'rt-lt-lines': {
      const both = claim.lines.findIndex((line) => line.modifiers?.[0] === '50');
      if (both >= 0) {
        const line = claim.lines[both]!;
        const rest = line.modifiers!.slice(1);
        const half = Math.round(line.chargeCents * 0.75);
        claim.lines.splice(both, 1,
          { ...line, modifiers: ['RT', ...rest], chargeCents: half },
          { ...line, modifiers: ['LT', ...rest], chargeCents: half });
      }
      break;
    }
    case 'primary-two-units':
      if (spine && /^(64479|64483|64490|64493|64633|64635)$/.test(spine.code)) {
        spine.units = 2;
        spine.chargeCents *= 2;
      }
      break;
    case 'unguided-with-fluoro':
      if (spine && (spine.code === '62321' || spine.code === '62323')) {
        spine.code = spine.code === '62321' ? '62320' : '62322';
        claim.lines.push({ code: '77003', modifiers: [], chargeCents: price('77003'), units: 1, pointers: [1], serviceDate });
      }
      break;
    case 'deleted-methylpred': {
      const drug = claim.lines.find((line) => line.code === 'J1010');
      if (drug && (drug.units === 40 || drug.units === 80)) {
        drug.code = drug.units === 40 ? 'J1030' : 'J1040';
        drug.units = 1;
      }
      break;
    }
    case 'radiculopathy-with-disc':
      if (claim.diagnoses[0] === 'M5116' || claim.diagnoses[0] === 'M5117') {
        claim.diagnoses.push(claim.diagnoses[0] === 'M5116' ? 'M5416' : 'M5417');
        for (const line of claim.lines) line.pointers = [1, 2];
      }
      break;
    case 'header-code':
      claim.diagnoses[0] = lumbar ? 'M5136' : 'M5012';
      break;
    case 'addon-without-primary': {
      const primary = claim.lines.findIndex((line) => /^(64479|64483|64490|64493|64633|64635)$/.test(line.code));
      const addon = claim.lines[primary + 1];
      if (primary >= 0 && addon && /^(64480|64484|64491|64494|64634|64636)$/.test(addon.code)) claim.lines.splice(primary, 1);
      break;
    }
    case 'drug-in-facility':
      if (claim.lines.some((line) => line.code.startsWith('J'))) claim.placeOfService = rng.pick(['22', '24']);
      break;
    case 'em-without-25':
      if (spine) claim.lines.unshift({ code: '99213', modifiers: [], chargeCents: price('99213'), units: 1, pointers: [1], serviceDate });
      break;
    case 'bilateral-on-ilesi':
      if (spine && (spine.code === '62321' || spine.code === '62323')) spine.modifiers = ['50'];
      break;
    case 'esi-axial-dx':
      if (spine && /^(6232|6447|6448)/.test(spine.code)) {
        claim.diagnoses.push(lumbar ? 'M47816' : 'M47812');
        spine.pointers = [claim.diagnoses.length];
      }
      break;
    case 'hyphenated-ndc': {
      const drug = claim.lines.find((line) => line.ndc !== undefined);
      if (drug) drug.ndc = `${drug.ndc!.slice(1, 5)}-${drug.ndc!.slice(5, 9)}-${drug.ndc!.slice(9)}`;
      break;
    }
    case 'missing-ndc': {
      const drug = claim.lines.find((line) => line.ndc !== undefined);
      if (drug) {
        delete drug.ndc;
        delete drug.drugQuantity;
      }
      break;
    }
    case 'local-anesthetic':
      claim.lines.push({
        code: 'J0665', modifiers: [], chargeCents: price('J0665') * 10, units: 10, pointers: [1], serviceDate,
        ndc: '00409116501', drugQuantity: { quantity: 5, unit: 'ME' },
      });
      break;
    case 'three-facet-levels': {
      const second = claim.lines.find((line) => line.code === '64494' || line.code === '64491');
      if (second) {
        const third = second.code === '64494' ? '64495' : '64492';
        claim.lines.splice(claim.lines.indexOf(second) + 1, 0, {
          ...second, code: third, chargeCents: price(third), modifiers: [...(second.modifiers ?? [])],
        });
      }
      break;
    }
  }
}

/**
 * Streams a synthetic 837P to `out` (not ended: the caller owns the stream). Resolves with the number of claims
 * and bytes written.
 */
export async function generate837p(options: GenerateOptions, out: Writable): Promise<{ claims: number; bytes: number }> {
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new TypeError(`Expected \`seed\` to be an integer, got ${seed}`);
  if (options.claims !== undefined && (!Number.isInteger(options.claims) || options.claims < 1)) {
    throw new TypeError(`Expected \`claims\` to be a whole number from 1 and up, got ${options.claims}`);
  }
  if (options.mb !== undefined && !(options.mb > 0)) {
    throw new TypeError(`Expected \`mb\` to be a positive number, got ${options.mb}`);
  }
  const startDate = options.startDate ?? '2026-01-05';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(toDay(startDate))) {
    throw new TypeError(`Expected \`startDate\` to be YYYY-MM-DD, got ${startDate}`);
  }
  const byteLimit = options.mb !== undefined ? options.mb * 1024 * 1024 : Infinity;
  const claimLimit = options.claims ?? (options.mb !== undefined ? Infinity : 1000);
  // About 7 visits per patient over the year; the pool is bounded whatever the size.
  const expectedClaims = Number.isFinite(claimLimit) ? claimLimit : byteLimit / 900;
  const poolSize = Math.max(10, Math.min(20000, Math.ceil(expectedClaims / 7)));

  const perTransaction = options.claimsPerTransaction ?? 5000;
  const perInterchange = options.claimsPerInterchange ?? 20000;
  if (!Number.isInteger(perTransaction) || perTransaction < 1 || !Number.isInteger(perInterchange) || perInterchange % perTransaction !== 0) {
    throw new TypeError('Expected `claimsPerInterchange` to be a multiple of `claimsPerTransaction`');
  }
  const rng = new Prng(seed);
  const world = new World(rng, startDate, poolSize);
  const writer = new Streaming837Writer(out, { sender: 'SYNSUBMIT', receiver: 'SYNCLEAR', date: '2026-11-26', time: '2300' });
  let claims = 0;
  let clinicIndex = 0;
  let clinic = CLINICS[0]!;
  while (claims < claimLimit && writer.bytes < byteLimit) {
    if (claims % perInterchange === 0) {
      if (claims > 0) {
        await writer.endTransaction();
        await writer.endGroup();
        await writer.endInterchange();
      }
      await writer.beginInterchange();
      await writer.beginGroup();
    }
    if (claims % perTransaction === 0) {
      if (claims % perInterchange !== 0) await writer.endTransaction();
      clinic = CLINICS[clinicIndex++ % CLINICS.length]!;
      await writer.beginTransaction(clinic);
    }
    const patient = world.nextPatient();
    claims++;
    await writer.writeClaim(world.claimFor(patient, `S${seed}C${String(claims).padStart(8, '0')}`, clinic));
  }
  await writer.endTransaction();
  await writer.endGroup();
  await writer.endInterchange();
  await writer.flush();
  return { claims, bytes: writer.bytes };
}

// ───────────────────────────── command line ─────────────────────────────

function usage(message: string): never {
  process.stderr.write(
    `generate-837p: ${message}\nusage: npx tsx scripts/generate-837p.ts --claims N | --mb N [--seed S] [--start-date YYYY-MM-DD] [--out FILE]\n`,
  );
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const options: GenerateOptions = {};
  let outFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const number = (): number => {
      if (value === undefined || Number.isNaN(Number(value))) usage(`${flag} needs a number`);
      i++;
      return Number(value);
    };
    switch (flag) {
      case '--claims': options.claims = number(); break;
      case '--mb': options.mb = number(); break;
      case '--seed': options.seed = number(); break;
      case '--start-date':
        if (value === undefined) usage('--start-date needs a date');
        options.startDate = value;
        i++;
        break;
      case '--out':
        if (value === undefined) usage('--out needs a file name');
        outFile = value;
        i++;
        break;
      case '--help': return usage('synthetic 837P of spine claims');
      default: usage(`unknown option ${flag}`);
    }
  }
  if (options.claims === undefined && options.mb === undefined) usage('give --claims N or --mb N');
  const out: Writable = outFile === undefined ? process.stdout : createWriteStream(outFile);
  try {
    const result = await generate837p(options, out);
    if (outFile !== undefined) {
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      process.stderr.write(`generate-837p: ${result.claims} claims, ${result.bytes} bytes → ${outFile}\n`);
    }
  } catch (error) {
    if (error instanceof TypeError) usage(error.message);
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`generate-837p: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
