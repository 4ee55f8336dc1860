/**
 * Every problem ajv found (`allErrors`), one readable `path: message` each, for a JSON file a person wrote (a
 * policy, the config file): `/payers/BCBS/limits/esiPerYear: must be integer`, `/polcy: unknown property (did you
 * mean policy?)`. An `anyOf` reads as its alternatives ("must be a string or false") instead of one line per branch.
 */
import type { ErrorObject } from 'ajv';
import { nearest } from './near.js';

export interface AjvProblem {
  /** JSON pointer of the bad value (`/` for the whole document). */
  path: string;
  message: string;
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function alternative(error: ErrorObject): string | undefined {
  if (error.keyword === 'type') return article(String((error.params as { type: string }).type));
  if (error.keyword === 'const') return JSON.stringify((error.params as { allowedValue: unknown }).allowedValue);
  if (error.keyword === 'enum') return ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ');
  return undefined;
}

function describe(error: ErrorObject, knownProperties: (path: string) => readonly string[]): AjvProblem {
  const at = error.instancePath || '';
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const near = nearest(extra, knownProperties(at));
      return { path: `${at}/${pointerEscape(extra)}`, message: `unknown property${near ? ` (did you mean ${near}?)` : ''}` };
    }
    case 'enum':
      return { path: at || '/', message: `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path: at || '/', message: error.message ?? 'invalid value' };
  }
}

/**
 * The problems of one validation, in document order of ajv's report, without duplicates. `knownProperties` gives
 * the property names allowed at a path (for "did you mean").
 */
export function ajvProblems(errors: readonly ErrorObject[] | null | undefined, knownProperties: (path: string) => readonly string[] = () => []): AjvProblem[] {
  const list = errors ?? [];
  const anyOfPaths = new Set(list.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf').map((error) => error.instancePath));
  const problems: AjvProblem[] = [];
  const seen = new Set<string>();
  const push = (problem: AjvProblem): void => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(problem);
  };
  for (const error of list) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      const branches = list.filter((other) => other !== error && other.instancePath === error.instancePath && other.schemaPath.startsWith(error.schemaPath.replace(/\/(anyOf|oneOf)$/, '')));
      const words = [...new Set(branches.map(alternative).filter((word): word is string => word !== undefined))];
      push({ path: error.instancePath || '/', message: words.length > 0 ? `must be ${words.join(' or ')}` : (error.message ?? 'invalid value') });
      continue;
    }
    // A branch of an anyOf at the same path is said by the anyOf's own line.
    if (anyOfPaths.has(error.instancePath) && /\/(anyOf|oneOf)\/\d+\//.test(error.schemaPath)) continue;
    push(describe(error, knownProperties));
  }
  return problems;
}

/** One line: `path: message; path: message`. */
export function problemsText(problems: readonly AjvProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
}

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
  $defs?: Record<string, SchemaNode>;
}

/** The property names a schema allows at a JSON pointer (following properties, items and local `$ref`s). */
export function schemaPropertiesAt(schema: object, pointer: string): string[] {
  const root = schema as SchemaNode;
  const deref = (node: SchemaNode | undefined): SchemaNode | undefined => {
    let current = node;
    for (let hops = 0; current?.$ref !== undefined && current.$ref.startsWith('#/') && hops < 10; hops++) {
      let target: unknown = root;
      for (const part of current.$ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
      current = target as SchemaNode | undefined;
    }
    return current;
  };
  let node = deref(root);
  for (const part of pointer.split('/').slice(1)) {
    if (node === undefined) return [];
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    const next: SchemaNode | undefined =
      node.properties?.[key] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined) ?? node.items;
    node = deref(next);
  }
  return Object.keys(node?.properties ?? {});
}
