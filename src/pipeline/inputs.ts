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

export interface ExpandedInputs {
  files: InputFile[];
  missing: MissingInput[];
}

export interface ExpandOptions {
  /** Directories never walked (the output directory, when it lies under an input directory). */
  exclude?: readonly string[];
}

const STDIN = '-';

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

async function walk(directory: string, shown: string, exclude: ReadonlySet<string>, into: InputFile[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // hidden files, and the run's own staging directories
    const full = path.join(directory, entry.name);
    const name = path.join(shown, entry.name);
    if (entry.isDirectory()) {
      if (!exclude.has(path.resolve(full))) await walk(full, name, exclude, into);
    } else if (entry.isFile()) {
      if (/\.csv$/i.test(entry.name)) into.push({ name, path: full });
      else if (startsWithIsa(await readHead(full, 64))) into.push({ name, path: full });
    }
  }
}

/** Expands the named inputs. A name that does not exist is reported (exit 3), not thrown. */
export async function expandInputs(names: readonly string[], options: ExpandOptions = {}): Promise<ExpandedInputs> {
  const exclude = new Set((options.exclude ?? []).map((entry) => path.resolve(entry)));
  const files: InputFile[] = [];
  const missing: MissingInput[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === STDIN) {
      if (!seen.has(STDIN)) files.push({ name: STDIN, path: null });
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
    if (info.isDirectory()) await walk(name, name, exclude, found);
    else found.push({ name, path: name });
    for (const entry of found) {
      const file = info.isDirectory() ? { ...entry, root: name } : entry;
      const key = path.resolve(file.path ?? file.name);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return { files, missing };
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
