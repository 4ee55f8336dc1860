/**
 * The import boundaries between the folders of src/, checked on the source itself (every import, export … from and
 * import() of every .ts file, type-only ones included), so they hold even without the lint config that states the
 * same (eslint.config.js, no-restricted-imports).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** One import between two files of src/, as paths relative to the repository with '/' separators. */
interface Edge {
  from: string;
  to: string;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

/** Where a relative specifier of `from` leads: the .ts file a '.js' specifier compiles from. */
function resolve(from: string, specifier: string): string {
  return path.posix.join(path.posix.dirname(from), specifier).replace(/\.js$/, '.ts');
}

/** The folder of src/ a path is in ('rules' for src/rules/esi/unguided.ts). */
function folderOf(file: string): string {
  return file.split('/')[1]!;
}

function edgesOf(file: string): Edge[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
  return importedFiles.filter((entry) => entry.fileName.startsWith('.')).map((entry) => ({ from: file, to: resolve(file, entry.fileName) }));
}

const edges = sourceFiles('src').flatMap(edgesOf);

/** The imports from files of `from` into `banned` folders (a file listed in `allowed` excepted), as 'from -> to'. */
function crossings(from: readonly string[], banned: readonly string[], allowed: readonly string[] = []): string[] {
  return edges
    .filter((edge) => from.includes(folderOf(edge.from)) && banned.includes(folderOf(edge.to)) && !allowed.includes(edge.to))
    .map((edge) => `${edge.from} -> ${edge.to}`);
}

describe('the scan of src/', () => {
  it('resolves a specifier from where the file is', () => {
    expect(folderOf(resolve('src/rules/esi/unguided.ts', '../history/shared.js'))).toBe('rules');
    expect(folderOf(resolve('src/rules/esi/unguided.ts', '../../history/view.js'))).toBe('history');
    expect(resolve('src/rules/engine.ts', './ids.js')).toBe('src/rules/ids.ts');
  });

  it('sees type-only imports, re-exports and import()', () => {
    const folders = (file: string): string[] => [...new Set(edgesOf(file).map((edge) => folderOf(edge.to)))].sort();
    // formats/types.ts imports only types; x12/index.ts only re-exports; cli/commands/rules.ts imports with import().
    expect(folders('src/formats/types.ts')).toEqual(['encounter']);
    expect(folders('src/x12/index.ts')).toEqual(['x12']);
    expect(folders('src/cli/commands/rules.ts')).toEqual(expect.arrayContaining(['policy', 'rules']));
  });
});

describe('import boundaries', () => {
  it('rules/ and encounter/ import nothing from x12/, csv/, formats/, pipeline/, report/ or cli/', () => {
    expect(crossings(['rules', 'encounter'], ['x12', 'csv', 'formats', 'pipeline', 'report', 'cli'])).toEqual([]);
  });

  it.skip('rules/ and encounter/ import nothing from history/ (skipped until the history view contract moves to encounter/)', () => {
    expect(crossings(['rules', 'encounter'], ['history'])).toEqual([]);
  });

  it('x12/ and csv/ import nothing from pipeline/, rules/, policy/, history/, report/, cli/ or each other', () => {
    expect(crossings(['x12'], ['pipeline', 'rules', 'policy', 'history', 'report', 'cli', 'csv'])).toEqual([]);
    expect(crossings(['csv'], ['pipeline', 'rules', 'policy', 'history', 'report', 'cli', 'x12'])).toEqual([]);
  });

  it('formats/ imports from encounter/ only', () => {
    expect(edges.filter((edge) => folderOf(edge.from) === 'formats' && !['formats', 'encounter'].includes(folderOf(edge.to)))).toEqual([]);
  });

  it('report/ takes findings and rule ids from rules/, nothing else of it, and nothing from the pipeline, adapters or cli/', () => {
    expect(crossings(['report'], ['rules'], ['src/rules/types.ts', 'src/rules/ids.ts'])).toEqual([]);
    expect(crossings(['report'], ['pipeline', 'x12', 'csv', 'formats', 'history', 'cli'])).toEqual([]);
  });
});
