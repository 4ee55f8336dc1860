/**
 * The run's inputs: files as named, directories walked recursively (files that start with ISA, and .csv
 * files), and `-` for standard input. The order is the order named, each directory's files in code-point
 * order, so a run's outputs never depend on how the file system lists a directory.
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InputFormat } from '../encounter/model.js';

export interface InputFile {
  /** As the user named it (or as found under a named directory): what messages and reports show. */
  name: string;
  /** Path to read; null for standard input (spooled to a file before it is read). */
  path: string | null;
  /** The named directory the file was found under (its sub-folders are mirrored in ready/ and held/). */
  root?: string;
}

export interface MissingInput {
  name: string;
  code: 'INPUT_NOT_FOUND' | 'INPUT_UNREADABLE';
  message: string;
}

/** An entry of a folder scan that is not read, and why (the run logs each). */
export interface SkippedInput {
  name: string;
  reason: 'hidden' | 'symbolic-link' | 'document' | 'unknown-format' | 'output-folder' | 'not-a-file';
}

export interface ExpandedInputs {
  files: InputFile[];
  missing: MissingInput[];
  skipped: SkippedInput[];
}

/** Files a claims folder commonly holds beside the claims (column maps, policies, notes): never claim exports. */
const DOCUMENT_EXTENSION = /\.(json|ya?ml|md|pdf|html?|docx?|xlsx?)$/i;

/** The marker file of a spinescrub output folder (staging.ts writes it): such a folder is never read as input. */
const OUTPUT_MARKER = '.spinescrub-output';

export interface ExpandOptions {
  /** Directories never walked (the output directory, when it lies under an input directory). */
  exclude?: readonly string[];
}

const STDIN = '-';
/** How reports, logs and messages name standard input (a cell of `-` would read as a formula in a spreadsheet). */
export const STDIN_NAME = 'stdin';

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when the first bytes (after a BOM and blank space) are `ISA`. */
export function startsWithIsa(head: Buffer): boolean {
  let offset = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (offset < head.length && (head[offset] === 0x20 || head[offset] === 0x0a || head[offset] === 0x0d || head[offset] === 0x09)) offset += 1;
  return head.subarray(offset, offset + 3).toString('latin1') === 'ISA';
}

export async function readHead(file: string, bytes = 512): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** ISA in UTF-16 (either byte order, after an optional byte order mark). */
function startsWithUtf16Isa(head: Buffer): boolean {
  let text = head.toString('latin1');
  if (text.startsWith('\u00ff\u00fe') || text.startsWith('\u00fe\u00ff')) text = text.slice(2);
  return text.startsWith('I\u0000S\u0000A\u0000') || text.startsWith('\u0000I\u0000S\u0000A');
}

async function walk(directory: string, shown: string, exclude: ReadonlySet<string>, into: InputFile[], skipped: SkippedInput[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    const name = path.join(shown, entry.name);
    // Hidden files, and a run's own directories (.spinescrub-*) inside an output folder.
    if (entry.name.startsWith('.')) {
      if (!entry.name.startsWith('.spinescrub-')) skipped.push({ name, reason: 'hidden' });
      continue;
    }
    if (entry.isDirectory()) {
      if (exclude.has(path.resolve(full))) continue;
      if (await isOutputFolder(full)) skipped.push({ name, reason: 'output-folder' });
      else await walk(full, name, exclude, into, skipped);
    } else if (entry.isSymbolicLink()) {
      skipped.push({ name, reason: 'symbolic-link' });
    } else if (entry.isFile()) {
      const head = /\.csv$/i.test(entry.name) ? undefined : await readHead(full, 64);
      // A .csv file, an 837P, or an 837P in UTF-16 (read as an input: the run says it cannot read UTF-16).
      if (head === undefined || startsWithIsa(head) || startsWithUtf16Isa(head)) into.push({ name, path: full });
      else skipped.push({ name, reason: DOCUMENT_EXTENSION.test(entry.name) ? 'document' : 'unknown-format' });
    } else {
      skipped.push({ name, reason: 'not-a-file' });
    }
  }
}

async function isOutputFolder(directory: string): Promise<boolean> {
  try {
    await stat(path.join(directory, OUTPUT_MARKER));
    return true;
  } catch {
    return false;
  }
}

/** Expands the named inputs. A name that does not exist is reported (exit 3), not thrown. */
export async function expandInputs(names: readonly string[], options: ExpandOptions = {}): Promise<ExpandedInputs> {
  const exclude = new Set((options.exclude ?? []).map((entry) => path.resolve(entry)));
  const files: InputFile[] = [];
  const missing: MissingInput[] = [];
  const skipped: SkippedInput[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === STDIN) {
      if (!seen.has(STDIN)) files.push({ name: STDIN_NAME, path: null });
      seen.add(STDIN);
      continue;
    }
    let info;
    try {
      info = await stat(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      missing.push({
        name,
        code: code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
        message: `${name}: ${code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`,
      });
      continue;
    }
    const found: InputFile[] = [];
    if (info.isDirectory()) {
      if (await isOutputFolder(name)) skipped.push({ name, reason: 'output-folder' });
      else await walk(name, name, exclude, found, skipped);
    } else found.push({ name, path: name });
    for (const entry of found) {
      const file = info.isDirectory() ? { ...entry, root: name } : entry;
      const key = path.resolve(file.path ?? file.name);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return { files, missing, skipped };
}

/**
 * The format of a file from its first bytes: ISA → X12; a first line with a field delimiter → CSV
 * (the CSV reader then checks the header); anything else → undefined.
 */
export function detectFormat(head: Buffer): InputFormat | undefined {
  if (startsWithIsa(head)) return 'x12';
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.trim() === '' || /[\u0000-\u0008\u000e-\u001f]/.test(firstLine)) return undefined;
  if (/^\s*[[{]/.test(firstLine)) return undefined; // JSON
  return /[,;\t|]/.test(firstLine) ? 'csv' : undefined;
}

/** The output file name: the input's base name (standard input: `stdin.x12` / `stdin.csv`). */
export function outputNameOf(file: InputFile, format: InputFormat | undefined): string {
  if (file.path === null) return format === 'csv' ? 'stdin.csv' : 'stdin.x12';
  return path.basename(file.name);
}
