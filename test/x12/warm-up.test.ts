/**
 * The reader's warm-up interchange (warm-up.ts): it must take the paths a real file takes (two transaction sets,
 * billing provider, subscriber and patient loops, drug lines) and read clean, or the warm-up would gather feedback
 * for error paths instead; and it must leave nothing behind in what the reader reads next.
 */
import { describe, expect, it } from 'vitest';
import { WARM_UP_837 } from '../../src/x12/warm-up.js';
import { readAll } from './helpers.js';

describe('reader warm-up interchange', () => {
  it('reads clean: four claims in two transaction sets, a patient loop and a drug line', async () => {
    const { claims, problems } = await readAll(Buffer.from(WARM_UP_837, 'latin1'), 'warm-up.837', 509);
    expect(problems).toEqual([]);
    expect(claims.map(({ claim }) => [claim.claimId, claim.patient.firstName, claim.subscriber.memberId, claim.lines.map((line) => line.procedure)])).toEqual([
      ['W0001A', 'ANN', 'W00000001', ['64479', 'J3301']],
      ['W0001B', 'DEE', 'W00000002', ['64493', '64494']],
      ['W0002A', 'ANN', 'W00000001', ['64479', 'J3301']],
      ['W0002B', 'DEE', 'W00000002', ['64493', '64494']],
    ]);
    expect(claims.every(({ claim }) => claim.readProblems.length === 0)).toBe(true);
    expect(claims[0]!.claim.lines[1]!.drug).toEqual({ ndc: '00003029305', ndcQualifier: 'N4', quantity: 40, unit: 'ME', doseMg: 40 });
  });

  it('leaves nothing in what is read after it (same claims and problems read twice, the first read warming up)', async () => {
    const file = Buffer.from(WARM_UP_837.replaceAll('W0001A', 'X0001A').replace('SE*47*0002', 'SE*46*0002'), 'latin1');
    const first = await readAll(file, 'after.837', 100);
    const second = await readAll(file, 'after.837', 4096);
    expect(first.claims.map(({ claim }) => claim)).toEqual(second.claims.map(({ claim }) => claim));
    expect(first.problems).toEqual(second.problems);
    expect(first.problems.map((problem) => problem.code)).toEqual(['X12_SE_COUNT']);
    expect(first.claims[0]!.claim.claimId).toBe('X0001A');
  });
});
