import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Claim, ServiceLine } from '../../src/encounter/model.js';
import { UNNORMALIZED } from '../../src/encounter/model.js';
import type { ClaimResult } from '../../src/rules/types.js';
import { ReportAggregate } from '../../src/report/aggregate.js';
import type { HeldRecord } from '../../src/report/held.js';
import { barChart, escapeHtml, heldRow, HTML_HELD_LIMIT, renderHtmlReport, REPORT_CSP } from '../../src/report/html.js';
import { formatDollars } from '../../src/encounter/money.js';
import { escapeXml, junitTestCase } from '../../src/report/junit.js';
import { actionOf, correctedLinesOf, rowsOfClaim } from '../../src/report/rows.js';
import type { ExceptionReportHead } from '../../src/report/types.js';

function line(key: string, procedure: string, overrides: Partial<ServiceLine> = {}): ServiceLine {
  return {
    key,
    lineNumber: Number(key),
    procedureQualifier: 'HC',
    procedure,
    modifiers: [],
    chargeCents: 50000,
    unitBasis: 'UN',
    units: 1,
    pointers: [1],
    serviceDate: '2026-10-01',
    source: { file: 'a.837', segment: 40 + Number(key), tag: 'SV1' },
    facts: UNNORMALIZED,
    ...overrides,
  };
}

function claim(overrides: Partial<Claim> = {}): Claim {
  const person = { memberId: 'M<1>', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1960-01-01' };
  return {
    claimId: 'C1',
    frequencyCode: '1',
    placeOfService: '11',
    totalChargeCents: 100000,
    renderingNpi: '1234567893',
    subscriber: person,
    patient: person,
    diagnoses: [{ code: 'M5416', qualifier: 'ABK', icd9: false }],
    lines: [line('1', '64483', { modifiers: ['RT'] }), line('2', '77003')],
    format: 'x12',
    source: { file: 'a.837', segment: 30, tag: 'CLM' },
    readProblems: [],
    ...overrides,
  };
}

describe('rowsOfClaim', () => {
  const original = claim();
  const fixed = claim({ lines: [line('1', '64483', { modifiers: ['RT'] })], totalChargeCents: 50000 });
  const result: ClaimResult = {
    claim: fixed,
    changed: true,
    fate: 'held',
    applied: [
      {
        ruleId: 'imaging/bundled',
        source: 'S1',
        severity: 'error',
        message: 'removed 77003',
        location: { file: 'a.837', claimId: 'C1', lineNumber: 2, lineKey: '2' },
        serviceDate: '2026-10-01',
        procedure: '77003',
        before: '77003',
        after: '(removed)',
        changes: [{ op: 'remove-line', line: '2' }, { op: 'set-total', value: 50000 }],
      },
    ],
    findings: [
      {
        ruleId: 'mue/units',
        source: 'S2',
        severity: 'error',
        messageId: 'x',
        message: 'too many units',
        location: { file: 'a.837', claimId: 'C1', lineNumber: 1, lineKey: '1' },
        actual: '3',
        expected: ['1', '2'],
      },
      {
        ruleId: 'modifier/laterality-missing',
        source: 'S3',
        severity: 'warning',
        messageId: 'y',
        message: 'no side',
        location: { file: 'a.837', claimId: 'C1' },
      },
    ],
  };

  it('orders claim-level rows first, then by line; maps severities to actions; finds the location', () => {
    const { rows, outcome } = rowsOfClaim('a.837', original, result, 'held', [], 'error');
    expect(rows.map((row) => [row.line, row.ruleId, row.action, row.location, row.before, row.after])).toEqual([
      [null, 'modifier/laterality-missing', 'flagged', 'segment 30 (CLM)', null, null],
      [1, 'mue/units', 'held', 'segment 41 (SV1)', '3', '1 or 2'],
      [2, 'imaging/bundled', 'corrected', 'segment 42 (SV1)', '77003', '(removed)'],
    ]);
    expect(rows.every((row) => row.memberId === 'M<1>' && row.serviceDate === '2026-10-01')).toBe(true);
    expect(outcome).toMatchObject({ claimId: 'C1', fate: 'held', chargeCents: 50000, corrected: 1, renderingNpi: '1234567893' });
    expect(outcome.reasons.map((reason) => reason.ruleId)).toEqual(['modifier/laterality-missing', 'mue/units']);
  });

  it('counts the distinct lines fixes touched', () => {
    expect(correctedLinesOf(result)).toBe(1);
  });

  it('adds one held row per holding problem', () => {
    const { rows } = rowsOfClaim('a.837', original, { ...result, applied: [], findings: [] }, 'held', [{ code: 'X12_SE_COUNT', message: 'SE01 wrong', source: 'reader' }], 'error');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ruleId: 'X12_SE_COUNT', action: 'held', severity: 'error', location: 'segment 30 (CLM)' });
  });

  it('reports an unreadable date of service as null, and a read problem under its own code', () => {
    const unreadable = claim({ lines: [line('1', '64483', { serviceDate: '20261341' })] });
    const { rows, outcome } = rowsOfClaim(
      'a.837',
      unreadable,
      {
        claim: unreadable,
        changed: false,
        fate: 'held',
        applied: [],
        findings: [
          {
            ruleId: 'input/read-problem',
            source: 'input file',
            severity: 'error',
            messageId: 'X12_BAD_DATE',
            message: 'DTP03 "20261341" is not a date',
            location: { file: 'a.837', claimId: 'C1' },
            serviceDate: '',
          },
        ],
      },
      'held',
      [],
      'error',
    );
    expect(rows.map((row) => [row.ruleId, row.serviceDate, row.action])).toEqual([['X12_BAD_DATE', null, 'held']]);
    expect(outcome.serviceDate).toBeNull();
  });

  it('holds warnings under --hold-on warning', () => {
    expect(actionOf('warning', 'warning')).toBe('held');
    expect(actionOf('warning', 'error')).toBe('flagged');
    expect(actionOf('info', 'warning')).toBe('noted');
    expect(actionOf('error', 'error')).toBe('held');
  });
});

