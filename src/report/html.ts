/**
 * report.html: one self-contained page to work held claims from — totals, charges at risk, every held claim (up to
 * HTML_HELD_LIMIT, most charges first) with text severity badges, each finding's next step and its rule page, money
 * per rule, findings by rendering provider and payer (inline SVG charts), the files. One small inline script
 * filters, groups, sorts and pages the held claims; a Content-Security-Policy allows that script and the style
 * sheet by their sha256 hashes and forbids any request. With scripting off every listed claim is shown and the
 * controls stay hidden. Every value is escaped. Written as a stream (the held claims come one by one).
 */
import { createHash } from 'node:crypto';
import { formatDollars } from '../encounter/money.js';
import type { PayerCount, ProviderCount, ReportAggregate } from './aggregate.js';
import type { HeldRecord } from './held.js';
import { nextStepOf, rulePage, RULE_GUIDES } from './rule-guide.js';
import type { ExceptionReportHead, RuleCount } from './types.js';

/**
 * How many held claims the page lists, most charges first: the page stays quick to open in a browser on a large
 * backlog (held-claims.csv and exceptions.json list every held claim). The page says so when it cuts.
 */
export const HTML_HELD_LIMIT = 5_000;

/** Claims a page of the list shows when scripting is on. */
export const HTML_PAGE_SIZE = 100;

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
[hidden]{display:none!important}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.85}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}
.totals{display:flex;flex-wrap:wrap;gap:12px}.total{min-width:120px;padding:8px 12px;border-radius:4px;background:#eef2f7}
.total b{display:block;font-size:22px}.total.held{background:#fde8e8}.total.ready{background:#e7f6ec}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
th{background:#f1f3f6;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note{color:#475467;font-size:13px}svg text{font:12px system-ui,sans-serif;fill:#1d2430}
.badge{display:inline-block;min-width:4.6em;text-align:center;font-size:11px;font-weight:700;letter-spacing:.03em;border-radius:3px;padding:0 4px;margin-right:4px;border:1px solid}
.badge.error{color:#8a1c12;background:#fde8e8;border-color:#f4b4ae}.badge.warning{color:#7a5200;background:#fff4d6;border-color:#f0d48a}.badge.info{color:#344054;background:#eef2f7;border-color:#cfd6e0}
.sev-error{color:#b42318}.brief{display:none}
ol.findings{margin:0;padding-left:0;list-style:none}ol.findings li{margin:0 0 4px;overflow-wrap:anywhere}
.next{color:#344054;font-size:13px;margin-left:1.2em}.next b{font-weight:600}
td.claim-id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;overflow-wrap:anywhere}
table.claims{table-layout:fixed}.claims td{overflow-wrap:anywhere}
.chunk{content-visibility:auto;contain-intrinsic-size:auto 16000px}
table.claims col.c-charge{width:6.6em}table.claims col.c-claim{width:8em}table.claims col.c-file{width:9em}table.claims col.c-member{width:8.4em}table.claims col.c-date{width:7.4em}table.claims col.c-npi{width:7.8em}table.claims col.c-payer{width:8em}
table.claims td:nth-child(5),table.claims td:nth-child(6){white-space:nowrap}.dir{color:#667085}table.claims tr.group th{background:#e8eef6;font-size:13px}
#controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;margin:8px 0}#controls label{display:flex;flex-direction:column;font-size:12px;color:#475467}
#controls select,#controls input,#controls button{font:inherit;font-size:13px;padding:2px 4px}
#pager{display:flex;gap:8px;align-items:center;margin:8px 0}
tr.filtered-out{display:none}
@media screen{tr.off-page{display:none}}
@media print{
@page{size:letter landscape;margin:8mm}
body{font-size:6.5pt;line-height:1.2;background:#fff}header{background:none;color:#000;padding:0 0 3pt}header h1{font-size:11pt}header p{opacity:1}
main{padding:0;max-width:none}section{border:0;border-radius:0;padding:0;margin:0 0 5pt}h2{font-size:9pt;margin:0 0 2pt}
#controls,#pager,svg,button,ol.findings,#by-rule td:last-child,#by-rule th:last-child{display:none!important}
.brief{display:block!important}
.total{min-width:0;padding:0 4pt}.total b{font-size:9pt;display:inline;margin-right:2pt}.totals{gap:2pt}
th,td{padding:0 2pt}tr{break-inside:avoid}thead{display:table-header-group}
table.claims col.c-charge{width:5.8em}table.claims col.c-claim{width:8.6em}table.claims col.c-file{width:8em}table.claims col.c-member{width:8.6em}table.claims col.c-date{width:6.6em}table.claims col.c-npi{width:7.2em}table.claims col.c-payer{width:6.6em}
table.claims td{overflow-wrap:normal;white-space:nowrap;overflow:hidden}.chunk{content-visibility:visible}table.claims td:nth-child(3),table.claims td:nth-child(8){overflow-wrap:anywhere;white-space:normal}.payer-name,.dir{display:none}
td.claim-id{font-size:7pt}ol.findings li{margin:0}.badge{min-width:0;font-size:5.5pt;padding:0 1pt;margin-right:2pt}
a{color:inherit;text-decoration:none}.note{font-size:7pt}
}
`;

/**
 * The page's script (no template or external dependency): reads each held claim's data attributes once, then
 * filters (rule, provider, payer, file, claim or member id), sorts (charges, date), groups (rule, provider, payer,
 * file: by group, most held charges first) and pages the list; buttons in the tables below set a filter.
 */
const SCRIPT = `(function () {
  'use strict';
  var PAGE = ${HTML_PAGE_SIZE};
  var body = document.getElementById('claims-body');
  var controls = document.getElementById('controls');
  if (!body || !controls) return;
  // The list arrives in chunks of rows (the browser lays out only those on screen); the script keeps one.
  var rows = Array.prototype.slice.call(document.querySelectorAll('#claims-list tr.claim')).map(function (tr) {
    return { tr: tr, rank: Number(tr.getAttribute('data-rank')), charge: Number(tr.getAttribute('data-charge')), date: tr.getAttribute('data-date') || '',
      rules: (tr.getAttribute('data-rules') || '').split(' ').filter(Boolean), provider: tr.getAttribute('data-provider') || '',
      payer: tr.getAttribute('data-payer') || '', file: tr.getAttribute('data-file') || '',
      text: ((tr.getAttribute('data-claim') || '') + ' ' + (tr.getAttribute('data-member') || '')).toLowerCase() };
  });
  var field = function (name) { return document.getElementById('f-' + name); };
  var state = { page: 0, shown: [], order: [] };
  var money = function (cents) {
    var d = Math.floor(Math.abs(cents) / 100).toString().replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
    var c = String(Math.abs(cents) % 100); if (c.length < 2) c = '0' + c;
    return (cents < 0 ? '-' : '') + '$' + d + '.' + c;
  };
  function fill(name, values, label) {
    var select = field(name); var counts = {};
    rows.forEach(function (row) { values(row).forEach(function (value) { counts[value] = (counts[value] || 0) + 1; }); });
    Object.keys(counts).sort().forEach(function (value) {
      var option = document.createElement('option'); option.value = value;
      option.textContent = label(value) + ' (' + counts[value] + ')'; select.appendChild(option);
    });
  }
  var payerNames = {};
  rows.forEach(function (row) { if (!(row.payer in payerNames)) payerNames[row.payer] = row.tr.getAttribute('data-payer-name') || ''; });
  fill('rule', function (row) { return row.rules; }, function (v) { return v; });
  fill('provider', function (row) { return [row.provider]; }, function (v) { return v ? 'NPI ' + v : '(none)'; });
  fill('payer', function (row) { return [row.payer]; }, function (v) { return payerNames[v] ? payerNames[v] + ' (' + v + ')' : v; });
  fill('file', function (row) { return [row.file]; }, function (v) { return v; });
  function keyOf(row, group) {
    if (group === 'rule') return row.rules[0] || '';
    return row[group];
  }
  function apply(keepPage) {
    var rule = field('rule').value, provider = field('provider').value, payer = field('payer').value, file = field('file').value;
    var search = field('search').value.trim().toLowerCase(), sort = field('sort').value, group = field('group').value;
    rows.forEach(function (row) {
      row.on = (!rule || row.rules.indexOf(rule) >= 0) && (!provider || row.provider === provider) && (!payer || row.payer === payer) &&
        (!file || row.file === file) && (!search || row.text.indexOf(search) >= 0);
      row.tr.classList.toggle('filtered-out', !row.on);
    });
    var by = {
      'charges-desc': function (a, b) { return b.charge - a.charge || a.rank - b.rank; },
      'charges-asc': function (a, b) { return a.charge - b.charge || a.rank - b.rank; },
      'date-asc': function (a, b) { return (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || a.rank - b.rank; },
      'date-desc': function (a, b) { return (a.date > b.date ? -1 : a.date < b.date ? 1 : 0) || a.rank - b.rank; }
    }[sort];
    var totals = {};
    if (group) rows.forEach(function (row) {
      var k = keyOf(row, group); totals[k] = totals[k] || { n: 0, cents: 0 };
      if (row.on) { totals[k].n++; totals[k].cents += row.charge; }
    });
    // Every row keeps its place in the sorted order (hidden when filtered out): a filter alone moves nothing.
    var order = rows.slice().sort(function (a, b) {
      if (group) {
        var ka = keyOf(a, group), kb = keyOf(b, group);
        if (ka !== kb) return totals[kb].cents - totals[ka].cents || totals[kb].n - totals[ka].n || (ka < kb ? -1 : 1);
      }
      return by(a, b);
    });
    Array.prototype.slice.call(body.querySelectorAll('tr.group')).forEach(function (tr) { tr.remove(); });
    var same = state.order.length === order.length && order.every(function (row, i) { return row === state.order[i]; });
    if (!same) {
      var fragment = document.createDocumentFragment();
      order.forEach(function (row) { fragment.appendChild(row.tr); });
      body.appendChild(fragment);
      state.order = order;
    }
    var shown = order.filter(function (row) { return row.on; });
    var last = null;
    shown.forEach(function (row) {
      row.groupHead = null;
      if (!group) return;
      var k = keyOf(row, group);
      if (k === last) return;
      var head = document.createElement('tr'); head.className = 'group'; head.setAttribute('data-group', k);
      var th = document.createElement('th'); th.colSpan = 8;
      th.textContent = (group === 'rule' ? 'first open rule ' : group + ' ') + (k || '(none)') + ': ' + totals[k].n + ' held claim' + (totals[k].n === 1 ? '' : 's') + ', ' + money(totals[k].cents);
      head.appendChild(th); body.insertBefore(head, row.tr); row.groupHead = head; last = k;
    });
    state.shown = shown;
    if (!keepPage) state.page = 0;
    render();
  }
  function render() {
    var pages = Math.max(1, Math.ceil(state.shown.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.page * PAGE, to = Math.min(state.shown.length, from + PAGE);
    var heads = body.querySelectorAll('tr.group');
    Array.prototype.forEach.call(heads, function (tr) { tr.classList.add('off-page'); });
    var cents = 0;
    state.shown.forEach(function (row, i) {
      cents += row.charge;
      var on = i >= from && i < to;
      row.tr.classList.toggle('off-page', !on);
      if (on && row.groupHead) row.groupHead.classList.remove('off-page');
    });
    if (from < to && !state.shown[from].groupHead) {
      var prev = state.shown[from].tr.previousElementSibling;
      while (prev && !prev.classList.contains('group')) prev = prev.previousElementSibling;
      if (prev) prev.classList.remove('off-page');
    }
    document.getElementById('status').textContent = state.shown.length === 0 ? 'No held claim matches.' :
      'Showing ' + (from + 1) + '\\u2013' + to + ' of ' + state.shown.length + ' held claims (' + money(cents) + '), page ' + (state.page + 1) + ' of ' + pages + '.';
    document.getElementById('prev').disabled = state.page === 0;
    document.getElementById('next').disabled = state.page >= pages - 1;
  }
  ['rule', 'provider', 'payer', 'file', 'sort', 'group'].forEach(function (name) { field(name).addEventListener('change', function () { apply(false); }); });
  field('search').addEventListener('input', function () { apply(false); });
  document.getElementById('prev').addEventListener('click', function () { state.page--; render(); });
  document.getElementById('next').addEventListener('click', function () { state.page++; render(); });
  document.getElementById('reset').addEventListener('click', function () {
    ['rule', 'provider', 'payer', 'file', 'group', 'search'].forEach(function (name) { field(name).value = ''; });
    field('sort').value = 'charges-desc'; apply(false);
  });
  Array.prototype.forEach.call(document.querySelectorAll('button[data-filter]'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var select = field(button.getAttribute('data-filter'));
      select.value = button.getAttribute('data-value');
      apply(false);
      document.getElementById('held').scrollIntoView();
    });
  });
  controls.hidden = false;
  document.getElementById('pager').hidden = false;
  apply(false);
  Array.prototype.forEach.call(document.querySelectorAll('#claims-list .chunk'), function (chunk) {
    if (!chunk.contains(body)) chunk.remove();
  });
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's Content-Security-Policy: its one script and its style sheet by hash, nothing else, no request. */
export const REPORT_CSP = `default-src 'none'; script-src ${sha256(SCRIPT)}; style-src ${sha256(STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;

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

const SEVERITY_LABEL = { error: 'ERROR', warning: 'WARNING', info: 'INFO' } as const;

/** A filter button for the tables below the list (shown by the script only). */
function filterButton(filter: 'rule' | 'provider' | 'payer' | 'file', value: string, count: number): string {
  if (count === 0) return '';
  return ` <button type="button" data-filter="${filter}" data-value="${escapeHtml(value)}" hidden>show held</button>`;
}

/** The held-claims section up to its list's rows (heldRow writes each row; heldSectionClose ends it). */
function heldSectionOpen(total: number, listed: number, heldCents: number): string {
  if (total === 0) return `<section id="held"><h2>Held claims</h2><p>No claim is held.</p></section>\n`;
  const limit =
    listed < total
      ? `This page lists the ${listed.toLocaleString('en-US')} held claims with the most charges (a page lists at most ${HTML_HELD_LIMIT.toLocaleString('en-US')}, so that it opens quickly); all ${total.toLocaleString('en-US')} are in held-claims.csv and exceptions.json.`
      : `All ${total.toLocaleString('en-US')} held claims are listed (a page lists at most ${HTML_HELD_LIMIT.toLocaleString('en-US')}; held-claims.csv and exceptions.json always list all).`;
  return `<section id="held"><h2>Held claims (${escapeHtml(total)}, ${escapeHtml(formatDollars(heldCents))}): the work queue, most charges first</h2>
<p class="note" id="held-limit" data-listed="${listed}" data-total="${total}">${limit} With scripting on, ${HTML_PAGE_SIZE} claims a page: filter, group and sort below.</p>
<div id="controls" hidden>
<label>rule<select id="f-rule"><option value="">all rules</option></select></label>
<label>rendering provider<select id="f-provider"><option value="">all providers</option></select></label>
<label>payer<select id="f-payer"><option value="">all payers</option></select></label>
<label>file<select id="f-file"><option value="">all files</option></select></label>
<label>claim or member id<input id="f-search" type="search" size="14"></label>
<label>sort<select id="f-sort"><option value="charges-desc">charges, most first</option><option value="charges-asc">charges, least first</option><option value="date-asc">date of service, oldest first</option><option value="date-desc">date of service, newest first</option></select></label>
<label>group by<select id="f-group"><option value="">no grouping</option><option value="rule">first open rule</option><option value="provider">rendering provider</option><option value="payer">payer</option><option value="file">file</option></select></label>
<button type="button" id="reset">reset</button>
</div>
<div id="pager" hidden><button type="button" id="prev">previous</button><span id="status" role="status"></span><button type="button" id="next">next</button></div>
<div id="claims-list"><table class="claims"><colgroup><col class="c-charge"><col class="c-claim"><col class="c-file"><col class="c-member"><col class="c-date"><col class="c-npi"><col class="c-payer"><col></colgroup><thead><tr><th class="num">charges</th><th>claim</th><th>file</th><th>member id</th><th>date of service</th><th>rendering NPI</th><th>payer</th><th>open findings: next step</th></tr></thead></table>
<div class="chunk"><table class="claims"><colgroup><col class="c-charge"><col class="c-claim"><col class="c-file"><col class="c-member"><col class="c-date"><col class="c-npi"><col class="c-payer"><col></colgroup><tbody id="claims-body">
`;
}

/** Rows a chunk of the list holds (a chunk off screen is not laid out: content-visibility). */
const CHUNK_ROWS = 100;

const COLGROUP = '<colgroup><col class="c-charge"><col class="c-claim"><col class="c-file"><col class="c-member"><col class="c-date"><col class="c-npi"><col class="c-payer"><col></colgroup>';

/** Between two chunks of rows. */
const CHUNK_BREAK = `</tbody></table></div>\n<div class="chunk"><table class="claims">${COLGROUP}<tbody>\n`;

function heldSectionClose(total: number): string {
  return total === 0 ? '' : `</tbody></table></div></div></section>\n`;
}

function dates(record: HeldRecord): string {
  const first = record.firstServiceDate;
  const last = record.lastServiceDate;
  if (first === null) return '';
  return last !== null && last !== first ? `${first}–${last}` : first;
}

/** A file name with its folder part marked (print shows the base name only). */
function fileCell(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? escapeHtml(file) : `<span class="dir">${escapeHtml(file.slice(0, slash + 1))}</span>${escapeHtml(file.slice(slash + 1))}`;
}

/** One held claim of the list: a row with its data attributes (for the script, tests and scripts). */
export function heldRow(record: HeldRecord, rank: number): string {
  const payerKey = record.payerId ?? record.payerName ?? 'unknown';
  const payerText =
    record.payerName && record.payerId ? `<span class="payer-name">${escapeHtml(record.payerName)} (</span>${escapeHtml(record.payerId)}<span class="payer-name">)</span>` : escapeHtml(record.payerName ?? record.payerId ?? '');
  const findings = record.findings
    .map(
      (finding) =>
        `<li data-rule="${escapeHtml(finding.ruleId)}"><span class="badge ${finding.severity}">${SEVERITY_LABEL[finding.severity]}</span>${
          RULE_GUIDES[finding.ruleId] ? `<a href="${escapeHtml(rulePage(finding.ruleId))}"><code>${escapeHtml(finding.ruleId)}</code></a>` : `<code>${escapeHtml(finding.ruleId)}</code>`
        }${finding.line === null ? '' : ` line ${escapeHtml(finding.line)}${finding.procedure ? ` (${escapeHtml(finding.procedure)})` : ''}`}: ${escapeHtml(finding.message)}<div class="next"><b>Next:</b> ${escapeHtml(nextStepOf(finding.ruleId))}</div></li>`,
    )
    .join('');
  return `<tr class="claim" data-claim="${escapeHtml(record.claimId)}" data-rank="${rank}" data-file="${escapeHtml(record.file)}" data-rules="${escapeHtml(record.ruleIds.join(' '))}" data-provider="${escapeHtml(record.renderingNpi)}" data-payer="${escapeHtml(payerKey)}" data-payer-name="${escapeHtml(record.payerName)}" data-member="${escapeHtml(record.memberId)}" data-charge="${record.chargeCents}" data-date="${escapeHtml(record.firstServiceDate)}"><td class="num">${escapeHtml(formatDollars(record.chargeCents))}</td><td class="claim-id">${escapeHtml(record.claimId)}</td><td>${fileCell(record.file)}</td><td>${escapeHtml(record.memberId)}</td><td>${escapeHtml(dates(record))}</td><td>${escapeHtml(record.renderingNpi)}</td><td>${payerText}</td><td><ol class="findings">${findings}</ol><div class="brief"><code>${escapeHtml(record.ruleIds[0])}</code> ${escapeHtml(record.reason)}</div></td></tr>\n`;
}

/** A horizontal bar chart, drawn as inline SVG (no external resource). */
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
  if (rules.length === 0) return `<section id="by-rule"><h2>Findings and money by rule</h2><p>No findings.</p></section>`;
  const rows = rules
    .map(
      (rule) =>
        `<tr data-rule="${escapeHtml(rule.ruleId)}"><td>${RULE_GUIDES[rule.ruleId] ? `<a href="${escapeHtml(rulePage(rule.ruleId))}"><code>${escapeHtml(rule.ruleId)}</code></a>` : `<code>${escapeHtml(rule.ruleId)}</code>`}${filterButton('rule', rule.ruleId, rule.heldClaims)}</td><td class="num">${rule.findings}</td><td class="num">${rule.held}</td><td class="num">${rule.corrected}</td><td class="num">${rule.flagged}</td><td class="num">${rule.noted}</td><td class="num">${rule.heldClaims}</td><td class="num" data-money="held">${escapeHtml(formatDollars(rule.heldChargeCents))}</td><td class="num">${rule.flaggedClaims}</td><td class="num" data-money="flagged">${escapeHtml(formatDollars(rule.flaggedChargeCents))}</td><td>${escapeHtml(nextStepOf(rule.ruleId))}</td></tr>`,
    )
    .join('\n');
  return `<section id="by-rule"><h2>Findings and money by rule</h2>
${barChart('Findings by rule', rules.map((rule) => ({ label: rule.ruleId, value: rule.findings })))}
<table><thead><tr><th>rule</th><th class="num">findings</th><th class="num">held</th><th class="num">corrected</th><th class="num">flagged</th><th class="num">noted</th><th class="num">held claims</th><th class="num">charges held</th><th class="num">flagged claims</th><th class="num">charges flagged</th><th>next step</th></tr></thead>
<tbody>
${rows}
</tbody></table><p class="note">A held claim's charges count once under each rule whose finding holds it; a released claim's once under each rule that flags it, so the rows add up to more than the totals.</p></section>`;
}

function providerSection(providers: ProviderCount[]): string {
  if (providers.length === 0) return `<section id="by-provider"><h2>Findings by rendering provider</h2><p>No findings.</p></section>`;
  const withFindings = providers.filter((provider) => provider.findings > 0);
  const rows = withFindings
    .map(
      (provider) =>
        `<tr data-provider="${escapeHtml(provider.npi)}"><td>${escapeHtml(provider.npi)}${filterButton('provider', provider.npi, provider.heldClaims)}</td><td class="num">${provider.findings}</td><td class="num">${provider.held}</td><td class="num">${provider.corrected}</td><td class="num">${provider.flagged}</td><td class="num">${provider.noted}</td><td class="num">${provider.heldClaims}</td><td class="num">${escapeHtml(formatDollars(provider.heldChargeCents))}</td></tr>`,
    )
    .join('\n');
  return `<section id="by-provider"><h2>Findings by rendering provider</h2>
${barChart('Findings by rendering provider', withFindings.map((provider) => ({ label: `NPI ${provider.npi}`, value: provider.findings })))}
<table><thead><tr><th>rendering NPI</th><th class="num">findings</th><th class="num">held</th><th class="num">corrected</th><th class="num">flagged</th><th class="num">noted</th><th class="num">held claims</th><th class="num">held charges</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

function payerSection(payers: PayerCount[]): string {
  if (payers.length === 0) return '';
  const rows = payers
    .map(
      (payer) =>
        `<tr data-payer="${escapeHtml(payer.payer)}"><td>${escapeHtml(payer.payer)}${filterButton('payer', payer.payer, payer.heldClaims)}</td><td>${escapeHtml(payer.name)}</td><td class="num">${payer.heldClaims}</td><td class="num">${escapeHtml(formatDollars(payer.heldChargeCents))}</td></tr>`,
    )
    .join('\n');
  return `<section id="by-payer"><h2>Held claims by payer</h2>
<table><thead><tr><th>payer id</th><th>payer</th><th class="num">held claims</th><th class="num">held charges</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

function filesSection(head: ExceptionReportHead): string {
  const rows = head.summary.files
    .map(
      (file) =>
        `<tr data-file="${escapeHtml(file.file)}"><td>${escapeHtml(file.file)}${filterButton('file', file.file, file.held)}</td><td>${escapeHtml(file.format ?? 'unknown')}</td><td class="num">${file.claims}</td><td class="num">${file.ready}</td><td class="num">${file.held}</td><td class="num">${file.correctedLines}</td><td>${file.problems.map((problem) => `<div class="sev-error"><code>${escapeHtml(problem.code)}</code> ${escapeHtml(problem.message)}</div>`).join('')}</td></tr>`,
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

/**
 * The code tables that judged the run: the CMS tables imported into the reference database (`run --reference`),
 * with the dates of service no import covered, and the tables shipped with spinescrub.
 */
function referenceSection(head: ExceptionReportHead): string {
  const imported = head.summary.referenceVersions;
  const rows = (imported?.tables ?? []).flatMap((table) => [
    ...table.versions.map(
      (version) =>
        `<tr><td>${escapeHtml(table.title)}</td><td>${escapeHtml(version.version)}</td><td>${escapeHtml(version.effectiveFrom)} – ${escapeHtml(version.effectiveThrough)}</td><td>${version.files
          .map((file) => `${escapeHtml(file.file)} <span class="note">(${file.rows} row${file.rows === 1 ? '' : 's'}, sha256 ${escapeHtml(file.sha256.slice(0, 12))}…)</span>`)
          .join('<br>')}</td></tr>`,
    ),
    ...(table.uncovered === null
      ? []
      : [
          `<tr><td>${escapeHtml(table.title)}</td><td>shipped tables</td><td>${escapeHtml(table.uncovered.first)} – ${escapeHtml(table.uncovered.last)}</td><td class="note">${table.uncovered.dates} date${table.uncovered.dates === 1 ? '' : 's'} of service no imported version covers</td></tr>`,
        ]),
  ]);
  const importedPart =
    imported === undefined
      ? '<p class="note">No imported CMS tables: the tables shipped with spinescrub answered (<code>spinescrub reference import</code> adds a quarter\'s files).</p>'
      : `<p class="note">Imported CMS tables (${escapeHtml(imported.database)}) that answered this run's dates of service.</p><table><thead><tr><th>table</th><th>version</th><th>in force</th><th>files</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
  const shipped = head.summary.reference.map((table) => `<li>${escapeHtml(table.table)}: ${escapeHtml(table.version)}</li>`).join('');
  return `<section id="reference"><h2>Code tables</h2>${importedPart}<p class="note">Shipped tables:</p><ul class="note">${shipped}</ul></section>`;
}

/**
 * Writes the page in three parts around the held claims, which the caller streams in rank order: `open()`, then
 * `claim(record, rank)` for each (the first HTML_HELD_LIMIT are listed), then `close()`.
 */
export class HtmlReportWriter {
  private listed = 0;

  constructor(
    private readonly head: ExceptionReportHead,
    private readonly aggregate: ReportAggregate,
    private readonly write: (text: string) => void,
  ) {}

  open(): void {
    const summary = this.head.summary;
    const held = summary.totals.held;
    this.write(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spinescrub report — ${escapeHtml(this.head.asOf)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>spinescrub exception report</h1><p>as of ${escapeHtml(this.head.asOf)} · policy ${escapeHtml(summary.policy.name)} · ${summary.options.fix ? 'fixes applied' : 'report only (--no-fix)'}${summary.options.history ? '' : ' · no history index'}</p></header>
<main>
${totalsSection(this.head)}
${unreadableSection(this.head)}${heldSectionOpen(held, Math.min(held, HTML_HELD_LIMIT), summary.chargesCents.held)}`);
  }

  claim(record: HeldRecord, rank: number): void {
    if (rank >= HTML_HELD_LIMIT) return;
    if (this.listed !== 0 && this.listed % CHUNK_ROWS === 0) this.write(CHUNK_BREAK);
    this.listed += 1;
    this.write(heldRow(record, rank));
  }

  close(): void {
    const summary = this.head.summary;
    this.write(`${heldSectionClose(summary.totals.held)}${ruleSection(summary.rules)}
${providerSection(this.aggregate.providers())}
${payerSection(this.aggregate.payers())}
${filesSection(this.head)}
${judgedSection(this.head)}
${referenceSection(this.head)}
<p class="note">Every finding, with before and after values, is in exceptions.csv and exceptions.json beside this page; the held claims, one row each, in held-claims.csv. Rule pages: docs/rules/ in the spinescrub package, or <code>spinescrub explain RULE</code>.</p>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`);
  }
}

/** The whole page from held records already in rank order (tests, small runs). */
export function renderHtmlReport(head: ExceptionReportHead, aggregate: ReportAggregate, held: Iterable<HeldRecord> = []): string {
  let text = '';
  const writer = new HtmlReportWriter(head, aggregate, (piece) => {
    text += piece;
  });
  writer.open();
  let rank = 0;
  for (const record of held) writer.claim(record, rank++);
  writer.close();
  return text;
}
