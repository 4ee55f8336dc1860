import { describe, expect, it } from 'vitest';
import type { Claim, ServiceLine } from '../../src/encounter/model.js';
import { UNNORMALIZED } from '../../src/encounter/model.js';
import type { ClaimResult } from '../../src/rules/types.js';
import { ReportAggregate } from '../../src/report/aggregate.js';
import { barChart, escapeHtml, renderHtmlReport } from '../../src/report/html.js';
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

  it('renders a page with no script and no external reference', () => {
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
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/i);
    expect(html).toContain('&#60;b&#62;custom&#60;/b&#62;');
    expect(html).toContain(`default-src 'none'`);
  });
});

describe('JUnit pieces', () => {
  it('fails a held claim with its reasons and passes a clean one', () => {
    const held = junitTestCase({
      file: 'a&b.837',
      claimId: 'C<1>',
      memberId: 'M1',
      serviceDate: '2026-10-01',
      renderingNpi: null,
      chargeCents: 100,
      fate: 'held',
      corrected: 0,
      payerClass: 'MB',
      profile: 'medicare',
      reasons: [{ ruleId: 'mue/units', severity: 'error', action: 'held', line: 1, message: 'too "many"' }],
    });
    expect(held).toBe(
      '    <testcase classname="a&#38;b.837" name="claim C&#60;1&#62;">\n      <failure type="held" message="held: mue/units">error mue/units line 1: too &#34;many&#34;</failure>\n    </testcase>\n',
    );
    const clean = junitTestCase({ file: 'a.837', claimId: 'C2', memberId: null, serviceDate: null, renderingNpi: null, chargeCents: 0, fate: 'ready', corrected: 0, payerClass: null, profile: null, reasons: [] });
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
      file: 'a.837', claimId: 'C', memberId: null, serviceDate: null, renderingNpi: '1234567893', chargeCents, fate, reasons: [], corrected: 0, payerClass: 'MB', profile: 'medicare',
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
