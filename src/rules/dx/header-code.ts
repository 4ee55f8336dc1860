import type { IsoDate, ServiceLine } from '../../encounter/model.js';
import { defineRule } from '../types.js';

/** A category header is not billable: the claim must carry one of its billable children (dated table). */
/** The claim's dates of service, each once, in line order (one date, the usual case, without a set). */
function serviceDates(lines: readonly ServiceLine[]): IsoDate[] {
  if (lines.length === 0) return [];
  const first = lines[0]!.serviceDate;
  for (const line of lines) if (line.serviceDate !== first) return [...new Set(lines.map((l) => l.serviceDate))];
  return [first];
}

export default defineRule({
  meta: {
    id: 'dx/header-code',
    type: 'problem',
    scope: 'claim',
    phase: 'diagnoses',
    docs: {
      description: 'A diagnosis that is a category header (not billable on the date of service) must be replaced by one of its billable codes.',
      source:
        'ICD-10-CM tabular, by fiscal year (FY2018 M48.06, FY2020 M50.12, FY2022 M54.5, FY2025 M51.36/M51.37) [S27]',
      url: 'docs/rules/dx/header-code.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      header: 'Recode category header {{display}} to the billable code documented, one of {{children}}: a header is not billable on {{dos}}',
    },
  },
  check(encounter, context) {
    const { claim } = encounter;
    const dates = serviceDates(claim.lines);
    for (const diagnosis of claim.diagnoses) {
      if (diagnosis.icd9) continue;
      for (const dos of dates) {
        const info = context.reference.header(diagnosis.code, dos);
        if (info === undefined) continue;
        const children = info.children;
        context.report({
          messageId: 'header',
          data: { display: info.display, dos, children: children.length ? children.join(', ') : '(none listed)' },
          actual: diagnosis.code,
          expected: children,
        });
        break;
      }
    }
  },
});
