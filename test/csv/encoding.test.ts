import { describe, expect, it } from 'vitest';
import { readText, roundTrip } from './helpers.js';

const header = 'claim_id,member_id,patient_last,pos,dx_codes,dos,cpt,modifiers,units,charge,dx_pointers,note';
const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
const setModifier = (claim: import('../../src/encounter/model.js').Claim) => ({ ...claim, lines: claim.lines.map((line) => ({ ...line, modifiers: ['LT'] })) });

describe('bytes are never altered, whatever the export\'s encoding', () => {
  it('a Windows-1252 export (not UTF-8): names read as Latin-1 text; a rewritten row keeps the original bytes', async () => {
    const input = bytes(`${header}\r\nC1,M1,M`, [0xfc], 'LLER,11,M5116,2026-11-02,64483,RT,1,5.00,1,caf', [0xe9], '\r\n');
    const { claims } = await readText(input);
    expect(claims[0]!.patient.lastName).toBe('MüLLER');
    const output = await roundTrip(input, {}, setModifier);
    expect(output.equals(bytes(`${header}\r\nC1,M1,M`, [0xfc], 'LLER,11,M5116,2026-11-02,64483,LT,1,5.00,1,caf', [0xe9], '\r\n'))).toBe(true);
  });

  it('a UTF-8 export without a BOM: names read as UTF-8 text; a rewritten row keeps the UTF-8 bytes', async () => {
    const input = Buffer.from(`${header}\nC1,M1,MÜLLER,11,M5116,2026-11-02,64483,RT,1,5.00,1,東京\n`, 'utf8');
    const { claims } = await readText(input);
    expect(claims[0]!.patient.lastName).toBe('MÜLLER');
    const output = await roundTrip(input, {}, setModifier);
    expect(output.toString('utf8')).toBe(`${header}\nC1,M1,MÜLLER,11,M5116,2026-11-02,64483,LT,1,5.00,1,東京\n`);
  });

  it('a UTF-8 export with a BOM, and a map alias with accents', async () => {
    const text = '\ufeffNº Cuenta,member_id,Apellido,pos,dx_codes,dos,cpt,modifiers,units,charge,dx_pointers\r\nC1,M1,NÚÑEZ,11,M5116,2026-11-02,64483,RT,1,5.00,1\r\n';
    const map = { columns: { claim_id: 'Nº Cuenta', patient_last: 'apellido' } };
    const { claims, problems } = await readText(text, { map });
    expect(problems).toEqual([]);
    expect([claims[0]!.claimId, claims[0]!.patient.lastName]).toEqual(['C1', 'NÚÑEZ']);
    expect((await roundTrip(text, { map }, setModifier)).toString('utf8')).toBe(text.replace(',RT,', ',LT,'));
  });
});
