/**
 * Log lines on standard error: `text` for people, `json` (one object per line) for cron and log shippers. Every
 * line carries its time (UTC): `2026-11-27T02:00:03Z spinescrub: error: …`, or a `time` field in JSON.
 * Callers pass only file names, codes, counts and rule ids — never names, dates of birth or member ids.
 */
export type LogFormat = 'text' | 'json';
export type LogLevel = 'info' | 'warn' | 'error';

export interface LogFields {
  [key: string]: string | number | boolean | null | undefined | string[] | Record<string, unknown>[] | Record<string, unknown>;
}

export interface Logger {
  readonly format: LogFormat;
  info(event: string, message: string, fields?: LogFields): void;
  warn(event: string, message: string, fields?: LogFields): void;
  error(event: string, message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  format: LogFormat;
  /** Errors only, as ESLint's `--quiet`: info and warning lines are dropped. */
  quiet: boolean;
  write?: (line: string) => void;
  /** The clock the time stamps read (tests pin it). */
  now?: () => Date;
}

/** A log line's time: ISO 8601 in UTC, whole seconds in text, milliseconds in JSON. */
export function timestamp(date: Date, format: LogFormat): string {
  const iso = date.toISOString();
  return format === 'json' ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Control characters shown escaped (`\n`, `\u001b`): a file name or a value from a file can neither forge a log
 * line nor colour the terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => JSON.stringify(char).slice(1, -1));
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, event: string, message: string, fields: LogFields = {}): void => {
    if (level !== 'error' && options.quiet) return;
    const time = timestamp(now(), options.format);
    if (options.format === 'json') {
      write(`${JSON.stringify({ time, level, event, message, ...fields })}\n`);
    } else {
      write(`${time} spinescrub: ${level === 'info' ? '' : `${level}: `}${escapeControls(message)}\n`);
    }
  };
  return {
    format: options.format,
    info: (event, message, fields) => emit('info', event, message, fields),
    warn: (event, message, fields) => emit('warn', event, message, fields),
    error: (event, message, fields) => emit('error', event, message, fields),
  };
}
