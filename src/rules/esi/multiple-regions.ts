import type { ServiceLine } from '../../encounter/model.js';
import { lineLabel, regionName } from '../helpers.js';
import type { ReferenceData } from '../../reference/types.js';
import { defineRule } from '../types.js';

/**
 * ESI LCDs: one spinal region per session, and one approach (interlaminar or transforaminal) per region. The
 * lines of the region (or approach) that comes second in the claim are the ones beyond the limit.
 */
export default defineRule({
  meta: {
    id: 'esi/multiple-regions',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    docs: {
      description: 'ESI in both spinal regions in one session, or interlaminar and transforaminal ESI in the same region: the LCDs cover one region and one approach per session.',
      source: 'ESI LCD L39240 / A58993 and peers: one spinal region per session [S1][S2]',
      url: 'docs/rules/esi/multiple-regions.md',
    },
    severity: { medicare: 'warning', guide: 'off' },
    coverageLimit: true,
    messages: {
      regions:
        'Bill {{code}} ({{region}}) as not covered (Medicare: GA with an ABN on file, else GZ), or keep the ESI of one region only: the session already has an ESI in the {{other}} region, and the LCDs cover one region per session',
      approaches:
        'Bill {{code}} ({{approach}}) as not covered (Medicare: GA with an ABN on file, else GZ), or keep one approach: {{otherCode}} ({{otherApproach}}) is in the same region, and the LCDs cover one ESI approach per region per session',
    },
  },
  // Precondition for the engine: ESI lines only.
  families: ['esi-interlaminar', 'esi-transforaminal'],
  check(encounter, context) {
    // Most sessions have at most one ESI line: counted without a list or a closure.
    const { reference } = context;
    let count = 0;
    for (const line of encounter.lines) if (isCountedEsi(line, reference)) count++;
    if (count < 2) return;
    const esi: ServiceLine[] = [];
    for (const line of encounter.lines) if (isCountedEsi(line, reference)) esi.push(line);
    const firstRegion = esi[0]!.facts.region;
    const firstOfRegion = new Map<string, ServiceLine>();
    for (const line of esi) {
      if (line.facts.region !== firstRegion) {
        context.report({
          messageId: 'regions',
          data: { code: lineLabel(line), region: regionName(line.facts.region), other: regionName(firstRegion) },
          line,
        });
        continue;
      }
      // Same region: the approach that comes first is kept; lines of the other approach are beyond the limit.
      const first = firstOfRegion.get(line.facts.region);
      if (!first) firstOfRegion.set(line.facts.region, line);
      else if (first.facts.family !== line.facts.family) {
        context.report({
          messageId: 'approaches',
          data: {
            code: lineLabel(line),
            approach: approachName(line),
            otherCode: lineLabel(first),
            otherApproach: approachName(first),
          },
          line,
        });
      }
    }
  },
});

/** An ESI line of a definite region whose code the reference knows. */
function isCountedEsi(line: ServiceLine, reference: ReferenceData): boolean {
  return (
    (line.facts.family === 'esi-interlaminar' || line.facts.family === 'esi-transforaminal') &&
    line.facts.region !== 'none' &&
    reference.procedure(line.procedure, line.serviceDate) !== undefined
  );
}

function approachName(line: ServiceLine): string {
  return line.facts.family === 'esi-interlaminar' ? 'interlaminar' : 'transforaminal';
}
