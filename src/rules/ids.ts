/**
 * Rule ids that are not rules of the catalogue but appear in findings: the engine reports under them, and report/
 * and cli/ recognise them, so they live here rather than in the engine.
 */

/** The rule id under which a claim's read problems (X12_*, CSV_*) are reported: always an error, so the claim is held. */
export const READ_PROBLEM_RULE_ID = 'input/read-problem';
