/**
 * Every rule of the catalogue (docs/rules/README.md), one import per rule. The engine orders them by
 * `meta.phase`; within a phase, this list's order (the recodes run in the catalogue's order).
 * Add a rule with one import and one entry below.
 */
import type { AnyRule } from './types.js';

import addonUnits from './addon/units.js';
import addonWithoutPrimary from './addon/without-primary.js';
import claimFrequencyCode from './claim/frequency-code.js';
import claimFutureDate from './claim/future-date.js';
import claimPointerInvalid from './claim/pointer-invalid.js';
import claimTimelyFiling from './claim/timely-filing.js';
import claimTotalMismatch from './claim/total-mismatch.js';
import claimUnknownProcedure from './claim/unknown-procedure.js';
import coverageLiabilityModifier from './coverage/liability-modifier.js';
import drugDeletedCode from './drug/deleted-code.js';
import drugFacilityPos from './drug/facility-pos.js';
import drugJwJz from './drug/jw-jz.js';
import drugMiscoded from './drug/miscoded.js';
import drugNdcFormat from './drug/ndc-format.js';
import drugNdcMissing from './drug/ndc-missing.js';
import drugNotSeparatelyBillable from './drug/not-separately-billable.js';
import drugOffLabel from './drug/off-label.js';
import drugUnits from './drug/units.js';
import dxExcludes1Radiculopathy from './dx/excludes1-radiculopathy.js';
import dxHeaderCode from './dx/header-code.js';
import dxInvalidFormat from './dx/invalid-format.js';
import dxNotSupporting from './dx/not-supporting.js';
import dxRegionMismatch from './dx/region-mismatch.js';
import dxUnspecifiedSite from './dx/unspecified-site.js';
import dxUnsupportedUnknown from './dx/unsupported-unknown.js';
import emSameDay from './em/same-day.js';
import esiInterlaminarUnits from './esi/interlaminar-units.js';
import esiMultipleRegions from './esi/multiple-regions.js';
import esiTransforaminalLevels from './esi/transforaminal-levels.js';
import esiUnguided from './esi/unguided.js';
import facetLevels from './facet/levels.js';
import facetWithRfa from './facet/with-rfa.js';
import facetWithRfaDistinct from './facet/with-rfa-distinct.js';
import imagingBundled from './imaging/bundled.js';
import imagingContrast from './imaging/contrast.js';
import imagingUltrasound from './imaging/ultrasound.js';
import imagingUnguidedWithGuidance from './imaging/unguided-with-guidance.js';
import modifierBilateral from './modifier/bilateral.js';
import modifierBilateralAmbiguous from './modifier/bilateral-ambiguous.js';
import modifierBilateralNotAllowed from './modifier/bilateral-not-allowed.js';
import modifierDistinctProcedure from './modifier/distinct-procedure.js';
import ncciPtp from './ncci/ptp.js';
import modifierLateralityMissing from './modifier/laterality-missing.js';
import modifierPreferX from './modifier/prefer-x.js';
import mueUnits from './mue/units.js';
import primaryRepeated from './primary/repeated.js';
import rfaLevels from './rfa/levels.js';
import sedationWithInjection from './sedation/with-injection.js';
import facetKx from './facet/kx.js';
import frequencyEsi from './frequency/esi.js';
import frequencyFacet from './frequency/facet.js';
import frequencyRfa from './frequency/rfa.js';
import globalRfaFollowup from './global/rfa-followup.js';
import historyDuplicate from './history/duplicate.js';
import rfaPriorBlocks from './rfa/prior-blocks.js';
import rfaRepeatInterval from './rfa/repeat-interval.js';
import sessionSplit from './session/split.js';

export const rules: readonly AnyRule[] = [
  // claim structure
  claimTotalMismatch,
  claimFrequencyCode,
  claimPointerInvalid,
  claimUnknownProcedure,
  claimTimelyFiling,
  claimFutureDate,
  addonWithoutPrimary,
  // diagnoses
  dxInvalidFormat,
  dxHeaderCode,
  dxExcludes1Radiculopathy,
  dxNotSupporting,
  dxUnsupportedUnknown,
  dxRegionMismatch,
  dxUnspecifiedSite,
  // recodes, in the catalogue's order
  imagingUnguidedWithGuidance,
  esiInterlaminarUnits,
  modifierBilateralNotAllowed,
  primaryRepeated,
  addonUnits,
  modifierBilateral,
  // removals
  imagingBundled,
  imagingContrast,
  drugNotSeparatelyBillable,
  drugDeletedCode,
  drugUnits,
  drugFacilityPos,
  drugNdcMissing,
  drugNdcFormat,
  drugJwJz,
  drugMiscoded,
  drugOffLabel,
  facetWithRfa,
  facetWithRfaDistinct,
  ncciPtp,
  // coverage limits (⚑), then the liability modifier that reads them
  esiUnguided,
  imagingUltrasound,
  esiMultipleRegions,
  esiTransforaminalLevels,
  facetLevels,
  rfaLevels,
  sedationWithInjection,
  coverageLiabilityModifier,
  // units
  mueUnits,
  // other session checks
  modifierBilateralAmbiguous,
  modifierLateralityMissing,
  modifierDistinctProcedure,
  modifierPreferX,
  emSameDay,
  // history rules (history/*, frequency/*, rfa/*, global/*, session/split, facet/kx)
  historyDuplicate,
  sessionSplit,
  frequencyEsi,
  frequencyFacet,
  frequencyRfa,
  facetKx,
  rfaPriorBlocks,
  rfaRepeatInterval,
  globalRfaFollowup,
];

export function ruleById(id: string): AnyRule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}
