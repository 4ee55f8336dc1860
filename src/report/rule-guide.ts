/**
 * What the reports tell an analyst about each rule beyond its finding: the public sources it rests on (the
 * `source` column names these with the rule's page in docs/rules/, never the project's internal notes) and the
 * next step that works the finding. Data, one entry per rule: test/report/rule-guide.test.ts checks that every
 * rule has both and that no entry names an internal file.
 */

export interface RuleGuide {
  /** Public documents the rule rests on (X12 guide, CPT/ICD-10-CM, CMS files, LCDs and articles, regulations). */
  sources: string;
  /** What the analyst does next, in one sentence (imperative). */
  next: string;
}

export const RULE_GUIDES: Readonly<Record<string, RuleGuide>> = {
  'claim/total-mismatch': {
    sources: 'X12 005010X222A1 CLM02 (total claim charge = sum of SV102)',
    next: 'Set the claim total to the sum of the line charges, or correct the line charge that is wrong.',
  },
  'claim/frequency-code': {
    sources: 'X12 005010X222A1 CLM05-3 and 2300 REF*F8',
    next: 'Use frequency 1 for an original claim; for a replacement (7) or void (8) add the payer claim number (REF*F8) from the remittance.',
  },
  'claim/pointer-invalid': {
    sources: 'X12 005010X222A1 SV107 (pointers 1–12 into HI, at most 4)',
    next: 'Point the line to 1–4 diagnoses that are on the claim.',
  },
  'claim/unknown-procedure': {
    sources: 'X12 005010X222A1 SV101-2 (HC qualifier: CPT/HCPCS)',
    next: 'Correct the procedure code from the procedure note.',
  },
  'claim/timely-filing': {
    sources: '42 CFR 424.44 (claims filed within 12 months of the date of service)',
    next: 'Check the date of service; if it is right, the claim is past the filing limit: do not submit it, write it off or appeal with proof of timely filing.',
  },
  'addon/without-primary': {
    sources: 'CPT add-on code rules; CMS NCCI add-on code file; MAC facet billing articles (A58364)',
    next: 'Add the primary code documented for the session, or remove the add-on if only one level was done.',
  },
  'dx/invalid-format': {
    sources: 'X12 005010X222A1 HI (ICD-10-CM, decimal point not transmitted)',
    next: 'Send the ICD-10-CM code without a decimal point.',
  },
  'dx/header-code': {
    sources: 'ICD-10-CM tabular list, by fiscal year',
    next: 'Replace the category header with its billable code (more characters) documented in the note.',
  },
  'dx/excludes1-radiculopathy': {
    sources: 'ICD-10-CM tabular M54.1 Excludes1; ICD-10-CM guideline I.A.12.a',
    next: 'Keep the disc or spondylosis code with radiculopathy and drop M54.1x.',
  },
  'dx/not-supporting': {
    sources: 'ESI LCD L39240 / article A58993 and peers (covered indications); facet LCDs L38803, L33930 (non-radicular pain)',
    next: 'Point the line to the diagnosis in the note that supports the procedure (radicular pain for an ESI, axial pain for facet or RFA).',
  },
  'dx/unsupported-unknown': {
    sources: 'ESI and facet LCD billing articles (covered ICD-10-CM groups)',
    next: 'Check that the pointed diagnosis is covered for the procedure in the LCD article.',
  },
  'dx/region-mismatch': {
    sources: 'ESI LCD L39240 / article A58993 (regions); MAC facet billing article A58364 (T12-L1 junction)',
    next: 'Point the line to a diagnosis of the region treated, or correct the procedure code to the region in the note.',
  },
  'dx/unspecified-site': {
    sources: 'ICD-10-CM tabular (site characters 0, 5, 9)',
    next: 'Code the diagnosis to the spinal region treated if the note documents it.',
  },
  'imaging/unguided-with-guidance': {
    sources: 'CPT parenthetical for 62320–62323 (do not report 77003/77012 with 62320–62323)',
    next: 'Bill the image-guided code (62321/62323) without the separate imaging line.',
  },
  'esi/interlaminar-units': {
    sources: 'CPT 62320–62323 (per region, not per level); CMS practitioner MUE table; ESI LCD L39240 / article A58993 and peers',
    next: 'Bill one line with 1 unit per session.',
  },
  'modifier/bilateral-not-allowed': {
    sources: 'CMS Medicare Physician Fee Schedule relative value file (bilateral surgery indicator 9 for 62320–62323)',
    next: 'Remove 50, RT and LT from the interlaminar ESI.',
  },
  'primary/repeated': {
    sources: 'CPT descriptors (single-level primary, each additional level add-on); CMS practitioner MUE table',
    next: 'Bill the primary once per side and the further levels with the add-on code.',
  },
  'addon/units': {
    sources: 'CPT descriptors 64490–64495 (second level; third and any additional levels, once per day); CMS practitioner MUE table',
    next: 'Bill the second level with 64491/64494 and any further levels once with 64492/64495.',
  },
  'modifier/bilateral': {
    sources: 'CMS Medicare Physician Fee Schedule relative value file (bilateral surgery indicator 1); Medicare Claims Processing Manual ch. 12 §40.7',
    next: 'Bill one line with modifier 50 instead of an RT and an LT line (or the payer\'s RT/LT style).',
  },
  'imaging/bundled': {
    sources: 'CPT descriptors of 62321, 62323, 64479–64495, 64633–64636 (imaging guidance included); CMS NCCI procedure-to-procedure edits',
    next: 'Remove the imaging guidance line: it is included in the spine code.',
  },
  'imaging/contrast': {
    sources: 'CPT descriptors of 62321, 62323, 64479–64484 (contrast injection included)',
    next: 'Remove the contrast line unless the payer pays office contrast separately.',
  },
  'drug/not-separately-billable': {
    sources: 'CMS NCCI Policy Manual ch. I and II (anesthesia by the surgeon included)',
    next: 'Remove the local anesthetic line: it is included in the procedure.',
  },
  'drug/deleted-code': {
    sources: 'CMS HCPCS quarterly update (J1010 replaces J1020, J1030, J1040 from 2024-04-01)',
    next: 'Recode the methylprednisolone to J1010, 1 unit per mg given.',
  },
  'drug/units': {
    sources: 'HCPCS long descriptors (billing units per code); CMS drug billing guidance (units = dose ÷ billing unit, rounded up)',
    next: 'Bill the units from the dose in the note divided by the code\'s billing unit, rounded up.',
  },
  'drug/facility-pos': {
    sources: 'Medicare Benefit Policy Manual ch. 15 §50.3 (a drug billed by the physician must be an expense to the physician)',
    next: 'Remove the drug line: in a facility place of service the facility bills the drug.',
  },
  'drug/ndc-missing': {
    sources: 'X12 005010X222A1 loop 2410 (LIN/CTP); X12 RFI 2151',
    next: 'Add the 11-digit NDC, quantity and unit from the vial used.',
  },
  'drug/ndc-format': {
    sources: 'X12 005010X222A1 loop 2410 LIN03 (11-digit NDC, 5-4-2, no hyphens); X12 RFI 2151',
    next: 'Send the NDC as 11 digits in 5-4-2 form without hyphens.',
  },
  'drug/miscoded': {
    sources: 'HCPCS descriptors (J1110 dihydroergotamine; J1885 ketorolac)',
    next: 'Check the drug given in the note and recode it (ketorolac is J1885).',
  },
  'drug/off-label': {
    sources: 'HCPCS descriptor and FDA label of J3304 (triamcinolone ER: intra-articular knee injection)',
    next: 'Check the drug given in the note; J3304 is labeled for the knee only.',
  },
  'facet/with-rfa': {
    sources: 'CMS NCCI procedure-to-procedure edits (64633–64636 with 64490–64495); MAC facet LCD text (bill only the nerve destruction)',
    next: 'Remove the facet injection, or add XS if the note documents it at different joints.',
  },
  'facet/with-rfa-distinct': {
    sources: 'CMS NCCI procedure-to-procedure edits (modifier indicator 1); CMS NCCI Policy Manual (XS, 59)',
    next: 'Check that the note documents the injection and the ablation at different joints.',
  },
  'esi/unguided': {
    sources: 'ESI LCD L39240 / article A58993 and peers (covered regions defined with 62321/62323; fluoroscopy or CT required)',
    next: 'Check the note for imaging guidance: recode to 62321/62323 if it was used, else add GA (ABN on file) or GZ.',
  },
  'imaging/ultrasound': {
    sources: 'Facet LCD billing article A57826 (ultrasound guidance not covered); CPT Category III codes 0213T–0218T, 0228T–0231T',
    next: 'Add GA (ABN on file) or GZ: ultrasound-guided injections are not covered.',
  },
  'esi/multiple-regions': {
    sources: 'ESI LCD L39240 / article A58993 and peers (one spinal region and one approach per session)',
    next: 'Check the note; bill one region and approach, or add GA (ABN on file) or GZ to the non-covered line.',
  },
  'esi/transforaminal-levels': {
    sources: 'ESI LCD L39240 / article A58993 and peers (at most 2 transforaminal levels per session)',
    next: 'Bill at most two levels per side, or add GA (ABN on file) or GZ to the extra level.',
  },
  'facet/levels': {
    sources: 'Facet LCDs L38803, L38765 and billing articles A57826, A58350 (1–2 levels per region per session)',
    next: 'Bill at most two levels per region, or add GA (ABN on file) or GZ to the third level.',
  },
  'rfa/levels': {
    sources: 'Facet LCDs L38803, L38765 and billing articles A57826, A58350 (1–2 joints per side per session)',
    next: 'Bill at most the covered joints per side, or add GA (ABN on file) or GZ to the extra units.',
  },
  'sedation/with-injection': {
    sources: 'ESI and facet LCDs (sedation not reasonable and necessary for ESI and facet injections); MAC anesthesia articles (CGS, FCSO)',
    next: 'Remove the sedation line unless the note documents medical necessity; then add GA (ABN on file) or GZ.',
  },
  'coverage/liability-modifier': {
    sources: 'CMS Medicare Claims Processing Manual ch. 30 §50 (ABN; modifiers GA, GZ, GX)',
    next: 'Add GA if an ABN is on file, GZ if not (GX, a voluntary ABN, does not cover an LCD limit).',
  },
  'claim/future-date': {
    sources: '42 CFR 424.32 (a claim bills services furnished); 005010X222A1 DTP*472 service date',
    next: 'Correct the date of service to the day the service was given, or hold the claim until after it.',
  },
  'drug/jw-jz': {
    sources: 'CMS JW and JZ modifier policy for Part B single-dose container drugs (JZ required from 2023-07-01); MLN FAQ on discarded drug amounts',
    next: 'Add JZ when nothing was discarded, or bill the discarded amount on its own line with JW; a multiple-dose drug takes neither.',
  },
  'ncci/ptp': {
    sources: 'CMS NCCI procedure-to-procedure edits, practitioner services (column 1/column 2, modifier indicator); NCCI Policy Manual, Chapter I',
    next: 'Remove the column-2 line, or, when the note documents a separate site, session or structure, add the NCCI-associated modifier (XS, XE, XP, XU or 59).',
  },
  'mue/units': {
    sources: 'CMS NCCI practitioner MUE table (MUE values and adjudication indicators)',
    next: 'Lower the units to what the note documents, within the MUE; split across dates only if the services were.',
  },
  'modifier/bilateral-ambiguous': {
    sources: 'CMS Medicare Physician Fee Schedule relative value file (bilateral surgery indicator 1); CPT add-on descriptors',
    next: 'Check the note: both sides at one level is one line with 50; a second level is the add-on code.',
  },
  'modifier/laterality-missing': {
    sources: 'CMS Medicare Physician Fee Schedule relative value file (bilateral surgery indicator 1); MAC facet billing articles (50, RT, LT)',
    next: 'Add RT, LT or 50 from the note.',
  },
  'modifier/distinct-procedure': {
    sources: 'CMS NCCI procedure-to-procedure edits (modifier indicator 1); CMS NCCI Policy Manual (59, XE, XP, XS, XU)',
    next: 'Add XS (or 59) to the second code if the note documents a separate site; else remove it.',
  },
  'modifier/prefer-x': {
    sources: 'CMS NCCI Policy Manual and CMS MLN "Proper Use of the XE, XP, XS, XU Modifiers"',
    next: 'Use XS instead of 59 when the procedures were at different sites.',
  },
  'em/same-day': {
    sources: 'Medicare Claims Processing Manual ch. 12 §40.1 and §30.6.6 (E/M on the day of a minor procedure; modifier 25); CMS physician fee schedule global days',
    next: 'Add 25 to the E/M if the note documents a separate, significant evaluation; else remove the E/M line.',
  },
  'history/duplicate': {
    sources: 'X12 005010X222A1 CLM05-3 (a correction is a replacement, frequency 7 with REF*F8)',
    next: 'If this corrects the earlier claim, send it as a replacement (7) with the payer claim number; else remove the duplicate line.',
  },
  'session/split': {
    sources: 'CPT add-on rules (an add-on with its primary); CMS bilateral billing (one line with 50)',
    next: 'Bill the session\'s lines on one claim (replace or void the other claim).',
  },
  'frequency/esi': {
    sources: 'ESI LCD L39240 / article A58993 and peers (at most 4 sessions per region in 12 months)',
    next: 'Check the patient\'s prior sessions; add GA (ABN on file) or GZ if this one is past the limit.',
  },
  'frequency/facet': {
    sources: 'Facet LCD L38803 and peers (4 diagnostic and 4 therapeutic sessions per region in 12 months)',
    next: 'Check the patient\'s prior sessions; add GA (ABN on file) or GZ if this one is past the limit.',
  },
  'frequency/rfa': {
    sources: 'Facet LCD L38803 and peers (2 RFA sessions per region in 12 months)',
    next: 'Check the patient\'s prior RFAs; add GA (ABN on file) or GZ if this one is past the limit.',
  },
  'facet/kx': {
    sources: 'Facet LCD L38803 and peers (KX on diagnostic facet injections; two diagnostic blocks before RFA)',
    next: 'Add KX to a diagnostic injection whose requirements are documented; remove KX from an RFA line.',
  },
  'rfa/prior-blocks': {
    sources: 'Facet LCD L38803 and peers (two diagnostic medial branch blocks before a first RFA)',
    next: 'Find the prior diagnostic blocks in the record (perhaps billed elsewhere); without them add GA (ABN on file) or GZ.',
  },
  'rfa/repeat-interval': {
    sources: 'Facet LCD L38803 and peers (repeat RFA not sooner than 6 months)',
    next: 'Check the date of the previous RFA; if under 6 months, add GA (ABN on file) or GZ.',
  },
  'global/rfa-followup': {
    sources: 'CMS physician fee schedule global days (010 for 64633–64636); Medicare Claims Processing Manual ch. 12 §40 (modifiers 24, 58, 78, 79)',
    next: 'Add 24 to an unrelated E/M, or 58/78/79 to a procedure, as the note documents; else remove the line.',
  },
};

/** The doc page of a rule, relative to the repository (and the installed package): docs/rules/<id>.md. */
export function rulePage(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

/**
 * The `source` of a finding: the rule's page and its public sources (`docs/rules/esi/unguided.md; ESI LCD …`).
 * A reader, writer or run problem (no rule) keeps its own source.
 */
export function publicSourceOf(ruleId: string, fallback: string): string {
  const guide = RULE_GUIDES[ruleId];
  return guide ? `${rulePage(ruleId)}; ${guide.sources}` : fallback;
}

/** The next step for a finding of a rule, or of a reader or run problem (by its code's prefix). */
export function nextStepOf(ruleId: string): string {
  const guide = RULE_GUIDES[ruleId];
  if (guide) return guide.next;
  if (ruleId.startsWith('X12_')) return 'Fix the file at the segment named (or ask the sender for a corrected file) and run it again.';
  if (ruleId.startsWith('CSV_')) return 'Fix the row named in the export (or the column map) and run the file again.';
  if (ruleId === 'RUN_WRITE_REFUSED') return 'Correct the value in the claim by hand: the automatic fix could not be written in this format.';
  return 'Look at the claim by hand and run it again; report the message if it looks like a bug.';
}
