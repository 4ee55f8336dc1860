/**
 * Rows of one claim → the Claim model, and back: the value each bound column holds for a (claim, line), so the
 * writer can tell which cells a fix changed and rewrite only those, in the style the cell had.
 */
import type { Claim, Diagnosis, DrugDetail, Person, ReadProblem, ServiceLine, SourceLocation } from '../encounter/model.js';
import { MAX_LINES_PER_CLAIM, MAX_VALUE_CHARS, UNNORMALIZED } from '../encounter/model.js';
import type { ColumnBinding, CsvColumnMap, CsvField, ListField } from './columns.js';
import { CLAIM_FIELDS } from './columns.js';
import type { ParsedRow } from './rows.js';
import {
  DATE_FORMATS,
  type DateFormat,
  dateFormatOf,
  formatDate,
  formatMoney,
  formatPointer,
  parseDate,
  parseMoney,
  parsePointer,
  parseQuantity,
  splitList,
} from './values.js';

/** What reading and writing a file's rows needs to know besides the rows. */
export interface RowContext {
  file: string;
  /** Header names as text (decoded). */
  header: readonly string[];
  /** Field text as parsed → the text it means (see rows.ts decodeField; identity for a UTF-8 BOM file). */
  decode: (text: string) => string;
  binding: ColumnBinding;
  map: CsvColumnMap;
}

/** The same limits as the X12 reader (model.ts), so a claim is held alike in either format. */
const MAX_LINES = MAX_LINES_PER_CLAIM;

const DX_COLUMNS = ['dx1', 'dx2', 'dx3', 'dx4', 'dx5', 'dx6', 'dx7', 'dx8', 'dx9', 'dx10', 'dx11', 'dx12'] as const;
const MOD_COLUMNS = ['mod1', 'mod2', 'mod3', 'mod4'] as const;
const PTR_COLUMNS = ['ptr1', 'ptr2', 'ptr3', 'ptr4'] as const;
const MONEY_FIELDS = new Set<CsvField>(['charge', 'unit_charge', 'total_charge']);
const DATE_FIELDS = new Set<CsvField>(['patient_dob', 'subscriber_dob', 'dos', 'dos_end']);

export function listSeparator(map: CsvColumnMap, field: ListField): string {
  return map.listSeparators?.[field] ?? '|';
}

function acceptedDates(map: CsvColumnMap): readonly DateFormat[] {
  return map.dateFormats ?? DATE_FORMATS;
}

/** The text of a bound field in a row: undefined when the file has no such column, '' when the row is short. */
export function cell(context: RowContext, fields: readonly string[], field: CsvField): string | undefined {
  const column = context.binding.columnOfField[field];
  if (column === undefined) return undefined;
  return context.decode(fields[column] ?? '');
}

/** Omit undefined properties, so a claim read from CSV compares equal to the same claim read from X12. */
function compact<T extends object>(value: T): T {
  // A fresh object rather than `delete`, which would leave the claim objects in V8's slow dictionary mode.
  const result = {} as T;
  for (const key in value) if (value[key] !== undefined) result[key] = value[key];
  return result;
}

