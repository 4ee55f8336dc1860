/** Where the history index lives unless `--history` says otherwise (a module of its own: the CLI reads it at start). */
export const DEFAULT_HISTORY_PATH = './spinescrub-history.db';

/** True for a `postgres://` or `postgresql://` URL: the history is then a shared PostgreSQL database. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** The URL without its password (messages and `history stats` name the database so). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
