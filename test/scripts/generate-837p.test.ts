import { PassThrough, Writable } from 'node:stream';
import x12 from 'node-x12';
import { describe, expect, it } from 'vitest';
import { amount, generate837p, npiWithCheckDigit, Prng } from '../../scripts/generate-837p.js';

async function generate(options: Parameters<typeof generate837p>[0]): Promise<{ text: string; claims: number; bytes: number }> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const result = await generate837p(options, out);
  return { text: Buffer.concat(chunks).toString('utf8'), ...result };
}

function segments(text: string): string[] {
  return text.split('~\n').filter((s) => s !== '');
}

describe('generate837p', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await generate({ claims: 60, seed: 11 });
    const b = await generate({ claims: 60, seed: 11 });
    const c = await generate({ claims: 60, seed: 12 });
    expect(a.text).toBe(b.text);
    expect(a.text).not.toBe(c.text);
    expect(a.claims).toBe(60);
    expect(a.bytes).toBe(Buffer.byteLength(a.text));
  });

  it('writes valid envelopes across several ISA/GS/ST (node-x12 strict parse, counted by hand)', async () => {
    const { text } = await generate({ claims: 250, seed: 3, claimsPerTransaction: 40, claimsPerInterchange: 120 });
    const parsed = new x12.X12Parser(true).parse(text);
    const interchanges = Array.isArray(parsed) ? parsed : [parsed];
    expect(interchanges.length).toBe(3);

    const segs = segments(text);
    expect(segs.filter((s) => s.startsWith('CLM*')).length).toBe(250);
    expect(segs.filter((s) => s.startsWith('ST*')).length).toBe(7); // 40×6 + 10
    let inTransaction = 0;
    let hlExpected = 0;
    const hlParents = new Map<string, string>();
    for (const seg of segs) {
      const el = seg.split('*');
      if (el[0] === 'ST') {
        inTransaction = 1;
        hlExpected = 0;
        hlParents.clear();
        continue;
      }
      if (inTransaction > 0) inTransaction++;
      if (el[0] === 'HL') {
        expect(Number(el[1])).toBe(++hlExpected);
        if (el[3] !== '20') expect(hlParents.has(el[2]!)).toBe(true);
        hlParents.set(el[1]!, el[3]!);
      }
      if (el[0] === 'SE') {
        expect(Number(el[1])).toBe(inTransaction);
        inTransaction = 0;
      }
    }
    const isa = segs.filter((s) => s.startsWith('ISA')).map((s) => s.split('*')[13]);
    const iea = segs.filter((s) => s.startsWith('IEA')).map((s) => s.split('*')[2]);
    expect(iea).toEqual(isa);
    expect(new Set(isa).size).toBe(3);
  });

  it('keeps CLM02 equal to the sum of the line charges', async () => {
    const segs = segments((await generate({ claims: 200, seed: 5 })).text);
    let total = -1;
    let sum = 0;
    const check = (): void => {
      if (total >= 0) expect(Math.round(sum * 100)).toBe(Math.round(total * 100));
    };
    for (const seg of segs) {
      const el = seg.split('*');
      if (el[0] === 'CLM' || el[0] === 'SE') {
        check();
        total = el[0] === 'CLM' ? Number(el[2]) : -1;
        sum = 0;
      }
      if (el[0] === 'SV1') sum += Number(el[2]);
    }
  });

  it('brings patients back over months, within 2026, and plants typical errors', async () => {
    const segs = segments((await generate({ claims: 2000, seed: 9 })).text);
    const visitsByMember = new Map<string, Set<string>>();
    let member = '';
    const dates: string[] = [];
    for (const seg of segs) {
      const el = seg.split('*');
      if (el[0] === 'NM1' && el[1] === 'IL') member = el[9]!;
      if (el[0] === 'DTP' && el[1] === '472') {
        dates.push(el[3]!);
        const set = visitsByMember.get(member) ?? new Set();
        set.add(el[3]!);
        visitsByMember.set(member, set);
      }
    }
    const returning = [...visitsByMember.values()].filter((s) => s.size >= 3).length;
    expect(returning).toBeGreaterThan(visitsByMember.size / 2);
    expect(dates.every((d) => d >= '20260105' && d <= '20261120')).toBe(true);
    const codes = new Set(segs.filter((s) => s.startsWith('SV1*')).map((s) => s.split('*')[1]!.split(':')[1]));
    for (const code of ['64483', '62323', '64493', '64494', '64635', '64636', 'J1010', '77003', 'J1030', '20610']) {
      expect(codes, code).toContain(code);
    }
    const text = segs.join('\n');
    expect(text).toMatch(/SV1\*HC:64483:RT[^*]*\*[^~]*\n(?:.*\n)*?SV1\*HC:64483:LT/);
    expect(text).toContain('HI*ABK:M5136');
    expect(text).toMatch(/LIN\*\*N4\*\d{4}-\d{4}-\d{2}/);
    expect(text).toContain('PAT*01');
  });

  it('stops at --mb and honours back-pressure', async () => {
    let written = 0;
    let pending = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        pending++;
        setImmediate(() => {
          pending--;
          callback();
        });
      },
    });
    const result = await generate837p({ mb: 0.5, seed: 1 }, slow);
    expect(result.bytes).toBe(written + 0); // everything handed over
    expect(result.bytes).toBeGreaterThanOrEqual(0.5 * 1024 * 1024);
    expect(result.bytes).toBeLessThan(0.5 * 1024 * 1024 + 70 * 1024);
    expect(pending).toBeLessThanOrEqual(1);
  });

  it('rejects bad options with a TypeError naming the option', async () => {
    await expect(generate837p({ claims: 0 }, new PassThrough())).rejects.toThrow(/`claims`/);
    await expect(generate837p({ startDate: '2026-13-45' }, new PassThrough())).rejects.toThrow(/`startDate`/);
  });
});

describe('helpers', () => {
  it('npiWithCheckDigit matches known valid NPIs', () => {
    expect(npiWithCheckDigit('123456789')).toBe('1234567893');
    expect(npiWithCheckDigit('112233334')).toBe('1122333341');
  });

  it('amount formats integer cents as X12 decimals', () => {
    expect([120000, 61250, 61255, 5, 0].map(amount)).toEqual(['1200', '612.5', '612.55', '0.05', '0']);
  });

  it('Prng is seeded', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
