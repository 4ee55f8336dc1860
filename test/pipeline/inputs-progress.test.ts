import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectFormat, outputNameOf, startsWithIsa } from '../../src/pipeline/inputs.js';
import { createLogger } from '../../src/pipeline/log.js';
import { lineProgress } from '../../src/pipeline/progress.js';

describe('format detection', () => {
  it.each([
    ['ISA*00*…', 'x12'],
    ['\uFEFFISA*00*', 'x12'],
    ['\r\n  ISA*00*', 'x12'],
    ['claim_id,dos,cpt\nA1,2026-01-01,64483\n', 'csv'],
    ['\uFEFFEncounter ID;Service Date\n', 'csv'],
    ['{"claims": []}', undefined],
    ['[1,2]', undefined],
    ['just some text\n', undefined],
    ['', undefined],
    ['\u0001\u0002binary,junk', undefined],
  ])('%j → %s', (text, format) => {
    expect(detectFormat(Buffer.from(text, 'utf8'))).toBe(format);
  });

  it('knows ISA after a UTF-8 BOM as bytes', () => {
    expect(startsWithIsa(Buffer.from([0xef, 0xbb, 0xbf, 0x49, 0x53, 0x41]))).toBe(true);
    expect(startsWithIsa(Buffer.from('IS'))).toBe(false);
  });

  it('names outputs after the input, and standard input after its format', () => {
    expect(outputNameOf({ name: 'in/sub/a.837', path: 'in/sub/a.837' }, 'x12')).toBe('a.837');
    expect(outputNameOf({ name: 'stdin', path: null }, 'csv')).toBe('stdin.csv');
    expect(outputNameOf({ name: 'stdin', path: null }, 'x12')).toBe('stdin.x12');
  });
});

describe('progress without a TTY', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs a plain line every interval with files, claims, MB and rates (counts only)', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const logger = createLogger({ format: 'text', quiet: false, write: (line) => lines.push(line), now: () => NOW });
    const progress = lineProgress(2, 4 * 1024 * 1024, logger, 1000);
    progress.fileStarted('a.837', 2 * 1024 * 1024);
    progress.advance('a.837', 2 * 1024 * 1024, 0);
    progress.advance('a.837', 0, 10);
    progress.fileDone('a.837');
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^2026-11-27T02:00:03Z spinescrub: 1\/2 files, 10 claims, 2\.0 of 4\.0 MB, \d+ claims\/s, [\d.]+ MB\/s\n$/);
    progress.stop();
    vi.advanceTimersByTime(5000);
    expect(lines).toHaveLength(1);
  });

  it('shows control characters of a message escaped: no forged line, no terminal colours', () => {
    const lines: string[] = [];
    createLogger({ format: 'text', quiet: false, write: (line) => lines.push(line), now: () => NOW }).error('file-problem', 'evil\nspinescrub: error: forged.837 \u001b[31mred');
    expect(lines).toEqual(['2026-11-27T02:00:03Z spinescrub: error: evil\\nspinescrub: error: forged.837 \\u001b[31mred\n']);
  });

  it('writes JSON lines with a time in json mode; --quiet keeps errors only, as in ESLint', () => {
    const lines: string[] = [];
    createLogger({ format: 'json', quiet: false, write: (line) => lines.push(line), now: () => NOW }).info('file-done', 'a.837: 3 claims', { file: 'a.837', claims: 3 });
    createLogger({ format: 'json', quiet: true, write: (line) => lines.push(line), now: () => NOW }).info('file-done', 'hidden');
    createLogger({ format: 'text', quiet: true, write: (line) => lines.push(line), now: () => NOW }).warn('file-problem', 'hidden too');
    createLogger({ format: 'text', quiet: true, write: (line) => lines.push(line), now: () => NOW }).error('file-problem', 'shown');
    expect(lines).toEqual([
      '{"time":"2026-11-27T02:00:03.250Z","level":"info","event":"file-done","message":"a.837: 3 claims","file":"a.837","claims":3}\n',
      '2026-11-27T02:00:03Z spinescrub: error: shown\n',
    ]);
  });
});

const NOW = new Date('2026-11-27T02:00:03.250Z');