describe('HTML pieces', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;');
  });

  it('formats cents without floating point', () => {
    expect(formatDollars(0)).toBe('$0.00');
    expect(formatDollars(123456789)).toBe('$1,234,567.89');
    expect(formatDollars(-5)).toBe('-$0.05');
  });

  it('draws one bar per entry, scaled to the largest, labels escaped', () => {
    const svg = barChart('Findings by rule', [
      { label: 'a<b', value: 10 },
      { label: 'c', value: 5 },
    ]);
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('width="420"');
    expect(svg).toContain('width="210"');
    expect(svg).toContain('a&#60;b');
    expect(barChart('none', [])).toBe('');
  });

  it('renders a page whose one inline script and style sheet the CSP allows by hash, with no external reference', () => {
    const aggregate = new ReportAggregate();
    const head: ExceptionReportHead = {
      tool: 'spinescrub',
      schemaVersion: 1,
      asOf: '2026-11-27',
      summary: {
        options: { fix: true, holdOn: 'error', failOn: 'never', record: true, history: true },
        totals: { files: 0, claims: 0, ready: 0, held: 0, correctedLines: 0, findings: 0, unreadableFiles: 0 },
        chargesCents: { total: 0, held: 0, flagged: 0 },
        files: [],
        unreadable: [],
        rules: [],
        judgedBy: [],
        policy: { name: '<b>custom</b>', profile: 'medicare' },
        reference: [],
      },
    };
    const html = renderHtmlReport(head, aggregate);
    expect(html).not.toMatch(/src=|@import|url\(|https?:/i);
    expect(html).toContain('&#60;b&#62;custom&#60;/b&#62;');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
    expect([scripts.length, styles.length, html.match(/<script/g)?.length]).toEqual([1, 1, 1]);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    expect(csp).toBe(`default-src 'none'; script-src ${hash(scripts[0]!)}; style-src ${hash(styles[0]!)}; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(csp).toBe(REPORT_CSP);
  });

  it('lists at most HTML_HELD_LIMIT held claims, the ones ranked first, and says so', () => {
    const held = HTML_HELD_LIMIT + 3;
    const head: ExceptionReportHead = {
      tool: 'spinescrub',
      schemaVersion: 1,
      asOf: '2026-11-27',
      summary: {
        options: { fix: true, holdOn: 'error', failOn: 'never', record: true, history: true },
        judgedBy: [],
        totals: { files: 1, claims: held, ready: 0, held, correctedLines: 0, findings: held, unreadableFiles: 0 },
        chargesCents: { total: held * 100, held: held * 100, flagged: 0 },
        files: [],
        unreadable: [],
        rules: [],
        policy: { name: 'medicare', profile: 'medicare' },
        reference: [],
      },
    };
    const records = function* (): Generator<HeldRecord> {
      for (let i = 0; i < held; i++) {
        yield { file: 'a.837', claimId: `C${i}`, memberId: null, firstServiceDate: null, lastServiceDate: null, renderingNpi: null, payerId: null, payerName: null, chargeCents: 100, ruleIds: ['mue/units'], reason: 'r', findings: [] };
      }
    };
    const html = renderHtmlReport(head, new ReportAggregate(), records());
    expect(html.match(/<tr class="claim"/g)).toHaveLength(HTML_HELD_LIMIT);
    expect(html).toContain(`data-claim="C${HTML_HELD_LIMIT - 1}"`);
    expect(html).not.toContain(`data-claim="C${HTML_HELD_LIMIT}"`);
    expect(html).toContain('This page lists the 5,000 held claims with the most charges (a page lists at most 5,000, so that it opens quickly); all 5,003 are in held-claims.csv and exceptions.json.');
  });

  it('lists a held claim with its data attributes, text badges, next steps and rule pages', () => {
    const record: HeldRecord = {
      file: 'in/a.837', claimId: 'C<1>', memberId: 'M1', firstServiceDate: '2026-03-02', lastServiceDate: '2026-03-04', renderingNpi: '1234567893',
      payerId: 'SYNMCR01', payerName: 'MEDICARE', chargeCents: 123456, ruleIds: ['mue/units', 'X12_SE_COUNT'], reason: 'r',
      findings: [
        { ruleId: 'mue/units', severity: 'error', action: 'held', line: 2, procedure: '64483', message: 'too many' },
        { ruleId: 'X12_SE_COUNT', severity: 'warning', action: 'flagged', line: null, procedure: null, message: 'count' },
      ],
    };
    expect(heldRow(record, 7)).toBe(
      '<tr class="claim" data-claim="C&#60;1&#62;" data-rank="7" data-file="in/a.837" data-rules="mue/units X12_SE_COUNT" data-provider="1234567893" data-payer="SYNMCR01" data-payer-name="MEDICARE" data-member="M1" data-charge="123456" data-date="2026-03-02">' +
        '<td class="num">$1,234.56</td><td class="claim-id">C&#60;1&#62;</td><td><span class="dir">in/</span>a.837</td><td>M1</td><td>2026-03-02–2026-03-04</td><td>1234567893</td><td><span class="payer-name">MEDICARE (</span>SYNMCR01<span class="payer-name">)</span></td><td><ol class="findings">' +
        '<li data-rule="mue/units"><span class="badge error">ERROR</span><a href="docs/rules/mue/units.md"><code>mue/units</code></a> line 2 (64483): too many<div class="next"><b>Next:</b> Lower the units to what the note documents, within the MUE; split across dates only if the services were.</div></li>' +
        '<li data-rule="X12_SE_COUNT"><span class="badge warning">WARNING</span><code>X12_SE_COUNT</code>: count<div class="next"><b>Next:</b> Fix the file at the segment named (or ask the sender for a corrected file) and run it again.</div></li>' +
        '</ol><div class="brief"><code>mue/units</code> r</div></td></tr>\n',
    );
  });
});

describe('JUnit pieces', () => {
  it('fails a held claim with its reasons and passes a clean one', () => {
    const held = junitTestCase({
      file: 'a&b.837',
      claimId: 'C<1>',
      memberId: 'M1',
      serviceDate: '2026-10-01',
      lastServiceDate: '2026-10-01',
      renderingNpi: null,
      payerId: null,
      payerName: null,
      chargeCents: 100,
      fate: 'held',
      corrected: 0,
      payerClass: 'MB',
      profile: 'medicare',
      reasons: [{ ruleId: 'mue/units', severity: 'error', action: 'held', line: 1, procedure: '64483', message: 'too "many"' }],
    });
    expect(held).toBe(
      '    <testcase classname="a&#38;b.837" name="claim C&#60;1&#62;">\n      <failure type="held" message="held: mue/units">error mue/units line 1: too &#34;many&#34;</failure>\n    </testcase>\n',
    );
    const clean = junitTestCase({ file: 'a.837', claimId: 'C2', memberId: null, serviceDate: null, lastServiceDate: null, renderingNpi: null, payerId: null, payerName: null, chargeCents: 0, fate: 'ready', corrected: 0, payerClass: null, profile: null, reasons: [] });
    expect(clean).toBe('    <testcase classname="a.837" name="claim C2"/>\n');
  });

  it('drops characters XML cannot carry', () => {
    expect(escapeXml('a\u0001b')).toBe('a\uFFFDb');
  });
});

describe('ReportAggregate sums', () => {
  it('starts at zero and adds cents exactly past 2^31 (the sums are doubles from the start)', () => {
    const fresh = new ReportAggregate();
    expect([fresh.chargeCents, fresh.heldChargeCents, fresh.flaggedChargeCents]).toEqual([0, 0, 0]);
    expect(Object.is(fresh.chargeCents, 0)).toBe(true);
    const outcome = (chargeCents: number, fate: 'ready' | 'held') => ({
      file: 'a.837', claimId: 'C', memberId: null, serviceDate: null, lastServiceDate: null, renderingNpi: '1234567893', payerId: null, payerName: null, chargeCents, fate, reasons: [], corrected: 0, payerClass: 'MB', profile: 'medicare',
    });
    const big = 2 ** 31 - 1;
    fresh.addClaim(outcome(big, 'held'), [], 0, () => 'unknown');
    fresh.addClaim(outcome(big, 'held'), [], 0, () => 'unknown');
    fresh.addClaim(outcome(3, 'ready'), [], 0, () => 'unknown');
    expect(fresh.chargeCents).toBe(2 * big + 3);
    expect(fresh.heldChargeCents).toBe(2 * big);
    expect(fresh.flaggedChargeCents).toBe(0);
    const other = new ReportAggregate();
    other.merge(fresh);
    expect([other.claims, other.chargeCents, other.heldChargeCents]).toEqual([3, 2 * big + 3, 2 * big]);
  });
});
