/**
 * Benchmark of the X12 path: read + assemble + write (every claim unchanged, to one writer) against a raw read
 * of the same file, for a generated 50 MB and 500 MB 837P. Each measurement runs in its own child process so
 * that peak RSS (process.resourceUsage().maxRSS) belongs to that measurement alone.
 *
 *   npx tsx scripts/bench-x12.ts [--sizes 50,500] [--dir /tmp/spinescrub-bench] [--keep]
 *
 * Files come from scripts/generate-837p.ts (deterministic, seed 1); they are generated once and reused.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';

interface Measurement {
  kind: 'raw' | 'pipeline' | 'split';
  ms: number;
  /** User + system CPU time of the measured section (less sensitive than wall time to a busy machine). */
  cpuMs: number;
  bytes: number;
  claims: number;
  maxRssMb: number;
  outputBytes?: number;
}

const CHUNK = 64 * 1024;

async function childRaw(file: string): Promise<Measurement> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) bytes += (chunk as Buffer).length;
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { kind: 'raw', ms, cpuMs: (used.user + used.system) / 1000, bytes, claims: 0, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * `split`: one claim in 43 goes to a second writer, as a run splits a file into ready and held: the HL loops
 * after each split-off claim are renumbered (rebuilt), which the all-unchanged pass never does.
 */
async function childPipeline(file: string, outFile: string, split = false): Promise<Measurement> {
  const { readX12 } = await import('../src/x12/reader.js');
  const { createX12Writer } = await import('../src/x12/writer.js');
  const started = performance.now();
  const cpu = process.cpuUsage();
  const reader = readX12(createReadStream(file, { highWaterMark: CHUNK }), file);
  const out = createWriteStream(outFile);
  const writer = createX12Writer(out);
  const heldFile = `${outFile}.held`;
  const held = split ? createX12Writer(createWriteStream(heldFile)) : undefined;
  let claims = 0;
  for await (const read of reader.claims()) {
    if (held !== undefined && claims % 43 === 0) await held.write(read, read.claim, false);
    else await writer.write(read, read.claim, false);
    claims++;
  }
  await writer.close();
  if (held !== undefined) {
    await held.close();
    rmSync(heldFile, { force: true });
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (reader.problems.length > 0) throw new Error(`${file}: ${reader.problems[0]!.message}`);
  return { kind: split ? 'split' : 'pipeline', ms, cpuMs: (used.user + used.system) / 1000, bytes: statSync(file).size, claims, maxRssMb: process.resourceUsage().maxRSS / 1024, outputBytes: statSync(outFile).size };
}

async function generate(file: string, mb: number): Promise<{ claims: number; bytes: number }> {
  const generatorPath = fileURLToPath(new URL('./generate-837p.ts', import.meta.url));
  if (!existsSync(generatorPath)) throw new Error('scripts/generate-837p.ts is missing');
  const { generate837p } = (await import('./generate-837p.js')) as {
    generate837p: (options: { mb?: number; seed?: number }, out: Writable) => Promise<{ claims: number; bytes: number }>;
  };
  const out = createWriteStream(file);
  const result = await generate837p({ mb, seed: 1 }, out);
  if (!out.writableFinished) {
    out.end();
    await once(out, 'finish');
  }
  return result;
}

/**
 * The children run plain `node` on an esbuild bundle of this script (as the compiled CLI would run), so that
 * the TypeScript loader's own memory and compile time are not measured; without esbuild they run under tsx.
 */
async function childCommand(dir: string): Promise<string[]> {
  const script = fileURLToPath(import.meta.url);
  try {
    const esbuild = (await import('esbuild' as string)) as { build: (options: object) => Promise<unknown> };
    const bundle = join(dir, 'bench-x12.bundle.mjs');
    await esbuild.build({ entryPoints: [script], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, packages: 'external', logLevel: 'error' });
    return [bundle];
  } catch {
    console.error('esbuild not available: children run under tsx (its loader adds memory and time)');
    return ['--import', 'tsx', script];
  }
}

let childArgs: string[] = [];

function runChild(kind: Measurement['kind'], file: string, outFile: string): Measurement {
  const result = spawnSync(process.execPath, [...childArgs, '--child', kind, file, outFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`child ${kind} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Measurement;
}

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const [, , , kind, file, outFile] = process.argv;
    const m = kind === 'raw' ? await childRaw(file!) : await childPipeline(file!, outFile!, kind === 'split');
    process.stdout.write(`${JSON.stringify(m)}\n`);
    return;
  }
  const sizes = (arg('sizes') ?? '50,500').split(',').map(Number);
  const dir = arg('dir') ?? '/tmp/spinescrub-bench';
  mkdirSync(dir, { recursive: true });
  childArgs = await childCommand(dir);
  const rows: string[] = [];
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  for (const mb of sizes) {
    const file = join(dir, `generated-${mb}mb.837`);
    const outFile = join(dir, `out-${mb}mb.837`);
    if (!existsSync(file)) {
      const started = performance.now();
      const generated = await generate(file, mb);
      console.error(`generated ${file}: ${generated.claims} claims, ${generated.bytes} bytes in ${fmt((performance.now() - started) / 1000)} s`);
    }
    // Warm the page cache, then measure raw and pipeline back to back.
    runChild('raw', file, outFile);
    const raw = runChild('raw', file, outFile);
    const pipeline = runChild('pipeline', file, outFile);
    const sizeMb = raw.bytes / 1e6;
    const identical = pipeline.outputBytes === raw.bytes && spawnSync('cmp', ['-s', file, outFile]).status === 0;
    const split = runChild('split', file, outFile);
    rows.push(
      [
        `${mb} MB file (${fmt(sizeMb)} MB, ${pipeline.claims} claims)`,
        `  raw read:                 ${fmt(raw.ms / 1000, 2)} s  ${fmt(sizeMb / (raw.ms / 1000))} MB/s  peak RSS ${fmt(raw.maxRssMb)} MB`,
        `  read + assemble + write:  ${fmt(pipeline.ms / 1000, 2)} s  ${fmt(sizeMb / (pipeline.ms / 1000))} MB/s  ${Math.round(pipeline.claims / (pipeline.ms / 1000))} claims/s  peak RSS ${fmt(pipeline.maxRssMb)} MB`,
        `  ratio to raw read:        ${fmt(pipeline.ms / raw.ms)}× wall time, ${fmt(pipeline.cpuMs / raw.cpuMs)}× CPU time (${fmt(pipeline.cpuMs, 0)} vs ${fmt(raw.cpuMs, 0)} ms)   output byte-identical: ${identical ? 'yes' : 'NO'}`,
        `  1 claim in 43 to a 2nd writer (HL loops renumbered, as ready/held): ${fmt(split.ms / 1000, 2)} s  CPU ${fmt(split.cpuMs, 0)} ms  peak RSS ${fmt(split.maxRssMb)} MB`,
      ].join('\n'),
    );
    if (!process.argv.includes('--keep')) rmSync(outFile, { force: true });
    console.log(rows.at(-1));
  }
  const os = await import('node:os');
  console.log(`\nnode ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; each measurement in its own child process (maxRSS from process.resourceUsage()); children: node ${childArgs.join(' ')}`);
}

await main();
