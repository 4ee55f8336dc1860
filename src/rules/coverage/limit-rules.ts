/**
 * The ⚑ coverage-limit rules (rules.md: "Coverage limits") whose findings `coverage/liability-modifier`
 * reads. Listed here, not taken from index.ts, so the registry and this rule do not import each other.
 * A test checks that this list holds every rule of index.ts with `meta.coverageLimit` (the history rules
 * frequency/* and rfa/repeat-interval join it when they are written).
 */
import type { RuleModule } from '../types.js';
import facetLevels from '../facet/levels.js';
import rfaLevels from '../rfa/levels.js';
import sedationWithInjection from '../sedation/with-injection.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const coverageLimitRules: readonly RuleModule<any, string>[] = [facetLevels, rfaLevels, sedationWithInjection];
