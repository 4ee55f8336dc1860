/**
 * Messages: a rule's message templates with ESLint's `{{name}}` placeholders, cut once per run, and the finding a
 * report becomes (severity, source, location and url stamped on it, as unified-lint-rule's wrapper does).
 */
import type { Claim, Encounter, ReadProblem } from '../../encounter/model.js';
import { RuleContractError } from '../errors.js';
import { READ_PROBLEM_RULE_ID } from '../ids.js';
import type { AnyRule, Finding, ReportDescriptor, Severity } from '../types.js';

export { READ_PROBLEM_RULE_ID };

/** A message template cut at its placeholders: text, then (name, placeholder as written, text) triples. */
export interface ParsedTemplate {
  template: string;
  head: string;
  names: string[];
  wholes: string[];
  tails: string[];
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

export function parseTemplate(template: string): ParsedTemplate {
  const parsed: ParsedTemplate = { template, head: template, names: [], wholes: [], tails: [] };
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const text = template.slice(last, match.index);
    if (parsed.names.length === 0) parsed.head = text;
    else parsed.tails[parsed.tails.length - 1] = text;
    parsed.names.push(match[1]!);
    parsed.wholes.push(match[0]);
    parsed.tails.push('');
    last = match.index + match[0].length;
  }
  if (parsed.names.length !== 0) parsed.tails[parsed.tails.length - 1] = template.slice(last);
  return parsed;
}

/** `{{name}}` → data.name; unknown placeholders are left as written. */
export function render(parsed: ParsedTemplate, data?: Record<string, string | number>): string {
  if (!data) return parsed.template;
  const { head, names, wholes, tails } = parsed;
  let text = head;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    text += (name in data ? String(data[name]) : wholes[i]!) + tails[i]!;
  }
  return text;
}

/** ESLint's message placeholders: `{{name}}` → data.name, unknown placeholders left as written. */
export function interpolate(template: string, data?: Record<string, string | number>): string {
  return render(parseTemplate(template), data);
}

/** A rule's templates by messageId, parsed. */
export type RuleTemplates = ReadonlyMap<string, ParsedTemplate>;

export function parseTemplates(rule: AnyRule): RuleTemplates {
  const templates = new Map<string, ParsedTemplate>();
  for (const [messageId, template] of Object.entries(rule.meta.messages as Record<string, string>)) templates.set(messageId, parseTemplate(template));
  return templates;
}

/** What a finding takes from its rule, under the policy of the run. */
export interface FindingStamp {
  id: string;
  source: string;
  url: string | undefined;
  severity: Severity;
  templates: RuleTemplates;
}

/** The finding of one report on `encounter` of `claim`. */
export function makeFinding(claim: Claim, encounter: Encounter, stamp: FindingStamp, descriptor: ReportDescriptor): Finding {
  const parsed = stamp.templates.get(descriptor.messageId);
  if (parsed === undefined) throw new RuleContractError(stamp.id, `unknown messageId '${descriptor.messageId}'`);
  const line = descriptor.line;
  const finding: Finding = {
    ruleId: stamp.id,
    source: stamp.source,
    severity: stamp.severity,
    messageId: descriptor.messageId,
    message: render(parsed, descriptor.data),
    location: line
      ? { file: claim.source.file, claimId: claim.claimId, lineNumber: line.lineNumber, lineKey: line.key, source: line.source }
      : { file: claim.source.file, claimId: claim.claimId, source: claim.source },
  };
  const serviceDate = line?.serviceDate ?? encounter.serviceDate;
  if (serviceDate) finding.serviceDate = serviceDate;
  if (line) finding.procedure = line.procedure;
  if (descriptor.actual !== undefined) finding.actual = descriptor.actual;
  if (descriptor.expected !== undefined) finding.expected = descriptor.expected;
  if (descriptor.fix !== undefined) finding.fix = descriptor.fix;
  if (descriptor.cause !== undefined) finding.cause = descriptor.cause;
  if (stamp.url !== undefined) finding.url = stamp.url;
  return finding;
}

/** A read problem of the claim as a finding: an error under READ_PROBLEM_RULE_ID, its code as the messageId. */
export function readProblemFinding(claim: Claim, problem: ReadProblem): Finding {
  return {
    ruleId: READ_PROBLEM_RULE_ID,
    source: 'input file',
    severity: 'error',
    messageId: problem.code,
    message: problem.message,
    location: { file: claim.source.file, claimId: claim.claimId, source: problem.location },
  };
}
