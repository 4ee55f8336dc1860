/**
 * The CSV fields spinescrub understands, the column map that binds another export's headers to them, and the
 * header check that runs before any claim is read.
 */
import type { DateFormat } from './values.js';

/** The default column set (the sample exports' header), in its documented order. */
export const DEFAULT_FIELDS = [
  'claim_id', 'frequency_code', 'payer_claim_number', 'payer_id', 'payer_name', 'claim_filing_indicator', 'member_id', 'patient_last',
  'patient_first', 'patient_dob', 'patient_sex', 'billing_npi', 'rendering_npi', 'pos', 'dx_codes', 'line_no',
  'dos', 'cpt', 'modifiers', 'units', 'charge', 'dx_pointers', 'ndc', 'ndc_qty', 'ndc_unit', 'dose_mg',
] as const;

/**
 * Optional fields beyond the default set: the claim total as billed (CLM02), the rest of SV1/DTP/LIN, a
 * dependent's subscriber, and the map-only shapes (per-unit charge, separate dx/modifier/pointer columns, a
 * combined `64483-RT-59` code column).
 */
export const EXTRA_FIELDS = [
  'total_charge', 'unit_charge', 'code', 'description', 'dos_end', 'unit_basis', 'procedure_qualifier',
  'ndc_qualifier', 'subscriber_last', 'subscriber_first', 'subscriber_dob', 'subscriber_sex',
  'dx1', 'dx2', 'dx3', 'dx4', 'dx5', 'dx6', 'dx7', 'dx8', 'dx9', 'dx10', 'dx11', 'dx12',
  'mod1', 'mod2', 'mod3', 'mod4', 'ptr1', 'ptr2', 'ptr3', 'ptr4',
] as const;

export type CsvField = (typeof DEFAULT_FIELDS)[number] | (typeof EXTRA_FIELDS)[number];
export const ALL_FIELDS: readonly CsvField[] = [...DEFAULT_FIELDS, ...EXTRA_FIELDS];

/** Fields that are the claim's, repeated on every row (a different value on a later row is a conflict). */
export const CLAIM_FIELDS: ReadonlySet<CsvField> = new Set<CsvField>([
  'frequency_code', 'payer_claim_number', 'payer_id', 'payer_name', 'claim_filing_indicator', 'member_id', 'patient_last', 'patient_first',
  'patient_dob', 'patient_sex', 'billing_npi', 'dx_codes', 'total_charge', 'subscriber_last', 'subscriber_first',
  'subscriber_dob', 'subscriber_sex', 'dx1', 'dx2', 'dx3', 'dx4', 'dx5', 'dx6', 'dx7', 'dx8', 'dx9', 'dx10',
  'dx11', 'dx12',
]);

export type ListField = 'dx_codes' | 'modifiers' | 'dx_pointers';

/** A column map (schemas/csv-map.schema.json). Every property is optional; the defaults read the default set. */
export interface CsvColumnMap {
  name?: string;
  description?: string;
  /** Field delimiter; detected from the header line when absent (`,` `;` tab `|`). */
  delimiter?: string;
  /** The field that groups rows into claims (default `claim_id`). */
  groupKey?: CsvField;
  /** Header aliases per field, matched case-, space-, `_`- and `-`-insensitively; the field name always matches. */
  columns?: Partial<Record<CsvField, string | string[]>>;
  /** Date formats accepted (default: all three); a rewritten cell keeps the format it had. */
  dateFormats?: DateFormat[];
  /** Style of money cells written where the original cell gives none (`$1,234.50` vs `1234.50`). */
  money?: { symbol?: boolean; thousands?: boolean };
  /** List separators (default `|`); '' for pointers means one per character (`AB`). */
  listSeparators?: Partial<Record<ListField, string>>;
  /** How pointers are written where the original cell gives no style (default numbers). */
  pointerStyle?: 'numbers' | 'letters';
  /** The combined code column (`64483-RT-59`): separator between the code and its modifiers (default `-`). */
  codeSeparator?: string;
  /**
   * `claim` (default): dx_codes / dx1…dx12 hold the claim's diagnoses, repeated on every row, and pointers say
   * which a line uses. `line`: dx1…dx12 hold the diagnoses of that row's line (no pointer column): the claim's
   * diagnoses are their union in order of first appearance, and each line points to its own.
   */
  diagnoses?: 'claim' | 'line';
}

