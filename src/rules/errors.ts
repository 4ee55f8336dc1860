/**
 * The error class of src/rules: a rule that breaks the rule contract (a rule bug, not a claim problem), such as a
 * fix from a rule without `meta.fixable`, an unknown messageId or a change addressing a line that does not exist.
 */
export class RuleContractError extends Error {
  readonly ruleId: string;
  constructor(ruleId: string, message: string) {
    super(`Rule ${ruleId}: ${message}`);
    this.name = 'RuleContractError';
    this.ruleId = ruleId;
  }
}
