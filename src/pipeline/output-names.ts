/**
 * Where each input's claims are written under ready/ and held/. A file named on the command line keeps its base
 * name; a file found under a named directory keeps its path below that directory, so same-named files in different
 * sub-folders are mirrored (`backlog/a/x.837` → `ready/a/x.837`, `backlog/b/x.837` → `ready/b/x.837`). Inputs that
 * would still share a name (`a/x.837` and `b/x.837` named one by one, or two directories that both hold `x.837`)
 * take their path below the folder the clashing inputs have in common (`a/x.837`, `b/x.837`). The run is refused
 * only when that leaves two inputs on one name, or one input's name is a folder of another's.
 */
import path from 'node:path';
import type { InputFormat } from '../encounter/model.js';
import { UsageError } from './errors.js';
import { outputNameOf, type InputFile } from './inputs.js';

export interface NamedInput {
  file: InputFile;
  format: InputFormat;
}

/** A relative path with `/` separators. */
function slashed(relative: string): string {
  return relative.split(path.sep).join('/');
}

/** The name before clashes are considered: the base name, or the path below the named directory. */
function naturalName(input: NamedInput): string {
  const { file } = input;
  if (file.path !== null && file.root !== undefined) return slashed(path.relative(file.root, file.path));
  return outputNameOf(file, input.format);
}

/** The deepest folder that holds every one of `files` (absolute paths). */
function commonFolder(files: readonly string[]): string {
  let common = path.dirname(files[0]!);
  for (const file of files.slice(1)) {
    while (common !== path.dirname(common) && path.relative(common, file).startsWith('..')) common = path.dirname(common);
  }
  return common;
}

function refuse(a: NamedInput, b: NamedInput, name: string, how: string): never {
  throw new UsageError('CFG_DUPLICATE_OUTPUT', `inputs ${a.file.name} and ${b.file.name} would ${how} ${name} in ready/ and held/: run them separately`);
}

/** The output name (relative, `/`-separated) of each input, in the same order. */
export function outputNames(inputs: readonly NamedInput[]): string[] {
  const names = inputs.map(naturalName);
  const byName = new Map<string, number[]>();
  names.forEach((name, index) => byName.set(name, [...(byName.get(name) ?? []), index]));
  for (const [name, indexes] of byName) {
    if (indexes.length < 2) continue;
    const clashing = indexes.map((index) => inputs[index]!);
    const stdin = clashing.find((input) => input.file.path === null);
    if (stdin !== undefined) refuse(clashing.find((input) => input !== stdin)!, stdin, name, 'both be written as');
    const absolute = clashing.map((input) => path.resolve(input.file.path!));
    const folder = commonFolder(absolute);
    indexes.forEach((index, at) => (names[index] = slashed(path.relative(folder, absolute[at]!))));
  }
  const owner = new Map<string, number>();
  names.forEach((name, index) => {
    const other = owner.get(name);
    if (other !== undefined) refuse(inputs[other]!, inputs[index]!, name, 'both be written as');
    owner.set(name, index);
  });
  const folders = new Map<string, number>();
  names.forEach((name, index) => {
    const parts = name.split('/');
    for (let depth = 1; depth < parts.length; depth++) folders.set(parts.slice(0, depth).join('/'), index);
  });
  names.forEach((name, index) => {
    const other = folders.get(name);
    if (other !== undefined) refuse(inputs[index]!, inputs[other]!, name, 'need both a file and a folder named');
  });
  return names;
}
