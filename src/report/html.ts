/**
 * report.html: one self-contained page for analysts — totals, the held claims to work first with their reasons,
 * charges at risk, findings by rule and by rendering provider (inline SVG charts). No script, no external
 * resource (a Content-Security-Policy forbids any request), every value escaped.
 */
import { formatDollars } from '../encounter/money.js';
import type { ProviderCount, ReportAggregate } from './aggregate.js';
import type { ExceptionReportHead, RuleCount } from './types.js';

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.85}
main{padding:16px 24px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}
.totals{display:flex;flex-wrap:wrap;gap:12px}.total{min-width:120px;padding:8px 12px;border-radius:4px;background:#eef2f7}
.total b{display:block;font-size:22px}.total.held{background:#fde8e8}.total.ready{background:#e7f6ec}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
th{background:#f1f3f6;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
ul.reasons{margin:0;padding-left:18px}.sev-error{color:#b42318}.sev-warning{color:#9a6700}.sev-info{color:#475467}
.note{color:#475467;font-size:13px}svg text{font:12px system-ui,sans-serif;fill:#1d2430}
`;

function totalsSection(head: ExceptionReportHead): string {
  const totals = head.summary.totals;
  const charges = head.summary.chargesCents;
  const box = (label: string, value: string, kind = ''): string =>
    `<div class="total${kind ? ` ${kind}` : ''}" data-total="${escapeHtml(label)}"><b>${escapeHtml(value)}</b>${escapeHtml(label)}</div>`;
  return `<section id="totals"><h2>Totals</h2><div class="totals">
${box('files', String(totals.files))}
${box('claims', String(totals.claims))}
${box('ready', String(totals.ready), 'ready')}
${box('held', String(totals.held), 'held')}
${box('corrected lines', String(totals.correctedLines))}
${box('findings', String(totals.findings))}
${box('unreadable files', String(totals.unreadableFiles))}
</div></section>
<section id="charges"><h2>Charges at risk</h2><table>
<tr><th>claims</th><th class="num">charges</th></tr>
<tr><td>held (not released: an error remains)</td><td class="num" data-charges="held">${escapeHtml(formatDollars(charges.held))}</td></tr>
<tr><td>released with a warning (flagged)</td><td class="num" data-charges="flagged">${escapeHtml(formatDollars(charges.flagged))}</td></tr>
<tr><td>all claims read</td><td class="num" data-charges="total">${escapeHtml(formatDollars(charges.total))}</td></tr>
</table></section>`;
}

/** Files that could not be read come first: their claims (if any) are all held, and the run exits 3. */
function unreadableSection(head: ExceptionReportHead): string {
  const unreadable = head.summary.unreadable;
  if (unreadable.length === 0) return '';
  const rows = unreadable
    .map((entry) => `<tr data-unreadable="${escapeHtml(entry.file)}"><td>${escapeHtml(entry.file)}</td><td><code>${escapeHtml(entry.code)}</code></td><td>${escapeHtml(entry.message)}</td></tr>`)
    .join('\n');
  return `<section id="unreadable"><h2 class="sev-error">Files that could not be read (${unreadable.length})</h2>
<table><thead><tr><th>file</th><th>code</th><th>why</th></tr></thead>
<tbody>
${rows}
</tbody></table><p class="note">Nothing of these files was released; the claims that could be read are in held/.</p></section>
`;
}

function heldSection(aggregate: ReportAggregate): string {
  const held = aggregate.topHeld();
  if (held.length === 0) return `<section id="held"><h2>Held claims</h2><p>No claim is held.</p></section>`;
  const rows = held
    .map(
      (claim) => `<tr data-claim="${escapeHtml(claim.claimId)}"><td>${escapeHtml(claim.file)}</td><td>${escapeHtml(claim.claimId)}</td><td>${escapeHtml(claim.memberId)}</td><td>${escapeHtml(claim.serviceDate)}</td><td>${escapeHtml(claim.renderingNpi)}</td><td class="num">${escapeHtml(formatDollars(claim.chargeCents))}</td><td><ul class="reasons">${claim.reasons
        .map(
          (reason) =>
            `<li class="sev-${escapeHtml(reason.severity)}"><code>${escapeHtml(reason.ruleId)}</code>${reason.line === null ? '' : ` (line ${escapeHtml(reason.line)})`}: ${escapeHtml(reason.message)}</li>`,
        )
        .join('')}</ul></td></tr>`,
    )
    .join('\n');
  const more = aggregate.held - held.length;
  return `<section id="held"><h2>Held claims (${escapeHtml(aggregate.held)}), most charges first</h2>
<table><thead><tr><th>file</th><th>claim</th><th>member id</th><th>date of service</th><th>rendering NPI</th><th class="num">charges</th><th>reasons</th></tr></thead>
<tbody>
${rows}
</tbody></table>${more > 0 ? `<p class="note">and ${escapeHtml(more)} more held claims: see exceptions.csv.</p>` : ''}</section>`;
}

/** A horizontal bar chart, drawn as inline SVG (no script, no external resource). */
export function barChart(title: string, bars: { label: string; value: number }[]): string {
  const shown = bars.slice(0, 15);
  if (shown.length === 0) return '';
  const max = Math.max(...shown.map((bar) => bar.value), 1);
  const labelWidth = 260;
  const barWidth = 420;
  const rowHeight = 22;
  const height = shown.length * rowHeight + 8;
  const rows = shown
    .map((bar, index) => {
      const y = index * rowHeight + 4;
      const width = Math.max(1, Math.round((bar.value / max) * barWidth));
      return `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(bar.label)}</text><rect x="${labelWidth}" y="${y + 2}" width="${width}" height="${rowHeight - 6}" fill="#457b9d"></rect><text x="${labelWidth + width + 6}" y="${y + 14}">${escapeHtml(bar.value)}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="${escapeHtml(title)}" width="${labelWidth + barWidth + 60}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 60} ${height}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${rows}</svg>`;
}

function ruleSection(rules: RuleCount[]): string {
  if (rules.length === 0) return `<section id="by-rule"><h2>Findings by rule</h2><p>No findings.</p></section>`;
  const rows = rules
    .map(
      (rule) =>
        `<tr data-rule="${escapeHtml(rule.ruleId)}"><td><code>${escapeHtml(rule.ruleId)}</code></td><td class="num">${rule.findings}</td><td class="num">${rule.held}</td><td class="num">${rule.corrected}</td><td class="num">${rule.flagged}</td><td class="num">${rule.noted}</td></tr>`,
    )
    .join('\n');
  return `<section id="by-rule"><h2>Findings by rule</h2>
${barChart('Findings by rule', rules.map((rule) => ({ label: rule.ruleId, value: rule.findings })))}
<table><thead><tr><th>rule</th><th class="num">findings</th><th class="num">held</th><th class="num">corrected</th><th class="num">flagged</th><th class="num">noted</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

function providerSection(providers: ProviderCount[]): string {
  if (providers.length === 0) return `<section id="by-provider"><h2>Findings by rendering provider</h2><p>No findings.</p></section>`;
  const withFindings = providers.filter((provider) => provider.findings > 0);
  const rows = withFindings
    .map(
      (provider) =>
        `<tr data-provider="${escapeHtml(provider.npi)}"><td>${escapeHtml(provider.npi)}</td><td class="num">${provider.findings}</td><td class="num">${provider.held}</td><td class="num">${provider.corrected}</td><td class="num">${provider.flagged}</td><td class="num">${provider.noted}</td><td class="num">${provider.heldClaims}</td><td class="num">${escapeHtml(formatDollars(provider.heldChargeCents))}</td></tr>`,
    )
    .join('\n');
  return `<section id="by-provider"><h2>Findings by rendering provider</h2>
${barChart('Findings by rendering provider', withFindings.map((provider) => ({ label: `NPI ${provider.npi}`, value: provider.findings })))}
<table><thead><tr><th>rendering NPI</th><th class="num">findings</th><th class="num">held</th><th class="num">corrected</th><th class="num">flagged</th><th class="num">noted</th><th class="num">held claims</th><th class="num">held charges</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

function filesSection(head: ExceptionReportHead): string {
  const rows = head.summary.files
    .map(
      (file) =>
        `<tr data-file="${escapeHtml(file.file)}"><td>${escapeHtml(file.file)}</td><td>${escapeHtml(file.format ?? 'unknown')}</td><td class="num">${file.claims}</td><td class="num">${file.ready}</td><td class="num">${file.held}</td><td class="num">${file.correctedLines}</td><td>${file.problems.map((problem) => `<div class="sev-error"><code>${escapeHtml(problem.code)}</code> ${escapeHtml(problem.message)}</div>`).join('')}</td></tr>`,
    )
    .join('\n');
  return `<section id="files"><h2>Files</h2><table><thead><tr><th>file</th><th>format</th><th class="num">claims</th><th class="num">ready</th><th class="num">held</th><th class="num">corrected lines</th><th>problems</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

/** Claims per profile and payer class: who judged them (docs/payer-classes.md). */
function judgedSection(head: ExceptionReportHead): string {
  const rows = head.summary.judgedBy
    .map(
      (count) =>
        `<tr><td>${escapeHtml(count.profile ?? 'not checked')}</td><td>${escapeHtml(count.payerClass ?? 'none')}</td><td class="num">${count.claims}</td><td class="num">${count.ready}</td><td class="num">${count.held}</td></tr>`,
    )
    .join('\n');
  return `<section id="profiles"><h2>Profiles</h2><p class="note">The profile that judged each claim, from its payer class (claim filing indicator, or the policy's payer entry).</p><table><thead><tr><th>profile</th><th>payer class</th><th class="num">claims</th><th class="num">ready</th><th class="num">held</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

export function renderHtmlReport(head: ExceptionReportHead, aggregate: ReportAggregate): string {
  const summary = head.summary;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spinescrub report — ${escapeHtml(head.asOf)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>spinescrub exception report</h1><p>as of ${escapeHtml(head.asOf)} · policy ${escapeHtml(summary.policy.name)} · ${summary.options.fix ? 'fixes applied' : 'report only (--no-fix)'}${summary.options.history ? '' : ' · no history index'}</p></header>
<main>
${totalsSection(head)}
${unreadableSection(head)}${heldSection(aggregate)}
${ruleSection(summary.rules)}
${providerSection(aggregate.providers())}
${filesSection(head)}
${judgedSection(head)}
<p class="note">Every finding, with before and after values, is in exceptions.csv and exceptions.json beside this page.</p>
</main>
</body>
</html>
`;
}
