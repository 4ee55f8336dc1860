/**
 * A 100 MB CSV cell (issue 17): the cell is refused before it is buffered whole — a clear CSV_ROW_TOO_LONG naming
 * the line, the claims before it held, and the process's peak memory far below the cell's size (this file runs
 * in a process of its own: vitest's forks pool).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanCsv, cleanup, readExceptions, runInProcess, tempDir, writtenClaims } from './helpers.js';

let work: string;
beforeAll(() => {
  work = tempDir('spinescrub-huge-cell-');
});
afterAll(() => cleanup(work));

it('a 100 MB cell: CSV_ROW_TOO_LONG, the claims before it held, peak memory well under 100 MB more', async () => {
  const file = path.join(work, 'huge.csv');
  const head = cleanCsv(2, 'HUG');
  const row = head.split('\n')[1]!.split(',');
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  // A third claim whose patient_last (column 7) is 100 MB, written in 1 MB pieces.
  writeSync(fd, `${['HUG0003', ...row.slice(1, 6)].join(',')},`);
  const piece = Buffer.alloc(1 << 20, 'N');
  for (let i = 0; i < 100; i += 1) writeSync(fd, piece);
  writeSync(fd, `,${row.slice(7).join(',')}\n`);
  closeSync(fd);
  const before = process.resourceUsage().maxRSS;
  const run = await runInProcess([file], path.join(work, 'out'), { jobs: 1 });
  const grownMb = (process.resourceUsage().maxRSS - before) / 1024;
  expect(run.exitCode).toBe(3);
  expect(run.stderr).toMatch(/huge\.csv line 6: .*row longer than/);
  const report = readExceptions(run.outDir);
  expect(report.summary.unreadable.map((entry) => entry.code)).toEqual(['CSV_ROW_TOO_LONG']);
  expect(writtenClaims(run.outDir, 'huge.csv', 'csv')).toEqual({ ready: [], held: ['HUG0001', 'HUG0002'] });
  expect(grownMb, `peak RSS grew by ${grownMb.toFixed(0)} MB`).toBeLessThan(60);
}, 120_000);
