import { readFileSync, readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Claim } from '../../src/encounter/model.js';
import type { FileProblem, ReadClaim } from '../../src/formats/types.js';
import { readX12 } from '../../src/x12/reader.js';
import { createX12Writer } from '../../src/x12/writer.js';
import x12 from 'node-x12';

export const PUBLIC_DIR = '/work/shared/fixtures/x12-public/';
export const SYNTH_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const BROKEN_PUBLIC = ['imsweb_x12_many_claims.txt', 'imsweb_x12_valid_different_separators.txt'];

export function publicFiles(): string[] {
  return readdirSync(PUBLIC_DIR).filter((f) => !f.endsWith('.md')).sort();
}
export function synthFiles(): string[] {
  return readdirSync(SYNTH_DIR).sort();
}
export function loadPublic(name: string): Buffer {
  return readFileSync(PUBLIC_DIR + name);
}
export function loadSynth(name: string): Buffer {
  return readFileSync(SYNTH_DIR + name);
}

/** Feeds `data` in chunks of `size` bytes (or at the given cut points). */
export async function* chunked(data: Buffer, size: number | number[]): AsyncGenerator<Buffer> {
  if (Array.isArray(size)) {
    let from = 0;
    for (const cut of [...size, data.length]) {
      if (cut > from) yield data.subarray(from, cut);
      from = Math.max(from, cut);
    }
    return;
  }
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

export async function readAll(data: Buffer, name: string, size: number | number[] = 65536): Promise<{ claims: ReadClaim[]; problems: FileProblem[] }> {
  const reader = readX12(chunked(data, size), name);
  const claims: ReadClaim[] = [];
  for await (const claim of reader.claims()) claims.push(claim);
  return { claims, problems: reader.problems };
}

/** A writer over an in-memory stream; `bytes()` after close. */
export function memoryWriter(): { writer: ReturnType<typeof createX12Writer>; bytes: () => Buffer } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { writer: createX12Writer(out), bytes: () => Buffer.concat(chunks) };
}

/** Reads `data` and writes every claim (as `transform` returns it) to one writer. */
export async function roundTrip(data: Buffer, name: string, transform?: (claim: Claim) => Claim | undefined, size: number | number[] = 65536): Promise<Buffer> {
  const reader = readX12(chunked(data, size), name);
  const { writer, bytes } = memoryWriter();
  for await (const read of reader.claims()) {
    const changed = transform?.(read.claim);
    await writer.write(read, changed ?? read.claim, changed !== undefined);
  }
  await writer.close();
  return bytes();
}

/**
 * node-x12's strict parse() as an independent oracle: throws on bad SE01/GE01/IEA01 or control numbers.
 * It reads the delimiters of the first ISA only, so each interchange is parsed on its own.
 */
export function oracleParse(output: Buffer): number {
  let text = output.toString('utf8');
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const starts: number[] = [];
  for (let at = text.indexOf('ISA'); at >= 0; at = text.indexOf('ISA', at + 1)) {
    if (/[^A-Za-z0-9]/.test(text[at + 3] ?? '') && (at === 0 || /[\s~!_]/.test(text[at - 1]!))) starts.push(at);
  }
  let transactions = 0;
  starts.forEach((start, i) => {
    const part = text.slice(start, starts[i + 1] ?? text.length).replace(/\s+$/, '');
    const interchange = new x12.X12Parser(true).parse(part) as { functionalGroups: { transactions: unknown[] }[] };
    for (const group of interchange.functionalGroups) transactions += group.transactions.length;
  });
  return transactions;
}
