/**
 * The same claims give the same findings and fixes in either format, and a corrected CSV claim, written back and
 * read again, is the corrected claim.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { normalizeClaim } from '../../src/encounter/normalize.js';
import { emptyHistory } from '../../src/history/view.js';
import { profiles } from '../../src/policy/profiles.js';
import type { ClaimReader, ReadClaim } from '../../src/formats/types.js';
import { defaultReference } from '../../src/reference/index.js';
import { runRules } from '../../src/rules/engine.js';
import { rules } from '../../src/rules/index.js';
import type { ClaimResult } from '../../src/rules/types.js';
import { readX12 } from '../../src/x12/reader.js';
import { createCsvWriter, loadCsvMap, readCsv, type CsvColumnMap } from '../../src/csv/index.js';
import { readText, Sink } from './helpers.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const options = { rules, policy: profiles.medicare, reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', fix: true };

async function readsOf(reader: ClaimReader): Promise<ReadClaim[]> {
  const reads: ReadClaim[] = [];
  for await (const read of reader.claims()) reads.push(read);
  return reads;
}

function outcome(result: ClaimResult): unknown {
  return {
    fate: result.fate,
    changed: result.changed,
    findings: result.findings.map((finding) => [finding.ruleId, finding.severity, finding.message, finding.location.lineNumber]),
    applied: result.applied.map((fix) => [fix.ruleId, fix.before, fix.after]),
  };
}

/**
 * A claim as the rules see it, without keys (a re-read claim numbers its lines afresh) and origins. CSV has no
 * qualifier column: the first diagnosis reads as ABK, the others ABF — so compare qualifiers by position (the
 * engine keeps ABF on a diagnosis that a removal moved to the front).
 */
function content(claim: Claim): unknown {
  const normalized = normalizeClaim(claim, defaultReference);
  const { source: _source, format: _format, renderingNpi, readProblems: _problems, ...rest } = normalized;
  return {
    ...rest,
    diagnoses: rest.diagnoses.map((diagnosis, index) => ({ ...diagnosis, qualifier: index === 0 ? 'ABK' : 'ABF' })),
    lines: normalized.lines.map(({ source: _lineSource, key: _key, ...line }) => ({
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

describe('the same findings in either format', () => {
  for (const [csv, x12, mapFile] of pairs) {
    it(`${csv} and ${x12}: same findings and fixes; corrected CSV claims read back as corrected`, async () => {
      const map: CsvColumnMap = mapFile === undefined ? {} : loadCsvMap(SAMPLES + mapFile);
      const fromX12 = await readsOf(readX12(createReadStream(SAMPLES + x12), x12));
      const csvReader = readCsv(createReadStream(SAMPLES + csv), csv, { map });
      const sink = new Sink();
      const writer = createCsvWriter(sink, csvReader.layout);
      const fromCsv = await readsOf(csvReader);
      expect(fromCsv.map((read) => read.claim.claimId)).toEqual(fromX12.map((read) => read.claim.claimId));

      const csvResults = fromCsv.map((read) => runRules(read.claim, options));
      const x12Results = fromX12.map((read) => runRules(read.claim, options));
      expect(csvResults.map(outcome)).toEqual(x12Results.map(outcome));
      if (x12.startsWith('clinic-b')) expect(csvResults.filter((result) => result.changed).length).toBeGreaterThan(5);

      for (const [index, read] of fromCsv.entries()) await writer.write(read, csvResults[index]!.claim, csvResults[index]!.changed);
      await writer.close();
      const reread = await readText(sink.bytes, { map });
      expect(reread.problems).toEqual([]);
      expect(reread.claims.flatMap((claim) => claim.readProblems)).toEqual([]);
      expect(reread.claims.map(content)).toEqual(csvResults.map((result) => content(result.claim)));
    });
  }
});
