/**
 * The terminal progress bars (src/pipeline/progress.ts) on a fake TTY stream: one bar for one file, an ETA, every
 * line within 80 columns, and the last file's "done" line kept when the bars go.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { barLine, barProgress, formatEta, MAX_LINE_WIDTH } from '../../src/pipeline/progress.js';

class FakeTty extends Writable {
  readonly isTTY = true;
  text = '';
  constructor(readonly columns: number) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

/** What the terminal shows, line by line: escape sequences become line breaks, empty lines dropped. */
function screenLines(text: string): string[] {
   
  return text.replace(/\u001b(\[[0-9;?]*[A-Za-z]|[78])/g, '\n').split(/[\r\n]+/).filter((line) => line.trim() !== '');
}

async function run(fileCount: number, columns: number): Promise<string[]> {
  const tty = new FakeTty(columns);
  const progress = barProgress(fileCount, 2_000_000 * fileCount, tty as unknown as NodeJS.WriteStream);
  for (let file = 1; file <= fileCount; file++) {
    const name = `backlog/clinic-with-a-rather-long-name-${file}.837`;
    progress.fileStarted(name, 2_000_000);
    progress.advance(name, 1_000_000, 400);
    progress.advance(name, 1_000_000, 400);
    // The bars redraw 5 times a second.
    await new Promise((resolve) => setTimeout(resolve, 250));
    progress.fileDone(name);
    progress.log(`spinescrub: ${name}: 800 claims, 790 ready, 10 held\n`);
  }
  progress.stop();
  return screenLines(tty.text);
}

describe('terminal progress', () => {
  it('draws one bar for a single file, with an ETA, and keeps its done line after the bar goes', async () => {
    const lines = await run(1, 80);
    const bars = lines.filter((line) => line.includes('%'));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.every((line) => /ETA (\d+:\d\d|--:--)$/.test(line))).toBe(true);
    expect(lines.some((line) => line.includes('all 1 files'))).toBe(false);
    expect(lines.at(-1)).toBe('spinescrub: backlog/clinic-with-a-rather-long-name-1.837: 800 claims, 790 ready, 10 held');
  });

  it('draws an overall bar over several files and keeps every done line', async () => {
    const lines = await run(3, 80);
    expect(lines.some((line) => line.includes('all 3 files'))).toBe(true);
    const done = lines.filter((line) => line.startsWith('spinescrub: '));
    expect(done).toEqual([1, 2, 3].map((file) => `spinescrub: backlog/clinic-with-a-rather-long-name-${file}.837: 800 claims, 790 ready, 10 held`));
  });

  it.each([80, 200, 60])('fits every bar line within min(%i, 80) columns', async (columns) => {
    const bars = (await run(2, columns)).filter((line) => line.includes('%'));
    expect(bars.length).toBeGreaterThan(0);
    for (const line of bars) expect([...line].length).toBeLessThan(Math.min(columns, MAX_LINE_WIDTH));
  });

  it('formats a line: bar, percent, name, claims, MB/s and ETA from the rate so far', () => {
    const startedAt = 0;
    const line = barLine({ name: 'a.837'.padEnd(22), claims: 1234, bytes: 1024 * 1024, bytesTotal: 4 * 1024 * 1024, startedAt }, 79, 2000);
    expect(line).toBe(`${'█'.repeat(5)}${'░'.repeat(16)}  25% ${'a.837'.padEnd(22)} 1234 claims 0.5 MB/s ETA 0:06`);
    expect(line.length).toBe(79);
    expect(formatEta(Number.NaN)).toBe('--:--');
    expect(formatEta(3725)).toBe('1:02:05');
  });
});
