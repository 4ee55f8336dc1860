/**
 * drug/jw-jz — Medicare Part B: a separately payable drug from a single-dose container carries JW (the amount
 * discarded, billed on its own line) or JZ (nothing discarded), JZ required from 2023-07-01; JW and JZ do not
 * apply to multiple-dose containers. Which containers a code or NDC comes in is reference data (the drug table's
 * `container`), and a policy may name its NDCs (options `singleDoseNdcs`, `multipleDoseNdcs`): a code whose
 * containers depend on an NDC nobody named is left alone (docs/rules/drug/jw-jz.md).
 */
import type { ServiceLine } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { defineRule } from '../types.js';

interface Options {
  singleDoseNdcs?: string[];
  multipleDoseNdcs?: string[];
}

type Container = 'single-dose' | 'multiple-dose';

/** The NDC as 11 digits (hyphens dropped), or undefined. */
function ndcDigits(line: ServiceLine): string | undefined {
  const ndc = line.drug?.ndc;
  return ndc === undefined ? undefined : ndc.replace(/-/g, '');
}

function containerOf(line: ServiceLine, options: Options, reference: ReferenceData): Container | undefined {
  const ndc = ndcDigits(line);
  if (ndc !== undefined) {
    if (options.singleDoseNdcs?.includes(ndc)) return 'single-dose';
    if (options.multipleDoseNdcs?.includes(ndc)) return 'multiple-dose';
  }
  const container = reference.drug(line.procedure, line.serviceDate)?.container;
  return container === 'single-dose' || container === 'multiple-dose' ? container : undefined;
}

/** `NDC 00009307403 (J1010)` or `J3304`: what the message names. */
function what(line: ServiceLine): string {
  const ndc = ndcDigits(line);
  return ndc !== undefined ? `NDC ${ndc} (${line.procedure})` : line.procedure;
}

const NDC_LIST = { type: 'array', items: { type: 'string', pattern: '^\\d{11}$' }, uniqueItems: true };

export default defineRule<Options, 'missing' | 'both' | 'zWithW' | 'multiDose'>({
  meta: {
    id: 'drug/jw-jz',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    docs: {
      description:
        'Medicare Part B: a drug from a single-dose container needs JW (amount discarded) or JZ (nothing discarded), JZ required from 2023-07-01; JW/JZ never on a multiple-dose container.',
      source:
        'CMS JW/JZ modifier policy (MLN "Discarded Drugs and Biologicals — JW Modifier and JZ Modifier Policy" FAQ; CR issued 2023-06-02) [S24]',
      url: 'docs/rules/drug/jw-jz.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    hasSuggestions: true,
    schema: {
      type: 'object',
      properties: { singleDoseNdcs: NDC_LIST, multipleDoseNdcs: NDC_LIST },
      additionalProperties: false,
    },
    messages: {
      missing:
        'Add JZ to {{code}} if none of it was discarded, or bill the discarded amount on a {{code}}-JW line: {{drug}} comes in a single-dose container, and Medicare Part B requires JW or JZ on it',
      both: 'Keep JW or JZ on {{code}}, not both: JW bills a discarded amount, JZ says nothing was discarded',
      zWithW: 'Remove JZ from {{code}} or the {{jw}} line {{other}}: JZ says nothing of {{drug}} was discarded, and the JW line bills a discarded amount',
      multiDose: 'Remove {{modifier}} from {{code}}: {{drug}} comes in a multiple-dose container, and JW/JZ apply to single-dose containers only',
    },
  },
  defaultOptions: {},
  families: ['drug'],
  check(encounter, context) {
    const { reference, options } = context;
    const lines = encounter.lines;
    for (const line of lines) {
      if (line.facts.family !== 'drug') continue;
      const container = containerOf(line, options, reference);
      if (container === undefined) continue;
      const date = line.serviceDate;
      const hasW = line.modifiers.includes('JW') && reference.inList('discarded-drug-modifiers', 'JW', date);
      const hasZ = line.modifiers.includes('JZ') && reference.inList('discarded-drug-modifiers', 'JZ', date);
      const code = [line.procedure, ...line.modifiers].join('-');
      const drug = what(line);
      if (container === 'multiple-dose') {
        if (hasZ) {
          // JZ only informs: removing it cannot change what is paid.
          context.report({
            messageId: 'multiDose',
            data: { modifier: 'JZ', code, drug },
            line,
            actual: code,
            expected: [[line.procedure, ...line.modifiers.filter((m) => m !== 'JZ')].join('-')],
            fix: { changes: [{ op: 'set-modifiers', line: line.key, value: line.modifiers.filter((m) => m !== 'JZ') }], description: `remove JZ from ${line.procedure}` },
          });
        }
        // A JW line bills a discarded amount of a multiple-dose vial, which is not payable: the analyst decides.
        if (hasW) context.report({ messageId: 'multiDose', data: { modifier: 'JW', code, drug }, line, actual: code });
        continue;
      }
      if (!reference.inList('discarded-drug-required', 'JZ', date)) continue;
      if (hasW && hasZ) {
        context.report({ messageId: 'both', data: { code }, line, actual: code });
        continue;
      }
      if (hasZ) {
        const wLine = lines.find((other) => other !== line && other.procedure === line.procedure && other.modifiers.includes('JW'));
        if (wLine !== undefined) {
          const jw = [wLine.procedure, ...wLine.modifiers].join('-');
          context.report({ messageId: 'zWithW', data: { code, jw, other: wLine.lineNumber, drug }, line, actual: code });
        }
        continue;
      }
      if (hasW) continue;
      // Neither: a JW line of the same drug in the session marks this line as the administered amount (no JZ).
      if (lines.some((other) => other !== line && other.procedure === line.procedure && other.modifiers.includes('JW'))) continue;
      context.report({
        messageId: 'missing',
        data: { code, drug },
        line,
        actual: code,
        expected: [`${code}-JZ`, `${code} + ${line.procedure}-JW`],
        suggestions: [
          { description: `add JZ to ${line.procedure} (the record shows nothing discarded)`, fix: { changes: [{ op: 'set-modifiers', line: line.key, value: [...line.modifiers, 'JZ'] }] } },
        ],
      });
    }
  },
});