export function buildClaim(rows: readonly ParsedRow[], context: RowContext): Claim {
  const { file, header, map } = context;
  const problems: ReadProblem[] = [];
  const first = rows[0];
  if (first === undefined) throw new Error('buildClaim needs at least one row');
  const locate = (row: ParsedRow): SourceLocation => ({
    file,
    csvLine: row.line,
    byteOffset: row.start + leadOf(row),
  });
  const columnName = (field: CsvField): string => {
    const column = context.binding.columnOfField[field];
    return column === undefined ? field : (header[column] ?? field);
  };
  const report = (code: string, row: ParsedRow, field: CsvField | undefined, what: string): void => {
    const where = field === undefined ? '' : `, column "${columnName(field)}"`;
    problems.push({ code, message: `${file} line ${row.line}${where}: ${what}`, location: locate(row) });
  };
  const text = (row: ParsedRow, field: CsvField): string => (cell(context, row.fields, field) ?? '').trim();
  const optional = (row: ParsedRow, field: CsvField): string | undefined => text(row, field) || undefined;
  const required = (row: ParsedRow, field: CsvField): string => {
    const value = text(row, field);
    if (value === '' && cell(context, row.fields, field) !== undefined) report('CSV_MISSING_VALUE', row, field, `empty ${field}`);
    return value;
  };
  const date = (row: ParsedRow, field: CsvField, mandatory: boolean): string | undefined => {
    const value = mandatory ? required(row, field) : text(row, field);
    if (value === '') return undefined;
    const iso = parseDate(value, acceptedDates(map));
    if (iso === undefined) {
      report('CSV_BAD_DATE', row, field, `unparseable date "${value}" (expected ${acceptedDates(map).join(', ')})`);
    }
    return iso;
  };
  const money = (row: ParsedRow, field: CsvField): number | undefined => {
    const value = required(row, field);
    if (value === '') return undefined;
    const cents = parseMoney(value);
    if (cents === undefined) report('CSV_BAD_AMOUNT', row, field, `unparseable amount "${value}" (expected dollars like 500.00)`);
    return cents;
  };
  const quantity = (row: ParsedRow, field: CsvField, mandatory: boolean): number | undefined => {
    const value = mandatory ? required(row, field) : text(row, field);
    if (value === '') return undefined;
    const parsed = parseQuantity(value);
    if (parsed === undefined) report('CSV_BAD_NUMBER', row, field, `unparseable number "${value}"`);
    return parsed;
  };
  const list = (row: ParsedRow, field: ListField): string[] => splitList(text(row, field), listSeparator(map, field));

  // Ragged rows and claim-level fields that disagree between rows hold the claim; they never stop the file.
  for (const row of rows) {
    if (row.fields.length < header.length) {
      const missing = header[row.fields.length] ?? '';
      report('CSV_RAGGED_ROW', row, undefined, `row has ${row.fields.length} fields, header has ${header.length} (column "${missing}" and after are missing)`);
    } else if (row.fields.length > header.length) {
      report('CSV_RAGGED_ROW', row, undefined, `row has ${row.fields.length} fields, header has ${header.length} (extra fields from column ${header.length + 1})`);
    }
  }
  // An 837P claim (what a CSV claim becomes) holds at most 50 service lines; the X12 reader holds a longer one.
  if (rows.length > MAX_LINES) report('CSV_TOO_MANY_LINES', first, undefined, `claim has ${rows.length} service lines (an 837P claim allows ${MAX_LINES})`);
  // No value longer than an X12 element may be (the X12 reader holds one), in a column spinescrub reads.
  for (const row of rows) {
    const column = row.fields.findIndex((value, index) => value.length > MAX_VALUE_CHARS && context.binding.fieldOfColumn[index] !== undefined);
    if (column >= 0) {
      report('CSV_VALUE_TOO_LONG', row, context.binding.fieldOfColumn[column], `value is ${row.fields[column]!.length} characters long (limit ${MAX_VALUE_CHARS})`);
    }
  }
  const lineDiagnoses = map.diagnoses === 'line';
  for (const row of rows.slice(1)) {
    for (const field of CLAIM_FIELDS) {
      if (lineDiagnoses && /^dx\d+$/.test(field)) continue;
      const column = context.binding.columnOfField[field];
      if (column === undefined || (column < first.fields.length && first.fields[column] === row.fields[column])) continue; // same text
      const expected = cell(context, first.fields, field);
      const actual = cell(context, row.fields, field);
      if (expected !== undefined && actual !== undefined && expected.trim() !== actual.trim()) {
        report('CSV_FIELD_CONFLICT', row, field, `"${actual.trim()}" differs from "${expected.trim()}" on line ${first.line} of the same claim`);
      }
    }
  }

  const groupKey = map.groupKey ?? 'claim_id';
  const claimId = context.binding.columnOfField.claim_id !== undefined ? required(first, 'claim_id') : required(first, groupKey);

  // Diagnoses: a list column or dx1…dx12.
  const rowCodes = (row: ParsedRow): string[] => DX_COLUMNS.map((field) => text(row, field)).filter((code) => code !== '');
  let codes: string[];
  if (lineDiagnoses) codes = [...new Set(rows.flatMap(rowCodes))];
  else codes = context.binding.columnOfField.dx_codes !== undefined ? list(first, 'dx_codes') : rowCodes(first);
  const diagnoses: Diagnosis[] = codes.map((code, index) => ({ code, qualifier: index === 0 ? 'ABK' : 'ABF', icd9: false }));

  const claimPos = text(first, 'pos');
  const claimRendering = optional(first, 'rendering_npi');
  const patient: Person = compact({
    memberId: optional(first, 'member_id'),
    lastName: optional(first, 'patient_last'),
    firstName: optional(first, 'patient_first'),
    dateOfBirth: date(first, 'patient_dob', false),
    sex: optional(first, 'patient_sex'),
  });
  const hasSubscriber = ['subscriber_last', 'subscriber_first', 'subscriber_dob'].some((field) => text(first, field as CsvField) !== '');
  const subscriber: Person = hasSubscriber
    ? compact({
        memberId: optional(first, 'member_id'),
        lastName: optional(first, 'subscriber_last'),
        firstName: optional(first, 'subscriber_first'),
        dateOfBirth: date(first, 'subscriber_dob', false),
        sex: optional(first, 'subscriber_sex'),
      })
    : { ...patient };

  const lines: ServiceLine[] = rows.map((row, index) => {
    let procedure: string;
    let modifiers: string[];
    if (context.binding.columnOfField.cpt === undefined && context.binding.columnOfField.code !== undefined) {
      const parts = splitList(text(row, 'code'), map.codeSeparator ?? '-');
      if (parts.length === 0) report('CSV_MISSING_VALUE', row, 'code', 'empty code');
      procedure = parts[0] ?? '';
      modifiers = parts.slice(1);
    } else {
      procedure = required(row, 'cpt');
      modifiers = context.binding.columnOfField.modifiers !== undefined
        ? list(row, 'modifiers')
        : MOD_COLUMNS.map((field) => text(row, field)).filter((modifier) => modifier !== '');
    }
    if (modifiers.length > 4) report('CSV_TOO_MANY_MODIFIERS', row, context.binding.columnOfField.modifiers !== undefined ? 'modifiers' : 'code', `${modifiers.length} modifiers, at most 4`);

    const units = quantity(row, 'units', true) ?? 0;
    let chargeCents: number;
    if (context.binding.columnOfField.charge !== undefined) chargeCents = money(row, 'charge') ?? 0;
    else chargeCents = Math.round((money(row, 'unit_charge') ?? 0) * units);

    // Each token with the column it came from, so a bad pointer names its column.
    const pointerTokens: [string, CsvField][] = lineDiagnoses
      ? rowCodes(row).map((code) => [String(codes.indexOf(code) + 1), 'dx1'])
      : context.binding.columnOfField.dx_pointers !== undefined
        ? list(row, 'dx_pointers').map((token) => [token, 'dx_pointers'])
        : PTR_COLUMNS.map((field): [string, CsvField] => [text(row, field), field]).filter(([token]) => token !== '');
    const pointers: number[] = [];
    for (const [token, field] of pointerTokens) {
      const pointer = parsePointer(token);
      if (pointer === undefined) report('CSV_BAD_POINTER', row, field, `unparseable diagnosis pointer "${token}" (expected 1–12 or A–L)`);
      else pointers.push(pointer);
    }

    const ndc = optional(row, 'ndc');
    const ndcQuantity = quantity(row, 'ndc_qty', false);
    const ndcUnit = optional(row, 'ndc_unit');
    const doseMg = quantity(row, 'dose_mg', false) ?? (ndcUnit === 'ME' ? ndcQuantity : undefined);
    const drug: DrugDetail | undefined = ndc !== undefined || ndcQuantity !== undefined || ndcUnit !== undefined || doseMg !== undefined
      ? compact({
          ndc,
          ndcQualifier: optional(row, 'ndc_qualifier') ?? (ndc !== undefined ? 'N4' : undefined),
          quantity: ndcQuantity,
          unit: ndcUnit,
          doseMg,
        })
      : undefined;

    const lineNo = text(row, 'line_no');
    const pos = text(row, 'pos');
    const rendering = optional(row, 'rendering_npi');
    return compact<ServiceLine>({
      key: String(index + 1),
      lineNumber: /^\d+$/.test(lineNo) ? Number(lineNo) : index + 1,
      procedureQualifier: optional(row, 'procedure_qualifier') ?? 'HC',
      procedure,
      modifiers,
      description: optional(row, 'description'),
      chargeCents,
      unitBasis: optional(row, 'unit_basis') ?? 'UN',
      units,
      placeOfService: pos !== '' && pos !== claimPos ? pos : undefined,
      pointers,
      serviceDate: date(row, 'dos', true) ?? '',
      serviceDateEnd: date(row, 'dos_end', false),
      drug,
      renderingNpi: rendering !== undefined && rendering !== claimRendering ? rendering : undefined,
      source: locate(row),
      facts: UNNORMALIZED,
    });
  });

  const totalText = text(first, 'total_charge');
  const total = totalText === '' ? undefined : money(first, 'total_charge');
  const claim: Claim = compact<Claim>({
    claimId,
    frequencyCode: text(first, 'frequency_code') || '1',
    payerClaimNumber: optional(first, 'payer_claim_number'),
    placeOfService: claimPos,
    totalChargeCents: total ?? lines.reduce((sum, line) => sum + line.chargeCents, 0),
    billingNpi: optional(first, 'billing_npi'),
    renderingNpi: claimRendering,
    payerId: optional(first, 'payer_id'),
    payerName: optional(first, 'payer_name'),
    claimFilingIndicator: optional(first, 'claim_filing_indicator'),
    subscriber,
    patient,
    diagnoses,
    lines,
    format: 'csv',
    source: locate(first),
    readProblems: problems,
  });
  return claim;
}

