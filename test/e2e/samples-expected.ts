/**
 * Cross-checks a run over samples/ with test/golden/samples-expected.json: per claim, the rule ids the final
 * check leaves open, the rule id of each applied fix, and the fate — written by hand from the rule pages (medicare,
 * no history, as of 2026-11-27), not copied from the program's output. A CSV sample carries the same claims as
 * the 837P sample of the same stem, so it must give the same findings.
 */
import { expect } from 'vitest';

export interface ClaimExpectation {
  open: string[];
  corrected: string[];
  fate: 'ready' | 'held';
}

export type SamplesExpected = Record<string, Record<string, ClaimExpectation>>;

export interface ReportForCheck {
  summary: { files: { file: string; claims: number }[] };
  findings: { file: string; claimId: string; ruleId: string; action: string }[];
}

/** The history rules (docs/rules/README.md, History): not part of the hand-written (no history) expectations. */
export const HISTORY_RULES = new Set([
  'history/duplicate',
  'session/split',
  'frequency/esi',
  'frequency/facet',
  'frequency/rfa',
  'facet/kx',
  'rfa/prior-blocks',
  'rfa/repeat-interval',
  'global/rfa-followup',
]);

/** claim id → expectation (the samples' claim ids are distinct across files). */
function byClaimId(expected: SamplesExpected): Map<string, ClaimExpectation> {
  const index = new Map<string, ClaimExpectation>();
  for (const claims of Object.values(expected)) {
    for (const [claimId, expectation] of Object.entries(claims)) {
      expect(index.has(claimId), `claim ${claimId} appears twice in samples-expected.json`).toBe(false);
      index.set(claimId, expectation);
    }
  }
  return index;
}

/** What a report says per file and claim: open rule ids (sorted, distinct), corrected ids (sorted), fate. */
export function actualByClaim(report: ReportForCheck, held: (file: string, claimId: string) => boolean): Map<string, Map<string, ClaimExpectation>> {
  const byFile = new Map<string, Map<string, ClaimExpectation>>();
  for (const finding of report.findings) {
    let claims = byFile.get(finding.file);
    if (!claims) byFile.set(finding.file, (claims = new Map()));
    let claim = claims.get(finding.claimId);
    if (!claim) claims.set(finding.claimId, (claim = { open: [], corrected: [], fate: 'ready' }));
    if (finding.action === 'corrected') claim.corrected.push(finding.ruleId);
    else if (!claim.open.includes(finding.ruleId)) claim.open.push(finding.ruleId);
  }
  for (const [file, claims] of byFile) {
    for (const [claimId, claim] of claims) {
      claim.open.sort();
      claim.corrected.sort();
      claim.fate = held(file, claimId) ? 'held' : 'ready';
    }
  }
  return byFile;
}

/**
 * Every claim of every sample file must match its expectation exactly (claims with no finding are
 * `{open: [], corrected: []}`): the 837P samples, their CSV twins and the exports read through a column map carry
 * the same claims, so they must give the same findings. `held` says whether the run wrote the claim to held/;
 * `claimsOf` lists a file's claims (from junit.xml). Returns the number of claims checked.
 */
export function crossCheck(expected: SamplesExpected, report: ReportForCheck, held: (file: string, claimId: string) => boolean, claimsOf: (file: string) => string[]): number {
  const actual = actualByClaim(report, held);
  const expectations = byClaimId(expected);
  const seen = new Set<string>();
  let checked = 0;
  for (const summary of report.summary.files) {
    const ids = claimsOf(summary.file);
    expect(ids.length, `${summary.file}: claims`).toBe(summary.claims);
    for (const claimId of ids) {
      const expectation = expectations.get(claimId);
      expect(expectation, `${summary.file} ${claimId} is not in samples-expected.json`).toBeDefined();
      const got = actual.get(summary.file)?.get(claimId) ?? { open: [], corrected: [], fate: held(summary.file, claimId) ? 'held' : 'ready' };
      expect(got, `${summary.file} ${claimId}`).toEqual(expectation);
      seen.add(claimId);
      checked += 1;
    }
  }
  expect([...expectations.keys()].filter((claimId) => !seen.has(claimId)), 'expected claims no sample file carries').toEqual([]);
  return checked;
}
