import { describe, expect, it } from 'vitest';
import type { Claim, ServiceLine } from '../../src/encounter/model.js';
import { roundTrip } from './helpers.js';

const withLines = (claim: Claim, lines: ServiceLine[], extra: Partial<Claim> = {}): Claim => ({ ...claim, lines, ...extra });
const relabel = (lines: ServiceLine[]): ServiceLine[] => lines.map((line, index) => ({ ...line, lineNumber: index + 1 }));

describe('writing changed claims', () => {
  const header = 'claim_id,member_id,pos,dx_codes,line_no,dos,cpt,modifiers,units,charge,dx_pointers,total_charge,note';
  const a1 = 'A,M1,11,M5416|M47816,1,10/01/2026,64483,,1,"$1,000.00",1,"$1,600.00",keep me';
  const a2 = 'A,M1,11,M5416|M47816,2,10/01/2026,64484,RT,1,$300.00,1,"$1,600.00",x';
  const a3 = 'A,M1,11,M5416|M47816,3,10/01/2026,64484,RT,1,$300.00,1,"$1,600.00",y';
  const b1 = 'B,M2,11,M47816,1,10/02/2026,64493,50,1,900.00,1,900.00,';
  const text = [header, a1, a2, a3, b1].join('\r\n') + '\r\n';

  it('rewrites only the changed cells of the changed row, in the cell\'s style; other rows and claims byte-identical', async () => {
    const output = await roundTrip(text, {}, (claim) => claim.claimId !== 'A' ? undefined
      : withLines(claim, claim.lines.map((line) => line.key === '1' ? { ...line, modifiers: ['RT'], serviceDate: '2026-10-03' } : line)));
    expect(output.toString()).toBe([header,
      'A,M1,11,M5416|M47816,1,10/03/2026,64483,RT,1,"$1,000.00",1,"$1,600.00",keep me',
      a2, a3, b1].join('\r\n') + '\r\n');
  });

  it('removes a removed line, renumbers line_no and rewrites the claim total on every row', async () => {
    const output = await roundTrip(text, {}, (claim) => claim.claimId !== 'A' ? undefined
      : withLines(claim, relabel(claim.lines.filter((line) => line.key !== '2')), { totalChargeCents: 130000 }));
    expect(output.toString()).toBe([header,
      'A,M1,11,M5416|M47816,1,10/01/2026,64483,,1,"$1,000.00",1,"$1,300.00",keep me',
      'A,M1,11,M5416|M47816,2,10/01/2026,64484,RT,1,$300.00,1,"$1,300.00",y',
      b1].join('\r\n') + '\r\n');
  });

  it('puts a line added by a fix after the claim\'s last row, with the claim\'s fields repeated', async () => {
    const output = await roundTrip(text, {}, (claim) => {
      if (claim.claimId !== 'A') return undefined;
      const first = claim.lines[0]!;
      const split: ServiceLine = { ...first, key: '1+1', procedure: '64484', modifiers: ['LT'], chargeCents: 30000 };
      return withLines(claim, relabel([first, split, ...claim.lines.slice(1)]), { totalChargeCents: 190000 });
    });
    expect(output.toString()).toBe([header,
      'A,M1,11,M5416|M47816,1,10/01/2026,64483,,1,"$1,000.00",1,"$1,900.00",keep me',
      'A,M1,11,M5416|M47816,3,10/01/2026,64484,RT,1,$300.00,1,"$1,900.00",x',
      'A,M1,11,M5416|M47816,4,10/01/2026,64484,RT,1,$300.00,1,"$1,900.00",y',
      'A,M1,11,M5416|M47816,2,10/01/2026,64484,LT,1,$300.00,1,"$1,900.00",keep me',
      b1].join('\r\n') + '\r\n');
  });

  it('rewrites diagnoses and pointers on every row of the claim', async () => {
    const output = await roundTrip(text, {}, (claim) => claim.claimId !== 'A' ? undefined
      : withLines(claim, claim.lines.map((line) => ({ ...line, pointers: [1] })), { diagnoses: claim.diagnoses.slice(1) }));
    expect(output.toString().split('\r\n').slice(1, 4).map((row) => row.split(',').slice(3, 4)[0])).toEqual(['M47816', 'M47816', 'M47816']);
    expect(output.toString()).toContain(b1);
  });

  it('quotes every field of a rewritten row when the input quoted every field, and keeps LF endings', async () => {
    const quoted = ['"claim_id","member_id","pos","dx_codes","dos","cpt","modifiers","units","charge","dx_pointers"',
      '"A","M1","11","M5416","2026-10-01","64483","","2","1700.00","1"',
      '"B","M2","11","M5416","2026-10-01","62323","","1","900.00","1"'].join('\n') + '\n';
    const output = await roundTrip(quoted, {}, (claim) => claim.claimId !== 'A' ? undefined
      : withLines(claim, claim.lines.map((line) => ({ ...line, units: 1, chargeCents: 85000 }))));
    expect(output.toString()).toBe(quoted.replace('"2","1700.00"', '"1","850.00"'));
  });

  it('leaves an unparseable cell as it was when the claim changes elsewhere', async () => {
    const bad = [header, a1.replace('10/01/2026', '13/45/2026'), a2].join('\n') + '\n';
    const output = await roundTrip(bad, {}, (claim) => withLines(claim, claim.lines.map((line) => line.key === '1' ? { ...line, modifiers: ['LT'] } : line)));
    expect(output.toString()).toBe([header, 'A,M1,11,M5416|M47816,1,13/45/2026,64483,LT,1,"$1,000.00",1,"$1,600.00",keep me', a2].join('\n') + '\n');
  });
});