/** The header, bound to fields: what the reader needs to read a row and the writer to write one. */
export interface ColumnBinding {
  /** Field of each header column (undefined: an extra column, kept untouched). */
  fieldOfColumn: (CsvField | undefined)[];
  /** Column index of each bound field. */
  columnOfField: Partial<Record<CsvField, number>>;
}

export interface HeaderProblem {
  code: 'CSV_MISSING_COLUMN' | 'CSV_DUPLICATE_COLUMN';
  message: string;
}

export function normalizeHeaderName(name: string): string {
  return name.replace(/[\s_-]+/g, '').toLowerCase();
}

function aliasesOf(map: CsvColumnMap, field: CsvField): string[] {
  const extra = map.columns?.[field];
  return [field, ...(extra === undefined ? [] : Array.isArray(extra) ? extra : [extra])];
}

/** Which columns are required, each as alternatives (any one satisfies it); every name in a group must be present. */
function requiredGroups(groupKey: CsvField, lineDiagnoses: boolean): { label: string; alternatives: CsvField[][] }[] {
  const diagnoses = lineDiagnoses
    ? [{ label: 'dx1', alternatives: [['dx1']] as CsvField[][] }]
    : [
        { label: 'dx_codes', alternatives: [['dx_codes'], ['dx1']] as CsvField[][] },
        { label: 'dx_pointers', alternatives: [['dx_pointers'], ['ptr1']] as CsvField[][] },
      ];
  return [
    { label: groupKey, alternatives: [[groupKey]] },
    { label: 'dos', alternatives: [['dos']] },
    { label: 'cpt', alternatives: [['cpt'], ['code']] },
    { label: 'units', alternatives: [['units']] },
    { label: 'charge', alternatives: [['charge'], ['unit_charge']] },
    ...diagnoses,
    {
      label: 'member_id or patient_last + patient_first + patient_dob',
      alternatives: [['member_id'], ['patient_last', 'patient_first', 'patient_dob']],
    },
  ];
}

/** Bind header names to fields; report duplicates and missing required columns (each fatal for the file). */
export function bindHeader(
  header: readonly string[],
  map: CsvColumnMap,
): { binding: ColumnBinding; problems: HeaderProblem[] } {
  const fieldByName = new Map<string, CsvField>();
  for (const field of ALL_FIELDS) {
    for (const alias of aliasesOf(map, field)) {
      const key = normalizeHeaderName(alias);
      // A map alias wins over another field's own name ("Units" aliasing ndc_qty in some export).
      if (!fieldByName.has(key) || alias !== field) fieldByName.set(key, field);
    }
  }
  const problems: HeaderProblem[] = [];
  const fieldOfColumn: (CsvField | undefined)[] = [];
  const columnOfField: Partial<Record<CsvField, number>> = {};
  header.forEach((name, column) => {
    const field = fieldByName.get(normalizeHeaderName(name));
    if (field !== undefined && columnOfField[field] !== undefined) {
      const first = header[columnOfField[field]] ?? '';
      problems.push({
        code: 'CSV_DUPLICATE_COLUMN',
        message: `columns "${first}" (${columnOfField[field] + 1}) and "${name}" (${column + 1}) both map to field ${field}`,
      });
      fieldOfColumn.push(undefined);
      return;
    }
    fieldOfColumn.push(field);
    if (field !== undefined) columnOfField[field] = column;
  });
  const groupKey = map.groupKey ?? 'claim_id';
  for (const group of requiredGroups(groupKey, map.diagnoses === 'line')) {
    const satisfied = group.alternatives.some((names) => names.every((field) => columnOfField[field] !== undefined));
    if (!satisfied) {
      const expected = group.alternatives
        .map((names) => names.map((field) => describeField(map, field)).join(' + '))
        .join(' or ');
      problems.push({ code: 'CSV_MISSING_COLUMN', message: `missing required column ${expected}` });
    }
  }
  return { binding: { fieldOfColumn, columnOfField }, problems };
}

function describeField(map: CsvColumnMap, field: CsvField): string {
  const aliases = aliasesOf(map, field).slice(1);
  return aliases.length === 0 ? `"${field}"` : `"${field}" (${aliases.map((alias) => `"${alias}"`).join(', ')})`;
}
