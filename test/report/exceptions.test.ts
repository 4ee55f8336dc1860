import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvRecord, jsonHead, neutralizeFormula, writeExceptionFiles } from '../../src/report/exceptions.js';
import { EXCEPTION_COLUMNS, type ExceptionReportHead, type ExceptionRow } from '../../src/report/types.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/exceptions.schema.json', import.meta.url), 'utf8')) as {
  $defs: { finding: { required: string[]; properties: Record<string, unknown> } };
};

function row(overrides: Partial<ExceptionRow> = {}): ExceptionRow {
  return {
    file: 'samples/a.837',
    claimId: 'C1',
    memberId: 'M100',
    serviceDate: '2026-10-01',
    line: 2,
    procedure: '64483',
    chargeCents: 125050,
    renderingNpi: '1234567893',
    ruleId: 'primary/repeated',
    severity: 'error',
    action: 'corrected',
    status: 'ready',
    message: 'Unexpected 64483-RT ×2, expected 64483-RT + 64484-RT',
    before: '64483-RT ×2',
    after: '64483-RT, 64484-RT',
    source: 'domain-rules.md §1.1',
    location: 'segment 42 (SV1)',
    payerClass: 'MB',
    profile: 'medicare',
    ...overrides,
  };
}

const head: ExceptionReportHead = {
  tool: 'spinescrub',
  schemaVersion: 1,
  asOf: '2026-11-27',
  summary: {
    options: { fix: true, holdOn: 'error', failOn: 'never', record: false, history: false },
    totals: { files: 1, claims: 1, ready: 1, held: 0, correctedLines: 1, findings: 1, unreadableFiles: 0 },
    chargesCents: { total: 100, held: 0, flagged: 0 },
    files: [],
    unreadable: [],
    rules: [],
    judgedBy: [{ profile: 'medicare', payerClass: 'MB', claims: 1, ready: 1, held: 0 }],
    policy: { name: 'medicare', profile: 'medicare' },
    reference: [],
  },
};

async function collect(rows: ExceptionRow[]): Promise<{ csv: string; json: string }> {
  const csvOut = new PassThrough();
  const jsonOut = new PassThrough();
  let csv = '';
  let json = '';
  csvOut.on('data', (chunk: Buffer) => (csv += chunk.toString('utf8')));
  jsonOut.on('data', (chunk: Buffer) => (json += chunk.toString('utf8')));
  async function* source(): AsyncGenerator<ExceptionRow> {
    yield* rows;
  }
  await writeExceptionFiles(head, source(), csvOut, jsonOut);
  return { csv, json };
}

describe('neutralizeFormula', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tx', `'\tx`],
    ['\rx', `'\rx`],
    ['64483', '64483'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(neutralizeFormula(input)).toBe(output);
  });
});

describe('exceptions.csv', () => {
  it('has the columns of DESIGN.md, in order', () => {
    expect(csvHeader()).toBe(
      'file,claimId,memberId,serviceDate,line,procedure,charge,renderingNpi,ruleId,severity,action,status,message,before,after,source,location,payerClass,profile\n',
    );
  });

  it('quotes what needs quoting and neutralizes formulas in every text cell', () => {
    const text = csvRecord(row({ memberId: '=1+2', message: 'a "quoted", comma', before: null, after: '-5' }));
    expect(text).toBe(
      `samples/a.837,C1,'=1+2,2026-10-01,2,64483,1250.50,1234567893,primary/repeated,error,corrected,ready,"a ""quoted"", comma",,'-5,domain-rules.md §1.1,segment 42 (SV1),MB,medicare\n`,
    );
  });

  it('writes null as an empty cell, numbers as digits and the charge in dollars', () => {
    expect(csvRecord(row({ line: null, procedure: null, chargeCents: null, location: null }))).toBe(
      'samples/a.837,C1,M100,2026-10-01,,,,1234567893,primary/repeated,error,corrected,ready,"Unexpected 64483-RT ×2, expected 64483-RT + 64484-RT",64483-RT ×2,"64483-RT, 64484-RT",domain-rules.md §1.1,,MB,medicare\n',
    );
  });
});

describe('exceptions.json', () => {
  it('streams the head, then one finding per line', async () => {
    const { json } = await collect([row(), row({ claimId: 'C2', action: 'held' })]);
    const lines = json.split('\n');
    expect(lines.slice(-7)).toEqual([
      '  "findings": [',
      `    ${JSON.stringify(row())},`,
      `    ${JSON.stringify(row({ claimId: 'C2', action: 'held' }))}`,
      '  ],',
      '  "heldClaims": []',
      '}',
      '',
    ]);
    expect(JSON.parse(json)).toEqual({ ...head, findings: [row(), row({ claimId: 'C2', action: 'held' })], heldClaims: [] });
  });

  it('is valid JSON with no findings', async () => {
    const { json, csv } = await collect([]);
    expect(JSON.parse(json)).toEqual({ ...head, findings: [], heldClaims: [] });
    expect(json.endsWith('"findings": [],\n  "heldClaims": []\n}\n')).toBe(true);
    expect(csv).toBe(csvHeader());
  });

  it('validates against schemas/exceptions.schema.json', async () => {
    const { json } = await collect([row(), row({ action: 'flagged', severity: 'warning', before: null, after: null, line: null })]);
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keeps the schema and the row type in step', () => {
    expect(schema.$defs.finding.required).toEqual([...EXCEPTION_COLUMNS]);
    expect(Object.keys(schema.$defs.finding.properties)).toEqual([...EXCEPTION_COLUMNS]);
    expect(jsonHead(head).endsWith('"findings": [')).toBe(true);
  });

  it('rejects an unknown action', () => {
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate({ ...head, findings: [{ ...row(), action: 'fixed' }] })).toBe(false);
  });
});
