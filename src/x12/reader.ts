/** The X12 ClaimReader: tokenizer → assembler, one claim at a time. */
import { isAscii } from 'node:buffer';
import type { ClaimReader, FileProblem, ReadClaim } from '../pipeline/types.js';
import { ClaimAssembler } from './assembler.js';
import { X12Tokenizer } from './tokenizer.js';

/** Any control byte (besides tab, CR, LF) in a chunk: the assembler then checks each segment for one. */
const CONTROL_BYTES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

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
      let notesSeen = 0;
      let bytesRead = 0;
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
          const text = buffer.toString('latin1');
          if (!assembler.checkControlBytes && CONTROL_BYTES.test(text)) assembler.checkControlBytes = true;
          assembler.feed(tokenizer.push(text, isAscii(buffer)), batch);
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
