/**
 * A `spinescrub run` over an 837P padded after its IEA with Ctrl-Z / NUL bytes (DOS tools, fixed-block
 * transfers): the file is read without problem, and a file whose claims all pass unchanged comes out of ready/
 * byte-identical, padding included. Text after the IEA that is not padding still makes the file unreadable.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanClaim, cleanup, listTree, readExceptions, runInProcess, tempDir, writeInput, x12File } from './helpers.js';

let work: string;
beforeAll(() => {
  work = tempDir('spinescrub-padding-');
});
afterAll(() => cleanup(work));

describe('run: padding after the last IEA', () => {
  it('Ctrl-Z and NULs after IEA~: exit 0, no problem, ready/ byte-identical to the input', async () => {
    const input = Buffer.concat([Buffer.from(x12File([cleanClaim('PAD0001'), cleanClaim('PAD0002', '20261103')]), 'latin1'), Buffer.from([0x1a, 0x00, 0x00, 0x00])]);
    const file = writeInput(path.join(work, 'in'), 'padded.837', input);
    const run = await runInProcess([file], path.join(work, 'out'));
    expect(run.exitCode).toBe(0);
    expect(listTree(run.outDir)).toEqual(['exceptions.csv', 'exceptions.json', 'junit.xml', 'ready/padded.837', 'report.html']);
    expect(readFileSync(path.join(run.outDir, 'ready', 'padded.837')).equals(input)).toBe(true);
    const summary = readExceptions(run.outDir).summary;
    expect(summary.files.map((entry) => [entry.claims, entry.ready, entry.held, entry.readable, entry.problems])).toEqual([[2, 2, 0, true, []]]);
  });

  it('text after the padding: exit 3, X12_GARBAGE naming the file and the byte offset, claims held', async () => {
    const text = x12File([cleanClaim('PAD0001')]);
    const file = writeInput(path.join(work, 'junk-in'), 'junk.837', Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from('\x1aREST', 'latin1')]));
    const run = await runInProcess([file], path.join(work, 'junk-out'));
    expect(run.exitCode).toBe(3);
    const summary = readExceptions(run.outDir).summary;
    const at = Buffer.byteLength(text, 'latin1');
    expect(summary.files[0]!.problems).toEqual([
      { code: 'X12_GARBAGE', message: `${file}: byte ${at} (segment 31): unexpected text after the last IEA`, envelope: true, fatal: false },
    ]);
    expect(summary.unreadable).toEqual([{ file, code: 'X12_GARBAGE', message: `${file}: byte ${at} (segment 31): unexpected text after the last IEA` }]);
    expect(summary.files[0]!.held).toBe(1);
    expect(listTree(run.outDir)).toContain('held/junk.837');
  });
});
