/**
 * Progress of a run: on a TTY, cli-progress bars (overall, and one per file being read) with claims/s and
 * MB/s; without a TTY, a plain line every few seconds (cron logs). Shows counts and file names only.
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

function rate(amount: number, startedAt: number): number {
  const seconds = (performance.now() - startedAt) / 1000;
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

function shortName(raw: string): string {
  const name = escapeControls(raw);
  return name.length <= 32 ? name.padEnd(32) : `…${name.slice(-31)}`;
}

/** Bars on a TTY (stream must be a TTY stream). */
export function barProgress(fileCount: number, bytesTotal: number, stream: NodeJS.WriteStream): Progress {
  const state = new ProgressState(fileCount, bytesTotal);
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{bar} {percentage}% | {name} | {claims} claims | {cps} claims/s | {mbps} MB/s',
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const overallLabel = shortName(`all ${fileCount} files`);
  const overall = bars.create(Math.max(bytesTotal, 1), 0, { name: overallLabel, claims: 0, cps: '0', mbps: '0.0' });
  const payload = (claims: number, bytes: number, startedAt: number, label: string) => ({
    name: label,
    claims,
    cps: Math.round(rate(claims, startedAt)).toString(),
    mbps: (rate(bytes, startedAt) / MB).toFixed(1),
  });
  return {
    fileStarted(name, bytes) {
      const file: FileState = { bytesTotal: bytes, bytes: 0, claims: 0, startedAt: performance.now(), label: shortName(name) };
      file.bar = bars.create(Math.max(bytes, 1), 0, payload(0, 0, file.startedAt, file.label));
      state.files.set(name, file);
    },
    advance(name, bytes, claims) {
      const file = state.files.get(name);
      state.bytes += bytes;
      state.claims += claims;
      if (file) {
        file.bytes += bytes;
        file.claims += claims;
        file.bar?.update(file.bytes, payload(file.claims, file.bytes, file.startedAt, file.label));
      }
      overall.update(state.bytes, payload(state.claims, state.bytes, state.startedAt, overallLabel));
    },
    fileDone(name) {
      const file = state.files.get(name);
      if (file?.bar) bars.remove(file.bar);
      state.files.delete(name);
      state.filesDone += 1;
    },
    log(line) {
      bars.log(line);
      return true;
    },
    stop() {
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
