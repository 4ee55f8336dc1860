import type { Encounter } from '../../encounter/model.js';
import type { DiagnosisInfo } from '../../reference/types.js';
import { defineRule, type Change, type RuleContext } from '../types.js';

/**
 * M54.1- (radiculopathy) has an Excludes1 note for radiculopathy with a disc disorder (M50.1-, M51.1-) or with
 * spondylosis (M47.2-): when both describe the same region, the combination code is the right one. Different
 * regions are unrelated conditions (guideline I.A.12.a). Regions that cannot be told (thoracolumbar, unspecified)
 * are left alone.
 */
export default defineRule({
  meta: {
    id: 'dx/excludes1-radiculopathy',
    type: 'problem',
    scope: 'claim',
    phase: 'diagnoses',
    docs: {
      description: 'Radiculopathy M54.1x must not be coded with a disc or spondylosis code with radiculopathy (M50.1x, M51.1x, M47.2x) of the same region.',
      source: 'ICD-10-CM tabular M54.1 Excludes1; guideline I.A.12.a',
      url: 'docs/rules/dx/excludes1-radiculopathy.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      excludes1: 'Unexpected {{code}} with {{combination}} (Excludes1): radiculopathy due to a disc disorder or spondylosis is coded with the combination code alone',
    },
  },
  check(encounter, context) {
    // Most claims have no NOS radiculopathy of a definite region: asked per diagnosis, nothing built.
    const { claim } = encounter;
    const dos = claim.lines[0]?.serviceDate ?? encounter.serviceDate;
    for (const d of claim.diagnoses) {
      if (d.icd9) continue;
      const info = context.reference.diagnosis(d.code, dos);
      if (info?.excludesGroup === 'radiculopathy-nos' && (info.region === 'cervical-thoracic' || info.region === 'lumbar-sacral')) {
        reportExcluded(encounter, context);
        return;
      }
    }
  },
});

/** Each NOS radiculopathy with a combination code of its region on the claim. */
function reportExcluded(encounter: Encounter, context: RuleContext<Record<string, unknown>, 'excludes1'>): void {
  const { claim } = encounter;
  const dos = claim.lines[0]?.serviceDate ?? encounter.serviceDate;
  const diagnoses = claim.diagnoses;
  // Sized and filled by index (a claim has a few diagnoses; asked for every claim with a NOS radiculopathy).
  const infos = new Array<DiagnosisInfo | undefined>(diagnoses.length);
  for (let i = 0; i < diagnoses.length; i++) infos[i] = diagnoses[i]!.icd9 ? undefined : context.reference.diagnosis(diagnoses[i]!.code, dos);
  for (let i = 0; i < infos.length; i++) {
    const info = infos[i];
    if (info?.excludesGroup !== 'radiculopathy-nos') continue;
    if (info.region !== 'cervical-thoracic' && info.region !== 'lumbar-sacral') continue;
    // Most such claims have no combination code of the region: nothing is built for them.
    if (!hasCombination(infos, info.region)) continue;
    const combinations = infos
      .map((other, j) => ({ other, index: j + 1 }))
      .filter(({ other }) => other?.excludesGroup === 'combination' && other.region === info.region);
    const index = i + 1;
    const names = combinations.map(({ other }) => other!.display).join(', ');
    let fix: { changes: Change[]; description: string } | undefined;
    if (combinations.length === 1) {
      const target = combinations[0]!.index;
      const changes: Change[] = [];
      for (const line of claim.lines) {
        if (!line.pointers.includes(index)) continue;
        const pointers: number[] = [];
        for (const p of line.pointers) {
          const mapped = p === index ? target : p;
          if (!pointers.includes(mapped)) pointers.push(mapped);
        }
        changes.push({ op: 'set-pointers', line: line.key, value: pointers });
      }
      changes.push({ op: 'remove-diagnosis', index });
      fix = { changes, description: `remove ${info.display}; point its lines to ${names}` };
    }
    context.report({
      messageId: 'excludes1',
      data: { code: info.display, combination: names },
      actual: claim.diagnoses[i]!.code,
      ...(fix ? { fix } : {}),
    });
  }
}

/** A combination code (M50.1x, M51.1x, M47.2x) of the region among the claim's diagnoses. */
function hasCombination(infos: readonly (DiagnosisInfo | undefined)[], region: DiagnosisInfo['region']): boolean {
  for (let j = 0; j < infos.length; j++) {
    const other = infos[j];
    if (other?.excludesGroup === 'combination' && other.region === region) return true;
  }
  return false;
}
