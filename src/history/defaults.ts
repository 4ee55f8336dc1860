/** Where the history index lives unless `--history` says otherwise (a module of its own: the CLI reads it at start). */
export const DEFAULT_HISTORY_PATH = './spinescrub-history.db';