function leadOf(row: ParsedRow): number {
  let index = 0;
  while (index < row.bytes.length && (row.bytes[index] === 10 || row.bytes[index] === 13)) index++;
  return index === row.bytes.length ? 0 : index;
}

type FieldValue = string | number | readonly string[] | readonly number[] | undefined;

/** The value a field holds for a line of a claim (the writer compares these before and after fixes). */
export function fieldValue(field: CsvField, claim: Claim, line: ServiceLine, map: CsvColumnMap = {}): FieldValue {
  const indexed = /^(dx|mod|ptr)(\d+)$/.exec(field);
  if (indexed) {
    const position = Number(indexed[2]) - 1;
    if (indexed[1] === 'dx' && map.diagnoses === 'line') {
      const pointer = line.pointers[position];
      return pointer === undefined ? '' : (claim.diagnoses[pointer - 1]?.code ?? '');
    }
    if (indexed[1] === 'dx') return claim.diagnoses[position]?.code ?? '';
    if (indexed[1] === 'mod') return line.modifiers[position] ?? '';
    return line.pointers[position] ?? '';
  }
  switch (field) {
    case 'claim_id': return claim.claimId;
    case 'frequency_code': return claim.frequencyCode;
    case 'payer_claim_number': return claim.payerClaimNumber ?? '';
    case 'payer_id': return claim.payerId ?? '';
    case 'payer_name': return claim.payerName ?? '';
    case 'claim_filing_indicator': return claim.claimFilingIndicator ?? '';
    case 'member_id': return claim.patient.memberId ?? claim.subscriber.memberId ?? '';
    case 'patient_last': return claim.patient.lastName ?? '';
    case 'patient_first': return claim.patient.firstName ?? '';
    case 'patient_dob': return claim.patient.dateOfBirth ?? '';
    case 'patient_sex': return claim.patient.sex ?? '';
    case 'subscriber_last': return claim.subscriber.lastName ?? '';
    case 'subscriber_first': return claim.subscriber.firstName ?? '';
    case 'subscriber_dob': return claim.subscriber.dateOfBirth ?? '';
    case 'subscriber_sex': return claim.subscriber.sex ?? '';
    case 'billing_npi': return claim.billingNpi ?? '';
    case 'rendering_npi': return line.renderingNpi ?? claim.renderingNpi ?? '';
    case 'pos': return line.placeOfService ?? claim.placeOfService;
    case 'dx_codes': return claim.diagnoses.map((diagnosis) => diagnosis.code);
    case 'line_no': return line.lineNumber;
    case 'dos': return line.serviceDate;
    case 'dos_end': return line.serviceDateEnd ?? '';
    case 'cpt': return line.procedure;
    case 'code': return [line.procedure, ...line.modifiers];
    case 'modifiers': return line.modifiers;
    case 'units': return line.units;
    case 'charge': return line.chargeCents;
    case 'unit_charge': return line.units > 0 ? Math.round(line.chargeCents / line.units) : line.chargeCents;
    case 'total_charge': return claim.totalChargeCents;
    case 'dx_pointers': return line.pointers;
    case 'ndc': return line.drug?.ndc ?? '';
    case 'ndc_qualifier': return line.drug?.ndcQualifier ?? '';
    case 'ndc_qty': return line.drug?.quantity ?? '';
    case 'ndc_unit': return line.drug?.unit ?? '';
    case 'dose_mg': return line.drug?.doseMg ?? '';
    case 'description': return line.description ?? '';
    case 'unit_basis': return line.unitBasis;
    case 'procedure_qualifier': return line.procedureQualifier;
    default: return undefined;
  }
}

