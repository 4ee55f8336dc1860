/**
 * toClaimRecord's regions: a junction session (a cervical/thoracic primary with a lumbar/sacral add-on of its family
 * and no lumbar/sacral primary, on one date with one rendering provider) counts as lumbar-sacral; nothing else moves.
 */
import { describe, expect, it } from 'vitest';
import { toClaimRecord } from '../../src/history/records.js';
import { claim, type ClaimSpec } from './fixtures.js';

const regions = (spec: Omit<ClaimSpec, 'id'>) => toClaimRecord(claim({ id: 'R1', ...spec })).lines.map((line) => `${line.procedure} ${line.region}`);

describe('toClaimRecord regions', () => {
  it('moves a facet or RFA junction session to lumbar-sacral, its other families staying where they are', () => {
    expect(regions({ lines: ['64490-RT', '64494-RT', '64483', '99213'] })).toEqual([
      '64490 lumbar-sacral', '64494 lumbar-sacral', '64483 lumbar-sacral', '99213 none',
    ]);
    expect(regions({ lines: ['64633', '64636', '64490'] })).toEqual(['64633 lumbar-sacral', '64636 lumbar-sacral', '64490 cervical-thoracic']);
  });

  it('is no junction with a lumbar/sacral primary, without the add-on, or across dates or rendering providers', () => {
    expect(regions({ lines: ['64490', '64494', '64493'] })).toEqual(['64490 cervical-thoracic', '64494 lumbar-sacral', '64493 lumbar-sacral']);
    expect(regions({ lines: ['64490', '64491'] })).toEqual(['64490 cervical-thoracic', '64491 cervical-thoracic']);
    expect(regions({ lines: ['64490', { code: '64494', date: '2026-03-03' }] })).toEqual(['64490 cervical-thoracic', '64494 lumbar-sacral']);
    expect(regions({ lines: ['64490', { code: '64494', npi: '1555555555' }] })).toEqual(['64490 cervical-thoracic', '64494 lumbar-sacral']);
    // The claim's rendering provider stands for a line without its own.
    expect(regions({ renderingNpi: '1555555555', lines: ['64490', { code: '64494', npi: '1555555555' }] })).toEqual(['64490 lumbar-sacral', '64494 lumbar-sacral']);
    // An RFA primary does not make a facet junction.
    expect(regions({ lines: ['64633', '64494'] })).toEqual(['64633 cervical-thoracic', '64494 lumbar-sacral']);
  });
});
