/**
 * Progress of a run: on a TTY, cli-progress bars (one for a single file; for several, overall and one per file
 * being read) with claims, MB/s and an ETA, each line within 80 columns; without a TTY, a plain line every few
 * seconds (cron logs). Shows counts and file names only.
 */
import cliProgress from 'cli-progress';
import { performance } from 'node:perf_hooks';
import { escapeControls, type Logger } from './log.js';

export interface Progress {
  fileStarted(name: string, bytes: number): void;
  advance(name: string, bytes: number, claims: number): void;
  fileDone(name: string): void;
  /** Writes a log line without breaking the bars; false when the caller should write it itself. */
  log(line: string): boolean;
  stop(): void;
}

export const noProgress: Progress = {
  fileStarted: () => {},
  advance: () => {},
  fileDone: () => {},
  log: () => false,
  stop: () => {},
};

const MB = 1024 * 1024;

function rate(amount: number, startedAt: number, now = performance.now()): number {
  const seconds = (now - startedAt) / 1000;
  return seconds > 0 ? amount / seconds : 0;
}

interface FileState {
  bytesTotal: number;
  bytes: number;
  claims: number;
  startedAt: number;
  /** The name as the bar shows it (escaped and padded once, not per update). */
  label: string;
  bar?: cliProgress.SingleBar;
}

class ProgressState {
  readonly startedAt = performance.now();
  readonly files = new Map<string, FileState>();
  bytes = 0;
  claims = 0;
  filesDone = 0;
  constructor(
    readonly fileCount: number,
    readonly bytesTotal: number,
  ) {}
}

/** A bar line never reaches past this column, whatever the terminal's width (80-column terminals and logs). */
export const MAX_LINE_WIDTH = 80;
const NAME_WIDTH = 22;

function shortName(raw: string, width = NAME_WIDTH): string {
  const name = escapeControls(raw);
  return name.length <= width ? name.padEnd(width) : `…${name.slice(-(width - 1))}`;
}

/** Seconds as `m:ss` or `h:mm:ss`; `--:--` while unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

interface BarPayload {
  name: string;
  claims: number;
  bytes: number;
  bytesTotal: number;
  startedAt: number;
}

/**
 * One bar's line, at most `width` columns: `███░░░  42% name  1234 claims  3.1 MB/s  ETA 0:12`. The bar takes what
 * the text leaves (at least 5 cells); the ETA is the bytes left at the rate so far.
 */
export function barLine(payload: BarPayload, width: number, now = performance.now()): string {
  const fraction = payload.bytesTotal > 0 ? Math.min(1, payload.bytes / payload.bytesTotal) : 0;
  const bytesPerSecond = rate(payload.bytes, payload.startedAt, now);
  const eta = payload.bytes >= payload.bytesTotal ? 0 : bytesPerSecond > 0 ? (payload.bytesTotal - payload.bytes) / bytesPerSecond : Number.NaN;
  const text = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${payload.name} ${payload.claims} claims ${(bytesPerSecond / MB).toFixed(1)} MB/s ETA ${formatEta(eta)}`;
  const cells = Math.max(5, width - text.length);
  const filled = Math.round(fraction * cells);
  const line = `${'\u2588'.repeat(filled)}${'\u2591'.repeat(cells - filled)}${text}`;
  return line.length <= width ? line : line.slice(0, width);
}

/**
 * Bars on a TTY (stream must be a TTY stream): one bar for a single file; for several, an overall bar and one per
 * file being read. Log lines (each file's "done" line among them) print above the bars and stay when they go.
 */
export function barProgress(fileCount: number, bytesTotal: number, stream: NodeJS.WriteStream): Progress {
  const state = new ProgressState(fileCount, bytesTotal);
  // One column short of the terminal's width: a line that fills the last column makes some terminals wrap.
  const width = Math.min(MAX_LINE_WIDTH, stream.columns ?? MAX_LINE_WIDTH) - 1;
  const bars = new cliProgress.MultiBar({
    stream,
    format: (_options, _params, payload: BarPayload) => barLine(payload, width),
    hideCursor: true,
    clearOnComplete: true,
    stopOnComplete: false,
    linewrap: false,
    fps: 5,
  });
  const single = fileCount === 1;
  const overallPayload: BarPayload = { name: shortName(`all ${fileCount} files`), claims: 0, bytes: 0, bytesTotal: Math.max(bytesTotal, 1), startedAt: state.startedAt };
  const overall = single ? undefined : bars.create(overallPayload.bytesTotal, 0, overallPayload);
  let stopped = false;
  return {
    fileStarted(name, bytes) {
      const file: FileState = { bytesTotal: bytes, bytes: 0, claims: 0, startedAt: performance.now(), label: shortName(name) };
      file.bar = bars.create(Math.max(bytes, 1), 0, { name: file.label, claims: 0, bytes: 0, bytesTotal: Math.max(bytes, 1), startedAt: file.startedAt } satisfies BarPayload);
      state.files.set(name, file);
    },
    advance(name, bytes, claims) {
      const file = state.files.get(name);
      state.bytes += bytes;
      state.claims += claims;
      if (file) {
        file.bytes += bytes;
        file.claims += claims;
        file.bar?.update(file.bytes, { name: file.label, claims: file.claims, bytes: file.bytes, bytesTotal: Math.max(file.bytesTotal, 1), startedAt: file.startedAt } satisfies BarPayload);
      }
      overall?.update(state.bytes, { ...overallPayload, claims: state.claims, bytes: state.bytes });
    },
    fileDone(name) {
      const file = state.files.get(name);
      if (file?.bar) bars.remove(file.bar);
      state.files.delete(name);
      state.filesDone += 1;
    },
    log(line) {
      if (stopped) return false;
      bars.log(line);
      return true;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // Lines logged since the last redraw (the last file's "done" line) are written before the bars go.
      bars.update();
      bars.stop();
    },
  };
}

/** A plain line every `intervalMs` through the logger (no TTY: cron, CI). */
export function lineProgress(fileCount: number, bytesTotal: number, logger: Logger, intervalMs = 5000): Progress {
  const state = new ProgressState(fileCount, bytesTotal);
  const timer = setInterval(() => {
    const mbps = rate(state.bytes, state.startedAt) / MB;
    logger.info(
      'progress',
      `${state.filesDone}/${state.fileCount} files, ${state.claims} claims, ${(state.bytes / MB).toFixed(1)} of ${(state.bytesTotal / MB).toFixed(1)} MB, ${Math.round(rate(state.claims, state.startedAt))} claims/s, ${mbps.toFixed(1)} MB/s`,
      { filesDone: state.filesDone, files: state.fileCount, claims: state.claims, bytes: state.bytes, bytesTotal: state.bytesTotal },
    );
  }, intervalMs);
  timer.unref();
  return {
    fileStarted() {},
    advance(_name, bytes, claims) {
      state.bytes += bytes;
      state.claims += claims;
    },
    fileDone() {
      state.filesDone += 1;
    },
    log: () => false,
    stop() {
      clearInterval(timer);
    },
  };
}
