/**
 * The engine with the whole catalogue (history empty): the catalogue's examples end to end, fix interplay between
 * rules, and properties over random claims (termination, idempotence, derived values, no mutation).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { emptyHistory } from '../../src/encounter/history-view.js';
import { guide, medicare } from '../../src/policy/profiles.js';
import { defaultReference } from '../../src/reference/index.js';
import { DEFAULT_MAX_PASSES, deepFreeze, runRules } from '../../src/rules/engine.js';
import { rules } from '../../src/rules/index.js';
import type { ResolvedPolicy } from '../../src/policy/types.js';
import { claimOf, renderLine, type ClaimSpec } from '../support/claim-builder.js';

function run(spec: ClaimSpec | Claim, policy: ResolvedPolicy = medicare, fix = true) {
  const claim = 'claimId' in spec ? spec : claimOf(spec);
  return runRules(claim, { rules, policy, reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', fix, freeze: true });
}
const lines = (claim: Claim) => claim.lines.map((line) => renderLine(line, { charge: true, pointers: true }));
const open = (result: ReturnType<typeof run>) => result.findings.map((f) => `${f.ruleId}${f.location.lineNumber ? `@${f.location.lineNumber}` : ''}`);

describe('the catalogue through the engine', () => {
  it('62322 + 77003: 62323 is only suggested; the claim is held unchanged', () => {
    const result = run({ dx: ['M5416'], lines: ['62322 @600.00', '77003 @100.00'] });
    expect(lines(result.claim)).toEqual(['62322 x1 @600.00 ptr1', '77003 x1 @100.00 ptr1']);
    expect(result.applied).toEqual([]);
    // The recode is open with its suggestion; 62322 stays, so it is flagged, and the flagged line has no GA/GZ.
    expect(open(result)).toEqual(['imaging/unguided-with-guidance@1', 'esi/unguided@1', 'coverage/liability-modifier@1']);
    const recode = result.findings.find((f) => f.ruleId === 'imaging/unguided-with-guidance')!;
    expect(recode.suggestions?.map((x) => `${x.before} → ${x.after}`)).toEqual(['62322, 77003 → 62323']);
    expect(result.fate).toBe('held');
  });

  it('a TFESI with 2 units, fluoroscopy, bupivacaine and a decimal diagnosis: the safe fixes apply, the split is suggested', () => {
    const result = run({ dx: ['M54.16'], lines: ['64483-RT x2 @1000.00', '77003 @80.00', 'J0665 x10 @20.00', 'J1010 x40 ndc:00009307403 @20.00'] });
    expect(lines(result.claim)).toEqual(['64483-RT x2 @1000.00 ptr1', 'J1010 x40 @20.00 ptr1']);
    expect(result.claim.diagnoses.map((d) => d.code)).toEqual(['M5416']);
    expect(result.claim.totalChargeCents).toBe(102000);
    expect(result.applied.map((a) => a.ruleId).sort()).toEqual(['drug/not-separately-billable', 'dx/invalid-format', 'imaging/bundled']);
    const split = result.findings.find((f) => f.ruleId === 'primary/repeated')!;
    expect(split.suggestions?.map((x) => `${x.before} → ${x.after}`)).toEqual(['64483-RT ×2 1000.00 → 64483-RT 1000.00, 64484-RT 0.00']);
    expect(result.fate).toBe('held');
  });

  it('M54.16 with M51.16 and a facet injection pointed to radiculopathy: Excludes1 fixed, the re-point suggested', () => {
    const result = run({ dx: ['M5416', 'M5116', 'M47816'], lines: ['64483-LT ptr1', '64493-LT ptr1'] });
    expect(result.claim.diagnoses.map((d) => d.code)).toEqual(['M5116', 'M47816']);
    expect(lines(result.claim)).toEqual(['64483-LT x1 @100.00 ptr1', '64493-LT x1 @100.00 ptr1']);
    expect(result.applied.map((a) => [a.ruleId, a.before, a.after])).toEqual([
      ['dx/excludes1-radiculopathy', 'dx M5416, M5116, M47816; 64483-LT ptr 1, 64493-LT ptr 1', 'dx M5116, M47816; 64483-LT ptr 1, 64493-LT ptr 1'],
    ]);
    const repoint = result.findings.find((f) => f.ruleId === 'dx/not-supporting')!;
    expect(repoint.suggestions?.map((x) => `${x.before} → ${x.after}`)).toEqual(['64493-LT ptr 1 → 64493-LT ptr 2']);
    expect(result.fate).toBe('held');
  });

  it('an error without a fix holds the claim; guide turns the coverage limits off', () => {
    const held = run({ dx: ['M5416'], lines: ['64484-RT'] });
    expect(open(held)).toContain('addon/without-primary@1');
    expect(held.fate).toBe('held');
    const unguided = { dx: ['M5416'], lines: ['62322'] };
    expect(open(run(unguided, medicare))).toContain('esi/unguided@1');
    expect(open(run(unguided, guide))).not.toContain('esi/unguided@1');
  });

  it('a read problem holds an otherwise clean claim', () => {
    const result = run(claimOf({ dx: ['M5416'], lines: ['64483-RT'], readProblems: [{ code: 'X12_BAD_DATE', message: 'DTP at segment 30: bad date', location: { file: 'test.837', segment: 30 } }] }));
    expect(open(result)).toEqual(['input/read-problem']);
    expect(result.fate).toBe('held');
  });
});

// ---------------------------------------------------------------------------------------------------------------
const CODES = [
  '62320', '62321', '62322', '62323', '64479', '64480', '64483', '64484', '64490', '64491', '64492', '64493', '64494', '64495',
  '64633', '64634', '64635', '64636', '77003', '77012', '76942', 'Q9966', 'J0665', 'J1010', 'J1030', 'J3301', '99213', '20610', '0216T', '99152',
];
const MODIFIERS = ['', '-50', '-RT', '-LT', '-RT-KX', '-XS', '-59', '-25', '-GA'];
const DX = ['M5416', 'M5412', 'M5116', 'M47816', 'M47812', 'M4726', 'M541', 'M54.16', 'M5415', 'M961', 'Z9989', 'M48062', 'M545', 'M5450'];

const lineArb = fc
  .record({
    code: fc.constantFrom(...CODES),
    modifiers: fc.constantFrom(...MODIFIERS),
    units: fc.integer({ min: 1, max: 4 }),
    charge: fc.integer({ min: 0, max: 200000 }),
    pointers: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 }),
    day: fc.constantFrom('', ' dos:2026-10-02'),
  })
  .map(({ code, modifiers, units, charge, pointers, day }) => `${code}${modifiers} x${units} @${(charge / 100).toFixed(2)} ${pointers.length ? `ptr${pointers.join(',')}` : 'ptr-'}${day}`);

const claimArb = fc.record({
  dx: fc.array(fc.constantFrom(...DX), { minLength: 0, maxLength: 4 }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 7 }),
  pos: fc.constantFrom('11', '22', '24'),
  totalDelta: fc.constantFrom(0, 0, 0, 100),
});

describe('engine properties over random claims (whole catalogue)', () => {
  for (const policy of [medicare, guide]) {
    it(`terminates, is idempotent, keeps derived values, never mutates [${policy.name}]`, () => {
      fc.assert(
        fc.property(claimArb, ({ dx, lines: specLines, pos, totalDelta }) => {
          const input = deepFreeze(claimOf({ dx, lines: specLines, pos }));
          const claim = totalDelta ? deepFreeze({ ...input, totalChargeCents: input.totalChargeCents + totalDelta }) : input;
          const result = runRules(claim, { rules, policy, reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', fix: true, freeze: true });
          expect(result.applied.length).toBeLessThanOrEqual(DEFAULT_MAX_PASSES * rules.length * 10);
          if (result.changed) {
            expect(result.claim.lines.map((l) => l.lineNumber)).toEqual(result.claim.lines.map((_, i) => i + 1));
            const sum = result.claim.lines.reduce((s, l) => s + l.chargeCents, 0);
            const chargesMoved = result.applied.some((a) => a.changes.some((c) => ['set-units', 'set-charge', 'remove-line', 'add-line', 'set-total'].includes(c.op)));
            if (chargesMoved) expect(result.claim.totalChargeCents).toBe(sum);
            expect(new Set(result.claim.lines.map((l) => l.key)).size).toBe(result.claim.lines.length);
          } else {
            expect(result.claim).toBe(claim);
          }
          // Idempotence: the engine on its own output proposes no further fix.
          const again = runRules(result.claim, { rules, policy, reference: defaultReference, history: emptyHistory, asOf: '2026-11-27', fix: true, freeze: true });
          expect(again.applied.map((a) => `${a.ruleId}: ${a.before} → ${a.after}`)).toEqual([]);
          expect(again.findings.map((f) => f.ruleId)).toEqual(result.findings.map((f) => f.ruleId));
          expect(again.fate).toBe(result.fate);
          // Fate: held iff an error is open.
          expect(result.fate).toBe(result.findings.some((f) => f.severity === 'error') ? 'held' : 'ready');
        }),
        { numRuns: 150, seed: 20261127 },
      );
    });
  }
});
