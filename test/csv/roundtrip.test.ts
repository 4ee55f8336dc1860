import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvWriter, readCsv } from '../../src/csv/index.js';
import { HEADER, roundTrip, Sink } from './helpers.js';

const rows = [
  'C1,M1,11,M5416|M47816,2026-10-01,64483,RT,1,850.00,1',
  'C1,M1,11,M5416|M47816,2026-10-01,64484,RT,1,300.50,1|2',
  'C2,M2,11,M47816,2026-10-02,64493,50,1,"1,200.00",1',
];

const cases: [string, string][] = [
  ['LF with a final line ending', [HEADER, ...rows].join('\n') + '\n'],
  ['CRLF with a final line ending', [HEADER, ...rows].join('\r\n') + '\r\n'],
  ['LF without a final line ending', [HEADER, ...rows].join('\n')],
  ['CRLF with a BOM', '\ufeff' + [HEADER, ...rows].join('\r\n') + '\r\n'],
  ['every field quoted', [HEADER, ...rows].map((row) => row.split(',').map((field) => `"${field.replaceAll('"', '')}"`).join(',')).join('\r\n') + '\r\n'],
  ['quoted fields with delimiters, quotes and line breaks', `${HEADER},note\n${rows[0]},"says ""hi"", then\nleaves"\n${rows[1]},plain\n`],
  ['blank lines between rows and at the end', `${HEADER}\r\n${rows[0]}\r\n\r\n${rows[1]}\r\n${rows[2]}\r\n\r\n\r\n`],
  ['semicolon delimiter', [HEADER, ...rows].map((row) => row.replace(/"1,200.00"/, '1200.00').replaceAll(',', ';')).join('\n') + '\n'],
  ['non-ASCII text in an extra column', `${HEADER},note\n${rows[0]},Müller ñ 東京\n${rows[1]},é\n`],
  ['header only', `${HEADER}\r\n`],
];

describe('untouched CSV round-trips byte for byte', () => {
  for (const [name, text] of cases) {
    for (const chunk of [1, 7, 65_536]) {
      it(`${name} (chunks of ${chunk})`, async () => {
        const output = await roundTrip(text, { chunk });
        expect(output.toString('utf8')).toBe(text);
        expect(output.equals(Buffer.from(text, 'utf8'))).toBe(true);
      });
    }
    it(`${name} (grouping index on disk)`, async () => {
      expect((await roundTrip(text, { memoryRuns: 1 })).toString('utf8')).toBe(text);
    });
  }

  it('reads an fs.ReadStream from its path (no spill copy) and still round-trips', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-rt-'));
    const path = join(dir, 'in.csv');
    const text = '\ufeff' + [HEADER, ...rows].join('\r\n') + '\r\n';
    writeFileSync(path, text);
    const reader = readCsv(createReadStream(path), path);
    const sink = new Sink();
    const writer = createCsvWriter(sink, reader.layout);
    for await (const read of reader.claims()) await writer.write(read, read.claim, false);
    expect(await writer.close()).toEqual({ claims: 2 });
    expect(sink.bytes.toString('utf8')).toBe(text);
  });

  it('writes a subset (a held file) with the header, and separates a last row that had no line ending', async () => {
    const text = [HEADER, rows[2], rows[0]].join('\n');
    const reader = readCsv((async function* () { yield Buffer.from(text); })(), 'in.csv');
    const sink = new Sink();
    const writer = createCsvWriter(sink, reader.layout);
    const reads = [];
    for await (const read of reader.claims()) reads.push(read);
    await writer.write(reads[1]!, reads[1]!.claim, false);
    await writer.write(reads[0]!, reads[0]!.claim, false);
    await writer.close();
    expect(sink.bytes.toString()).toBe(`${HEADER}\n${rows[0]}\n${rows[2]}\n`);
  });
});
