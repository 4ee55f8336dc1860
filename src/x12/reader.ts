/** The X12 ClaimReader: tokenizer → assembler, one claim at a time. */
import { isAscii } from 'node:buffer';
import type { ClaimReader, FileProblem, ReadClaim } from '../pipeline/types.js';
import { ClaimAssembler } from './assembler.js';
import { SegmentBatch, X12Tokenizer } from './tokenizer.js';

/** Control bytes (0x00–0x08, 0x0B, 0x0C, 0x0E–0x1F, 0x7F): 1; all other bytes (tab, CR and LF too): 0. */
const CONTROL = new Uint8Array(256);
for (let code = 0; code < 0x20; code++) if (code !== 9 && code !== 10 && code !== 13) CONTROL[code] = 1;
CONTROL[0x7f] = 1;

/**
 * Any control byte in a chunk (the assembler then checks each segment for one). Four bytes at a time: a word
 * with no byte below 0x20 and none equal to 0x7F is skipped; the others (line endings, tabs) are looked at.
 */
export function hasControlByte(buffer: Uint8Array): boolean {
  const length = buffer.length;
  let i = 0;
  const head = (4 - (buffer.byteOffset & 3)) & 3;
  if (length < head + 4) {
    for (; i < length; i++) if (CONTROL[buffer[i]!] === 1) return true;
    return false;
  }
  for (; i < head; i++) if (CONTROL[buffer[i]!] === 1) return true;
  const words = new Uint32Array(buffer.buffer, buffer.byteOffset + i, (length - i) >>> 2);
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    const x7f = word ^ 0x7f7f7f7f;
    // Classic "has a byte below N" tests: a high bit survives for a byte below 0x20 or a byte equal to 0x7F.
    if ((((word - 0x20202020) & ~word) | ((x7f - 0x01010101) & ~x7f)) & 0x80808080) {
      const at = i + k * 4;
      if ((CONTROL[buffer[at]!]! | CONTROL[buffer[at + 1]!]! | CONTROL[buffer[at + 2]!]! | CONTROL[buffer[at + 3]!]!) !== 0) return true;
    }
  }
  for (i += words.length * 4; i < length; i++) if (CONTROL[buffer[i]!] === 1) return true;
  return false;
}

/** A partial segment longer than this is joined to the next chunk as a string (the join buffer stays small). */
const MAX_JOINED_PENDING = 64 * 1024;

export function readX12(input: AsyncIterable<Buffer> | NodeJS.ReadableStream, fileName: string): ClaimReader {
  const problems: FileProblem[] = [];
  let started = false;
  return {
    format: 'x12',
    problems,
    async *claims(): AsyncGenerator<ReadClaim> {
      if (started) throw new Error('readX12: claims() can be iterated only once');
      started = true;
      const tokenizer = new X12Tokenizer();
      const assembler = new ClaimAssembler(fileName);
      const batch: ReadClaim[] = [];
      const segments = new SegmentBatch();
      let notesSeen = 0;
      let bytesRead = 0;
      let joinBuffer = Buffer.allocUnsafe(0);
      const syncProblems = (): void => {
        if (tokenizer.notes.length > notesSeen) {
          assembler.addNotes(tokenizer.notes.slice(notesSeen));
          notesSeen = tokenizer.notes.length;
        }
        if (assembler.problems.length > problems.length) problems.push(...assembler.problems.slice(problems.length));
      };
      try {
        for await (const chunk of input as AsyncIterable<Buffer | string>) {
          const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
          bytesRead += buffer.length;
          if (!assembler.checkControlBytes && hasControlByte(buffer)) assembler.checkControlBytes = true;
          const pending = tokenizer.joinablePending;
          if (pending !== undefined && pending.length <= MAX_JOINED_PENDING) {
            // The partial segment and the chunk decoded as one string (joining two strings copies the chunk again).
            const length = pending.length + buffer.length;
            if (joinBuffer.length < length) joinBuffer = Buffer.allocUnsafe(Math.max(length, joinBuffer.length * 2));
            joinBuffer.write(pending, 0, 'latin1');
            buffer.copy(joinBuffer, pending.length);
            tokenizer.pushJoined(joinBuffer.toString('latin1', 0, length), isAscii(buffer), segments);
          } else {
            tokenizer.pushTo(buffer.toString('latin1'), isAscii(buffer), segments);
          }
          assembler.feedBatch(segments, batch);
          segments.clear();
          syncProblems();
          if (batch.length > 0) {
            for (const item of batch) yield item;
            batch.length = 0;
          }
        }
      } catch (error) {
        // The stream failed (I/O error): claims read so far are out; the rest cannot be trusted.
        assembler.feed(tokenizer.end(), batch);
        syncProblems();
        assembler.finish(batch);
        syncProblems();
        problems.push({
          code: 'X12_READ_ERROR',
          message: `${fileName}: reading failed after byte ${bytesRead}: ${(error as Error).message}`,
          location: { file: fileName },
          envelope: true,
          fatal: true,
        });
        for (const item of batch) yield item;
        return;
      }
      assembler.feed(tokenizer.end(), batch);
      syncProblems();
      assembler.finish(batch);
      syncProblems();
      for (const item of batch) yield item;
    },
  };
}
