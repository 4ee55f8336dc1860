/**
 * The CSV samples carry the same claims as the 837P samples: read in either format, they give the same
 * normalized claims. (Two representational differences are evened out before comparing: a CSV row always
 * names its place of service and rendering provider, where X12 may leave a line to inherit the claim's.)
 */
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { normalizeClaim } from '../../src/encounter/normalize.js';
import { defaultReference } from '../../src/reference/index.js';
import type { ClaimReader } from '../../src/formats/types.js';
import { readX12 } from '../../src/x12/reader.js';
import { loadCsvMap, readCsv } from '../../src/csv/index.js';
import { claimsToCsv, claimsToMappedCsv, readX12Claims } from '../../scripts/x12-to-csv.js';
import { roundTrip } from './helpers.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

async function claimsOf(reader: ClaimReader): Promise<Claim[]> {
  const claims: Claim[] = [];
  for await (const read of reader.claims()) claims.push(read.claim);
  expect(reader.problems).toEqual([]);
  return claims;
}

/** A normalized claim without where it came from, each line with its effective place of service and provider. */
function comparable(claim: Claim): unknown {
  const normalized = normalizeClaim(claim, defaultReference);
  const { source: _source, format: _format, renderingNpi, ...rest } = normalized;
  return {
    ...rest,
    lines: normalized.lines.map(({ source: _lineSource, ...line }) => ({
      ...line,
      placeOfService: line.placeOfService ?? claim.placeOfService,
      renderingNpi: line.renderingNpi ?? renderingNpi,
    })),
  };
}

const pairs: [csv: string, x12: string, map?: string][] = [
  ['clinic-a-clean.csv', 'clinic-a-clean.837'],
  ['clinic-b-errors.csv', 'clinic-b-errors.837'],
  ['clinic-c-history.csv', 'clinic-c-history.837'],
  ['tebra-kareo-export.csv', 'clinic-a-clean.837', 'maps/tebra-kareo.json'],
  ['combined-code-export.csv', 'clinic-b-errors.837', 'maps/combined-code.json'],
];

describe('CSV samples and 837P samples hold the same claims', () => {
  for (const [csv, x12, map] of pairs) {
    it(`${csv} reads as the same normalized claims as ${x12}`, async () => {
      const fromX12 = await claimsOf(readX12(createReadStream(SAMPLES + x12), x12));
      const options = map === undefined ? {} : { map: loadCsvMap(SAMPLES + map) };
      const fromCsv = await claimsOf(readCsv(createReadStream(SAMPLES + csv), csv, options));
      expect(fromCsv.length).toBeGreaterThan(10);
      expect(fromCsv.every((claim) => claim.readProblems.length === 0)).toBe(true);
      expect(fromCsv.map(comparable)).toEqual(fromX12.map(comparable));
    });

    it(`${csv} is what scripts/x12-to-csv.ts writes from ${x12}`, async () => {
      const result = await readX12Claims(SAMPLES + x12);
      if ('problem' in result) throw new Error(result.problem);
      const expected = map === undefined
        ? Buffer.from(claimsToCsv(result.claims))
        : await claimsToMappedCsv(result.claims, loadCsvMap(SAMPLES + map), csv.startsWith('tebra') ? { eol: '\r\n', bom: true } : {});
      expect(readFileSync(SAMPLES + csv).equals(expected)).toBe(true);
    });

    it(`${csv} round-trips byte for byte`, async () => {
      const input = readFileSync(SAMPLES + csv);
      const output = await roundTrip(input, map === undefined ? {} : { map: loadCsvMap(SAMPLES + map) });
      expect(output.equals(input)).toBe(true);
    });
  }
});
