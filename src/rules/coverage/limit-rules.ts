/**
 * The ⚑ coverage-limit rules (rules.md: "Coverage limits") whose findings `coverage/liability-modifier`
 * reads. Listed here, not taken from index.ts, so the registry and this rule do not import each other; a test
 * (test/rules/coverage/liability-modifier.test.ts) checks that every rule of index.ts with `meta.coverageLimit`
 * is here and that everything here is a ⚑ rule.
 */
import type { RuleModule } from '../types.js';
import esiMultipleRegions from '../esi/multiple-regions.js';
import esiTransforaminalLevels from '../esi/transforaminal-levels.js';
import esiUnguided from '../esi/unguided.js';
import facetLevels from '../facet/levels.js';
import frequencyEsi from '../frequency/esi.js';
import frequencyFacet from '../frequency/facet.js';
import frequencyRfa from '../frequency/rfa.js';
import imagingUltrasound from '../imaging/ultrasound.js';
import rfaLevels from '../rfa/levels.js';
import rfaRepeatInterval from '../rfa/repeat-interval.js';
import sedationWithInjection from '../sedation/with-injection.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const coverageLimitRules: readonly RuleModule<any, string>[] = [
  esiUnguided,
  imagingUltrasound,
  esiMultipleRegions,
  esiTransforaminalLevels,
  facetLevels,
  rfaLevels,
  sedationWithInjection,
  // Need the history index: run only when one is configured (context.history.available).
  frequencyEsi,
  frequencyFacet,
  frequencyRfa,
  rfaRepeatInterval,
];
