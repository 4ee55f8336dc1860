/** A reference that knows no code: for engine tests whose rules do not read the tables. */
import type { ReferenceData } from '../../src/reference/types.js';

export const emptyReference: ReferenceData = {
  procedure: () => undefined,
  diagnosis: () => undefined,
  drug: () => undefined,
  inList: () => false,
  versions: () => [],
  mue: () => undefined,
  ptpEdit: () => undefined,
  header: () => undefined,
};
