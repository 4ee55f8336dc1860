/**
 * Memory knobs of the history store, in one place: SQLite page caches (negative values are KiB, as SQLite's
 * `cache_size` takes them) and the identity cache. A run's peak RSS is mostly these plus the JS heap, so they are
 * tuned against `scripts/bench-run.ts` (the 200 MB run) rather than set where they are used.
 */

/** Page cache of the history database between files (negative: KiB): 64 MiB. */
export const MAIN_CACHE_KIB = -16384;
/** Page cache of the temporary tables (a file's staged lines; negative: KiB): 8 MiB. */
export const TEMP_CACHE_KIB = -8192;
/** Page cache while ingesting or committing a file (negative: KiB): 256 MiB. */
export const INGEST_CACHE_KIB = -262144;
/** Page cache of a run's overlay database (negative: KiB): 16 MiB. */
export const OVERLAY_CACHE_KIB = -16384;
/**
 * Patient identities remembered by a run. Kept small: an identity's strings may be slices of the input's chunks,
 * and a large cache would hold the chunks in memory (tried 32,768: +65 MB peak RSS on a 50 MB file).
 */
export const IDENTITY_CACHE_LIMIT = 512;
/** Patients whose database lines a store remembers (the rules of one claim ask about its patient many times). */
export const LINES_CACHE_LIMIT = 512;