/** Comparable form of every bound column's value for one line (undefined for extra columns). */
export function rowSignature(context: RowContext, claim: Claim, line: ServiceLine): (string | undefined)[] {
  return context.binding.fieldOfColumn.map((field) => {
    if (field === undefined) return undefined;
    const value = fieldValue(field, claim, line, context.map);
    return value === undefined ? undefined : JSON.stringify(value);
  });
}

/** Two field values are the same cell content (what comparing their JSON would say, without the JSON). */
function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return !Number.isFinite(a) && !Number.isFinite(b); // JSON: null
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    const left: unknown = a[index];
    const right: unknown = b[index];
    if (left === right) continue;
    if (typeof left === 'number' && typeof right === 'number' && !Number.isFinite(left) && !Number.isFinite(right)) continue;
    return false;
  }
  return true;
}

/**
 * The bound columns whose value differs between `line` of `claim` and `before` of `beforeClaim` (the line as read;
 * undefined: every bound column differs); undefined when none does. Same answer as comparing rowSignature()s.
 */
export function changedColumns(
  context: RowContext,
  claim: Claim,
  line: ServiceLine,
  beforeClaim: Claim,
  before: ServiceLine | undefined,
): boolean[] | undefined {
  let changed: boolean[] | undefined;
  const fields = context.binding.fieldOfColumn;
  for (let column = 0; column < fields.length; column++) {
    const field = fields[column];
    if (field === undefined) continue;
    const value = fieldValue(field, claim, line, context.map);
    if (value === undefined) continue;
    if (before !== undefined && sameValue(value, fieldValue(field, beforeClaim, before, context.map))) continue;
    changed ??= [];
    changed[column] = true;
  }
  return changed;
}

