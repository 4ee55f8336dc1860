import type { Encounter } from '../../encounter/model.js';
import type { DiagnosisInfo } from '../../reference/types.js';
import { defineRule, type Change, type RuleContext } from '../types.js';

/**
 * M54.1- (radiculopathy) has an Excludes1 note for radiculopathy with a disc disorder (M50.1-, M51.1-) or with
 * spondylosis (M47.2-): when both describe the same region, the combination code is the right one. Different
 * regions are unrelated conditions (guideline I.A.12.a); M54.10 (site unspecified) names no region, so it cannot
 * be shown unrelated and conflicts with a combination code of any region. Thoracolumbar codes are left alone.
 * Spondylosis with radiculopathy (M47.2x) and without (M47.81x) at the same site contradict each other: which one
 * is right is the record's to say (docs/rules/dx/excludes1-radiculopathy.md).
 */
type Ids = 'excludes1' | 'withAndWithout';

/** A NOS radiculopathy this rule compares: of a definite region, or of no site at all. */
function comparable(info: DiagnosisInfo | undefined): boolean {
  return info?.excludesGroup === 'radiculopathy-nos' && (info.region === 'cervical-thoracic' || info.region === 'lumbar-sacral' || info.siteUnspecified === true);
}

export default defineRule<Record<string, unknown>, Ids>({
  meta: {
    id: 'dx/excludes1-radiculopathy',
    type: 'problem',
    scope: 'claim',
    phase: 'diagnoses',
    docs: {
      description:
        'Radiculopathy M54.1x must not be coded with a disc or spondylosis code with radiculopathy (M50.1x, M51.1x, M47.2x) of the same region (M54.10: of any region); spondylosis with (M47.2x) and without radiculopathy (M47.81x) of one site contradict.',
      source: 'ICD-10-CM tabular M54.1 Excludes1; guideline I.A.12.a; M47.2/M47.81 titles (with / without radiculopathy)',
      url: 'docs/rules/dx/excludes1-radiculopathy.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      excludes1: 'Remove {{code}} and point its lines to the combination code ({{combination}}): radiculopathy due to a disc disorder or spondylosis is coded with the combination code alone (Excludes1)',
      withAndWithout:
        'Keep one of {{with}} (spondylosis with radiculopathy) and {{without}} (without radiculopathy): the claim codes the same site both ways',
    },
  },
  check(encounter, context) {
    // Most claims have neither a NOS radiculopathy nor spondylosis of a site: asked per diagnosis, nothing built.
    const { claim } = encounter;
    const dos = claim.lines[0]?.serviceDate ?? encounter.serviceDate;
    for (const d of claim.diagnoses) {
      if (d.icd9) continue;
      const info = context.reference.diagnosis(d.code, dos);
      if (comparable(info) || info?.contradicts !== undefined) {
        reportConflicts(encounter, context);
        return;
      }
    }
  },
});

/** Each NOS radiculopathy with a combination code it excludes, and each with/without spondylosis pair. */
function reportConflicts(encounter: Encounter, context: RuleContext<Record<string, unknown>, Ids>): void {
  const { claim } = encounter;
  const dos = claim.lines[0]?.serviceDate ?? encounter.serviceDate;
  const diagnoses = claim.diagnoses;
  // Sized and filled by index (a claim has a few diagnoses).
  const infos = new Array<DiagnosisInfo | undefined>(diagnoses.length);
  for (let i = 0; i < diagnoses.length; i++) infos[i] = diagnoses[i]!.icd9 ? undefined : context.reference.diagnosis(diagnoses[i]!.code, dos);
  for (let i = 0; i < infos.length; i++) {
    const info = infos[i];
    if (!comparable(info)) continue;
    const anyRegion = info!.siteUnspecified === true;
    const combinations = infos
      .map((other, j) => ({ other, index: j + 1 }))
      .filter(({ other }) => other?.excludesGroup === 'combination' && (anyRegion || other.region === info!.region));
    if (combinations.length === 0) continue;
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
      fix = { changes, description: `remove ${info!.display}; point its lines to ${names}` };
    }
    context.report({
      messageId: 'excludes1',
      data: { code: info!.display, combination: names },
      actual: diagnoses[i]!.code,
      ...(fix ? { fix } : {}),
    });
  }
  // With and without radiculopathy at one site: reported once per pair, on the "with" code; no fix.
  for (let i = 0; i < infos.length; i++) {
    const info = infos[i];
    if (info?.contradicts === undefined || info.excludesGroup !== 'combination') continue;
    for (let j = 0; j < infos.length; j++) {
      const other = infos[j];
      if (other === undefined || !info.contradicts.includes(other.code)) continue;
      context.report({
        messageId: 'withAndWithout',
        data: { with: info.display, without: other.display },
        actual: `${info.display}, ${other.display}`,
        expected: [info.display, other.display],
      });
    }
  }
}
