/**
 * Time and peak RSS of the CSV path (readCsv → createCsvWriter, every claim written back) beside csv-parse alone
 * on the same file, measured in the same run, each in its own child process (so each RSS is its own).
 *
 *   npx tsx scripts/bench-csv.ts [--mb 50] [--seed 1] [--runs 3] [--dir /tmp/spinescrub-bench]
 *
 * Generates a sorted and an unsorted file with scripts/generate-csv.ts (kept in --dir for later runs), then
 * runs, per file and per round, in alternating order: `csv-parse` (stream, records counted) and `spinescrub`
 * (readCsv → writer to a file). Prints the median time and peak RSS of each, and the ratios.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';
import { createCsvWriter, readCsv } from '../src/csv/index.js';
import type { ReadClaim, ReadyClaims } from '../src/formats/types.js';
import { generateCsv } from './generate-csv.js';

interface Measure {
  ms: number;
  /** CPU time (user + system) of the work: steadier than wall time on a shared machine. */
  cpuMs: number;
  maxRssMb: number;
  claims: number;
  records: number;
  identical?: boolean;
}

async function baseline(file: string): Promise<Measure> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let records = 0;
  const parser = createReadStream(file).pipe(parse({ info: true, bom: true, relax_column_count: true, skip_empty_lines: true }));
  for await (const _ of parser) records++;
  return { ms: performance.now() - start, cpuMs: cpuSince(cpu), maxRssMb: process.resourceUsage().maxRSS / 1024, claims: 0, records };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function spinescrub(file: string, outFile: string): Promise<Measure> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const reader = readCsv(createReadStream(file), file);
  const out = createWriteStream(outFile);
  const writer = createCsvWriter(out, reader.layout);
  let records = 0;
  // As a run takes them (process-file): the claims already read without a promise each, writeNow() when offered.
  const readClaims = reader.claims() as AsyncGenerator<ReadClaim> & Partial<ReadyClaims>;
  for (;;) {
    let read = readClaims.takeReady?.();
    if (read === undefined) {
      const step = await readClaims.next();
      if (step.done === true) break;
      read = step.value;
    }
    records += read.claim.lines.length;
    const pending = writer.writeNow ? writer.writeNow(read, read.claim, false) : writer.write(read, read.claim, false);
    if (pending !== undefined) await pending;
  }
  const { claims } = await writer.close();
  const ms = performance.now() - start;
  const cpuMs = cpuSince(cpu);
  if (reader.problems.length > 0) throw new Error(reader.problems[0]!.message);
  return { ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, claims, records };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function child(mode: string, file: string, outFile: string): Measure {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), script, '--child', mode, file, outFile], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split('\n').pop()!) as Measure;
}

async function main(argv: string[]): Promise<void> {
  const value = (name: string, fallback: string): string => {
    const index = argv.indexOf(`--${name}`);
    return index === -1 ? fallback : (argv[index + 1] ?? fallback);
  };
  if (argv[0] === '--child') {
    const [, mode, file, outFile] = argv;
    const result = mode === 'csv-parse' ? await baseline(file!) : await spinescrub(file!, outFile!);
    console.log(JSON.stringify(result));
    return;
  }
  const mb = Number(value('mb', '50'));
  const seed = Number(value('seed', '1'));
  const runs = Number(value('runs', '3'));
  const dir = value('dir', '/tmp/spinescrub-bench');
  mkdirSync(dir, { recursive: true });
  const results: string[] = [];
  for (const unsorted of [false, true]) {
    const file = join(dir, `claims-${mb}mb-seed${seed}${unsorted ? '-unsorted' : ''}.csv`);
    if (!existsSync(file)) {
      const stream = createWriteStream(file);
      await generateCsv(stream, { mb, seed, unsorted });
      stream.end();
      await once(stream, 'close');
    }
    const outFile = join(dir, 'out.csv');
    const measures: Record<string, Measure[]> = { 'csv-parse': [], spinescrub: [] };
    for (let round = 0; round < runs; round++) {
      const order = round % 2 === 0 ? ['csv-parse', 'spinescrub'] : ['spinescrub', 'csv-parse'];
      for (const mode of order) measures[mode]!.push(child(mode, file, outFile));
    }
    const identical = unsorted ? undefined : readFileSync(file).equals(readFileSync(outFile));
    rmSync(outFile, { force: true });
    const base = measures['csv-parse']!;
    const ours = measures.spinescrub!;
    const [baseMs, oursMs] = [median(base.map((m) => m.ms)), median(ours.map((m) => m.ms))];
    const [baseCpu, oursCpu] = [median(base.map((m) => m.cpuMs)), median(ours.map((m) => m.cpuMs))];
    const [baseRss, oursRss] = [median(base.map((m) => m.maxRssMb)), median(ours.map((m) => m.maxRssMb))];
    results.push(
      `${unsorted ? 'unsorted' : 'sorted'} ${(statSync(file).size / 1048576).toFixed(1)} MB, ${ours[0]!.claims} claims, ${ours[0]!.records} rows (median of ${runs})`,
      `  csv-parse alone        ${(baseMs / 1000).toFixed(2)} s wall, ${(baseCpu / 1000).toFixed(2)} s CPU, peak RSS ${baseRss.toFixed(0)} MB   wall runs: ${base.map((m) => (m.ms / 1000).toFixed(2)).join(' ')}`,
      `  readCsv → writer       ${(oursMs / 1000).toFixed(2)} s wall, ${(oursCpu / 1000).toFixed(2)} s CPU, peak RSS ${oursRss.toFixed(0)} MB   wall runs: ${ours.map((m) => (m.ms / 1000).toFixed(2)).join(' ')}`,
      `  ratio                  ×${(oursMs / baseMs).toFixed(2)} wall, ×${(oursCpu / baseCpu).toFixed(2)} CPU, ×${(oursRss / baseRss).toFixed(2)} RSS${identical === undefined ? '' : `; output byte-identical to input: ${identical}`}`,
    );
  }
  console.log(results.join('\n'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