/** A field's value as cell text, in the style of the cell it replaces (`like`). */
export function formatCell(context: RowContext, field: CsvField, claim: Claim, line: ServiceLine, like: string): string {
  const { map } = context;
  const value = fieldValue(field, claim, line, map);
  if (value === undefined || value === '') return '';
  if (MONEY_FIELDS.has(field) && typeof value === 'number') {
    const style = like.trim() !== '' ? like : `${map.money?.symbol ? '$' : ''}${map.money?.thousands ? '1,000' : ''}`;
    return formatMoney(value, style);
  }
  if (DATE_FIELDS.has(field) && typeof value === 'string') {
    return formatDate(value, dateFormatOf(like) ?? map.dateFormats?.[0] ?? 'YYYY-MM-DD');
  }
  const letters = /[A-La-l]/.test(like) || (like.trim() === '' && map.pointerStyle === 'letters');
  if (field === 'dx_pointers' && Array.isArray(value)) {
    return (value as number[]).map((pointer) => formatPointer(pointer, letters)).join(listSeparator(map, 'dx_pointers'));
  }
  if (/^ptr\d+$/.test(field) && typeof value === 'number') return formatPointer(value, letters);
  if (field === 'code' && Array.isArray(value)) return (value as string[]).join(map.codeSeparator ?? '-');
  if ((field === 'dx_codes' || field === 'modifiers') && Array.isArray(value)) {
    return (value as string[]).join(listSeparator(map, field));
  }
  return String(value);
}
