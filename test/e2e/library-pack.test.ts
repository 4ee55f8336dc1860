/**
 * The library from the package a user installs: `npm pack` (which builds dist/ through `prepare`), the tarball
 * unpacked as node_modules/spinescrub of a temporary project, and a consumer that imports
 * `{ scrub, loadPolicy, rules }` from 'spinescrub' by name (the package's `exports`), runs the packaged samples and
 * type-checks against dist/index.d.ts. The package's runtime dependencies are linked from this clone's
 * node_modules (no registry here): only those package.json declares, so a missing declaration fails the import.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../src/rules/index.js';
import { ROOT } from './helpers.js';

let work: string;
let project: string;
let packed: string[];

const CONSUMER_JS = `
import { loadPolicy, rules, scrub, ScrubError } from 'spinescrub';
const [out, history] = process.argv.slice(2);
const result = await scrub(['node_modules/spinescrub/samples'], {
  out,
  history,
  asOf: '2026-11-27',
  csvMaps: ['node_modules/spinescrub/samples/maps/tebra-kareo.json', 'node_modules/spinescrub/samples/maps/combined-code.json'],
});
let error = null;
try {
  loadPolicy('no-such-policy.json');
} catch (caught) {
  error = { isScrubError: caught instanceof ScrubError, code: caught.code };
}
process.stdout.write(JSON.stringify({
  exitCode: result.exitCode,
  totals: result.summary.totals,
  report: result.files.report,
  rules: rules.length,
  firstRule: rules[0].meta.id,
  guide: loadPolicy('guide').default.profile,
  error,
}));
`;

const CONSUMER_TS = `
import { loadPolicy, rules, scrub, type RunSummary, type ScrubResult } from 'spinescrub';
const result: ScrubResult = await scrub('claims', { out: 'out', failOn: 'error' });
const summary: RunSummary = result.summary;
const held: number = summary.totals.held;
const ids: string[] = rules.map((rule) => rule.meta.id);
const profile: 'medicare' | 'guide' | 'commercial' | 'medicare-advantage' = loadPolicy().default.profile;
// @ts-expect-error: out is required
await scrub('claims', {});
export { held, ids, profile };
`;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-pack-'));
  const output = execFileSync('npm', ['pack', '--pack-destination', work, '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(output.slice(output.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((file) => file.path);
  project = path.join(work, 'consumer');
  const target = path.join(project, 'node_modules', 'spinescrub');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, info!.filename), '-C', target, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of [...Object.keys(manifest.dependencies), 'typescript7', '@types/node', 'undici-types']) {
    const link = path.join(project, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', name), link, 'dir');
  }
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(path.join(project, 'consumer.mjs'), CONSUMER_JS);
  writeFileSync(path.join(project, 'consumer.ts'), CONSUMER_TS);
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] }, files: ['consumer.ts'] }),
  );
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed library', () => {
  it('ships the built entry point, its types, the schemas, samples and rule pages, and no sources or tests', () => {
    expect(packed).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'schemas/exceptions.schema.json', 'docs/api.md', 'docs/rules/esi/unguided.md']));
    expect(packed.filter((file) => file.startsWith('src/') || file.startsWith('test/'))).toEqual([]);
  });

  it('imports { scrub, loadPolicy, rules } from the tarball and scrubs the samples', () => {
    const out = path.join(work, 'out');
    // As the golden run: the samples with a new history index.
    const text = execFileSync(process.execPath, ['consumer.mjs', out, path.join(work, 'history.db')], { cwd: project, encoding: 'utf8' });
    const result = JSON.parse(text) as Record<string, unknown>;
    const golden = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/run/exceptions.json'), 'utf8')) as { summary: { totals: unknown } };
    expect(result).toEqual({
      exitCode: 0,
      totals: golden.summary.totals,
      report: path.join(out, 'report.html'),
      rules: rules.length,
      firstRule: 'claim/total-mismatch',
      guide: 'guide',
      error: { isScrubError: true, code: 'CFG_POLICY_NOT_FOUND' },
    });
    expect(readdirSync(out).filter((name) => !name.startsWith('.')).sort()).toEqual(['exceptions.csv', 'exceptions.json', 'held', 'held-claims.csv', 'junit.xml', 'ready', 'report.html']);
    expect(existsSync(path.join(out, 'spinescrub-history.db'))).toBe(false);
  });

  it('type-checks a consumer against dist/index.d.ts', () => {
    const tsc = path.join(project, 'node_modules', 'typescript7', 'bin', 'tsc');
    let result: string;
    try {
      result = execFileSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8' });
    } catch (error) {
      result = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(result).toBe('');
  });
});
