import { Writable } from 'node:stream';
import type { Claim } from '../../src/encounter/model.js';
import type { FileProblem, ReadClaim } from '../../src/formats/types.js';
import { createCsvWriter, readCsv, type CsvReadOptions } from '../../src/csv/index.js';

/** Feeds `data` in chunks of `size` bytes. */
export async function* chunked(data: Buffer, size = 65_536): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

export class Sink extends Writable {
  parts: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.parts.push(Buffer.from(chunk));
    callback();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface ReadResult {
  reads: ReadClaim[];
  claims: Claim[];
  problems: FileProblem[];
}

export async function readText(text: string | Buffer, options: CsvReadOptions & { chunk?: number; name?: string } = {}): Promise<ReadResult> {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const reader = readCsv(chunked(data, options.chunk), options.name ?? 'in.csv', options);
  const reads: ReadClaim[] = [];
  for await (const read of reader.claims()) reads.push(read);
  return { reads, claims: reads.map((read) => read.claim), problems: reader.problems };
}

/**
 * Read `data` and write every claim back; `edit` may return a changed claim for a read claim (undefined: untouched).
 */
export async function roundTrip(
  data: string | Buffer,
  options: CsvReadOptions & { chunk?: number } = {},
  edit: (claim: Claim) => Claim | undefined = () => undefined,
): Promise<Buffer> {
  const input = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const reader = readCsv(chunked(input, options.chunk), 'in.csv', options);
  const sink = new Sink();
  const writer = createCsvWriter(sink, reader.layout);
  for await (const read of reader.claims()) {
    const changed = edit(read.claim);
    await writer.write(read, changed ?? read.claim, changed !== undefined);
  }
  await writer.close();
  return sink.bytes;
}

export const HEADER = 'claim_id,member_id,pos,dx_codes,dos,cpt,modifiers,units,charge,dx_pointers';
