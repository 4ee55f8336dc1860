/**
 * Memory knobs of the history store, in one place: SQLite page caches (negative values are KiB, as SQLite's
 * `cache_size` takes them) and the identity cache. A run's peak RSS is mostly these plus the JS heap, so they are
 * tuned against `scripts/bench-run.ts` (the 200 MB run) rather than set where they are used. Measured 2026-11-27 on
 * the 200 MB run with history (runInWorker): main/temp/overlay caches of 16/8/16 MiB gave a 167-172 MB peak,
 * 8/4/8 MiB 140 MB (young generation 12 MiB); with a 24 MiB young generation and JUnit written without stream
 * buffers, 8/4/8 MiB 157 MB and 4/2/4 MiB 142 MB, at the same CPU (50 MB run, alternating: 24.6/26.3 vs 26.1/23.6 s).
 */

/**
 * Page cache of the history database (negative: KiB): 4 MiB. A run's commit inserts lines in key order, and a
 * patient's prior lines sit together (clustered key): the OS page cache serves the rest. A/B on a 984k-line
 * history: 4, 8 and 64 MiB gave the same CPU (31.2 / 32.3 s; 42.3–43.5 / 41.6–44.6 s in a loaded sitting).
 */
export const MAIN_CACHE_KIB = -4096;
/**
 * Page cache of the temporary tables (a file's staged lines; negative: KiB): 256 KiB. The staged table is only
 * appended to and read in order once (no index): a larger cache only held more of it. 200 MB run's commit
 * (alternating, same sitting): 2 MiB and 256 KiB took the same CPU, 256 KiB with 1-2 MB less peak RSS.
 */
export const TEMP_CACHE_KIB = -256;
/**
 * Page cache of the history database while a file's staged lines are sorted into `lines` (negative: KiB): 1 MiB.
 * SQLite's sorter holds as much memory as the main database's cache_size before it writes a sorted run to a temporary
 * file, and the sort is where a run's commit peaks: 4 MiB -> 1 MiB took 3-4 MB off the 200 MB run's commit peak at
 * the same CPU (7.9/8.0 s vs 7.9/8.2 s, alternating).
 */
export const SORT_CACHE_KIB = -1024;
/**
 * Page cache while `history add` / `--prior` ingests a file (negative: KiB): 16 MiB. Ingesting a 202 MB file
 * (983,678 lines), alternating, load 5: 256 MiB took 17.2-17.9 s CPU at 416-423 MB peak RSS, 16 MiB 17.6-18.6 s
 * at 157-163 MB (wall times 18-31 s either way: the machine's noise).
 */
export const INGEST_CACHE_KIB = -16384;
/**
 * Page cache of a run's overlay database (negative: KiB): 2 MiB (4, 8 and 32 MiB measured the same CPU before its
 * lines were held in memory; now the view reads it only past OVERLAY_LINES_BUDGET_BYTES).
 */
export const OVERLAY_CACHE_KIB = -2048;
/**
 * Patient identities remembered by a run. Kept small: an identity's strings may be slices of the input's chunks,
 * and a large cache would hold the chunks in memory (tried 32,768: +65 MB peak RSS on a 50 MB file).
 */
export const IDENTITY_CACHE_LIMIT = 512;
/**
 * Memory for the database lines a store remembers per patient, held compactly (db-lines.ts: 12 bytes a line, 10 a
 * claim plus its id, 74 a patient plus its key): 8 MiB. A patient comes back claim after claim: the 50 MB file over
 * the 984k-line history reads 239k lines of 20k patients (121k claims), ~7 MB counted, all held; 135k loads of
 * them then read the database 28k times instead of 135k. A first run (empty history) holds none. Measured through
 * the CLI's worker (alternating, --no-record over that history): CPU 0.64-0.76x, peak RSS 139-142 -> 141-144 MB.
 */
export const DB_LINES_CACHE_BYTES = 8 * 1024 * 1024;
/**
 * Memory for the claims of a run's overlay held in typed arrays (overlay-lines.ts: lines and, since session 4, the
 * claim fields the commit needs — a held claim is then not written to the overlay database at all): 6 MiB, about 64
 * bytes a claim of two lines plus ~96 a patient: a 50 MB file's 86k recorded claims would take 7.5 MB, ~84% are held.
 * Rows past it go to the overlay database. The held claims count for the whole check of a larger file (the arrays
 * grow no further than the budget can fill); the commit drops the view's patient chains, collects, stages the held
 * claims, then gives them back. The 200 MB run (345k claims recorded, ~a fifth held) peaks in the check phase: 6 MiB
 * of lines only took it to ~145 MB (8 MiB: 147-150); 6 MiB of lines and claim fields 147-148 MB (2026-11-28,
 * runInWorker, main at 147-149 in the same sitting).
 */
export const OVERLAY_LINES_BUDGET_BYTES = 6 * 1024 * 1024;
