/** CSV claim exports: reader, writer, column map. */
export { readCsv, type CsvLayout, type CsvRawClaim, type CsvRawRow, type CsvReader, type CsvReadOptions } from './reader.js';
export { createCsvWriter, newCsvLayout } from './writer.js';
export { loadCsvMap, csvMapFromData } from './map.js';
export { CsvError, type CsvErrorCode } from './errors.js';
export { DEFAULT_FIELDS, EXTRA_FIELDS, type CsvColumnMap, type CsvField } from './columns.js';
