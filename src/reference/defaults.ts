/** Where the imported CMS reference tables live unless `--reference` says otherwise (read by the CLI at start). */
export const DEFAULT_REFERENCE_PATH = './spinescrub-reference.db';
