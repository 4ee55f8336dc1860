/**
 * Benchmark of the imported reference tables (issue 19): the import of a full quarter's NCCI PTP table (~1.5M
 * edits, in the published layout, split into four parts), and a `spinescrub run` with the imported tables against
 * the same run with the shipped tables, paired and alternated in the same sitting.
 * Goals: a quarter's PTP table imported in under a minute; a run with it at most 1.1× a run without.
 *
 *   npx tsx scripts/bench-reference.ts [--rows 1500000] [--mb 50] [--pairs 3] [--dir .bench] [--no-build]
 *
 * The CMS files are synthetic (made-up rows; never CMS data): per quarter of 2026 a PTP release (the shipped
 * distinct-site pairs, then filler edits whose column 1 is a code no generated claim bills, a third of them with a
 * billed code as column 2, so the lists a run reads are long but fire nothing new), a Practitioner Services MUE
 * table (the shipped values, then filler codes) and the ICD-10-CM order files of FY2026 and FY2027 (the shipped
 * codes, then filler). The claims come from scripts/generate-837p.ts (seed 1), as in bench-run.ts; their dates of
 * service (2026-01-05 on) all fall in an imported version. Every measurement runs in its own child process on plain
 * `node` over the compiled dist/; CPU is user + system of the whole process (the run's worker thread included).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DIAGNOSES } from '../src/reference/data/diagnoses.js';
import { DISTINCT_PAIRS } from '../src/reference/data/distinct-pairs.js';
import { DRUGS } from '../src/reference/data/drugs.js';
import { PROCEDURES } from '../src/reference/data/procedures.js';
import { isEffective } from '../src/reference/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const QUARTERS = [0, 1, 2, 3];

interface Args {
  rows: number;
  mb: number;
  pairs: number;
  dir: string;
  build: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rows: 1_500_000, mb: 50, pairs: 3, dir: path.join(ROOT, '.bench'), build: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--rows') {
      args.rows = Number(value);
      i++;
    } else if (flag === '--mb') {
      args.mb = Number(value);
      i++;
    } else if (flag === '--pairs') {
      args.pairs = Number(value);
      i++;
    } else if (flag === '--dir') {
      args.dir = path.resolve(String(value));
      i++;
    } else if (flag === '--no-build') args.build = false;
    else throw new TypeError(`Unknown option ${flag}`);
  }
  return args;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeLines(file: string, lines: Iterable<string>, eol: string): Promise<void> {
  const out = createWriteStream(`${file}.part`);
  let buffer = '';
  for (const line of lines) {
    buffer += line + eol;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  renameSync(`${file}.part`, file);
}

/** Codes the generated claims bill (everything the shipped procedure and drug tables know). */
const BILLED = [...new Set([...PROCEDURES.map((entry) => entry.code), ...DRUGS.map((entry) => entry.code)])].sort();
/** Column-1 filler codes: 30000–59999, none of them billed. */
const FILLER = Array.from({ length: 30_000 }, (_, i) => String(30_000 + i)).filter((code) => !BILLED.includes(code));
const RATIONALES = [
  'Standards of medical / surgical practice',
  'Mutually exclusive procedures',
  'Misuse of column two code with column one code',
  'CPT Manual or CMS manual coding instruction',
  'HCPCS/CPT procedure code definition',
];

function compact(date: string): string {
  return date.replaceAll('-', '');
}

/** A quarter's PTP release: four parts by column-1 range; returns the part files. */
async function ptpRelease(dir: string, quarter: number, rows: number): Promise<string[]> {
  const names = [1, 2, 3, 4].map((part) => path.join(dir, `ccipra-v32${quarter}r0-f${part}.txt`));
  if (names.every((file) => existsSync(file))) return names;
  const next = random(1000 + quarter);
  const head = [
    'Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale',
    '\t\tprior to 1996\tDate\tDate\t0=not allowed\t',
    '\t\t\t\t*=no data\t1=allowed\t',
    '\t\t\t\t\t9=not applicable\t',
  ];
  const shipped = DISTINCT_PAIRS.map((pair) => `${pair.first}\t${pair.second}\t\t${compact(pair.effective.from ?? '2010-01-01')}\t*\t1\t${RATIONALES[2]}`);
  const filler = rows - shipped.length;
  const perPart = Math.ceil(filler / 4);
  for (let part = 0; part < 4; part++) {
    const lines = function* (): Generator<string> {
      yield* head;
      if (part === 0) yield* shipped;
      for (let i = part * perPart; i < Math.min(filler, (part + 1) * perPart); i++) {
        const column1 = FILLER[Math.floor((i * FILLER.length) / filler)]!;
        const column2 = next() < 1 / 3 ? BILLED[Math.floor(next() * BILLED.length)]! : FILLER[Math.floor(next() * FILLER.length)]!;
        if (column1 === column2) continue;
        const year = 1996 + Math.floor(next() * 30);
        const roll = next();
        const deletion = roll < 0.05 ? `${year + 1}0101` : roll < 0.06 ? `2026${String(3 * quarter + 2).padStart(2, '0')}01` : '*';
        const modifier = roll > 0.97 ? '9' : next() < 0.3 ? '0' : '1';
        yield `${column1}\t${column2}\t${year < 1997 ? '*' : ''}\t${year}0101\t${deletion}\t${modifier}\t${RATIONALES[Math.floor(next() * RATIONALES.length)]}`;
      }
    };
    await writeLines(names[part]!, lines(), '\r\n');
  }
  return names;
}

async function mueTable(dir: string, quarter: number): Promise<string> {
  const month = String(1 + 3 * quarter).padStart(2, '0');
  const file = path.join(dir, `MCR_MUE_PractitionerServices_Eff_${month}-01-2026.csv`);
  if (existsSync(file)) return file;
  const next = random(2000 + quarter);
  const label = { 1: '1 Line Edit', 2: '2 Date of Service Edit: Policy', 3: '3 Date of Service Edit: Clinical' } as const;
  const date = `2026-${month}-01`;
  const rows = new Map<string, string>();
  for (const entry of PROCEDURES) {
    if (entry.mue !== undefined && isEffective(entry.effective, date)) rows.set(entry.code, `"${entry.code}","${entry.mue.value}","${label[entry.mue.adjudication]}","Clinical: Data"`);
  }
  for (const code of FILLER.slice(0, 15_000)) rows.set(code, `"${code}","${1 + Math.floor(next() * 10)}","${label[(1 + Math.floor(next() * 3)) as 1 | 2 | 3]}","Clinical: Data"`);
  const lines = [
    '"CPT codes, descriptions and other data only are copyright the AMA (synthetic notice line)"',
    '"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"',
    ...[...rows.keys()].sort().map((code) => rows.get(code)!),
  ];
  await writeLines(file, lines, '\r\n');
  return file;
}

async function icdOrder(dir: string, fiscalYear: number): Promise<string> {
  const file = path.join(dir, `icd10cm_order_${fiscalYear}.txt`);
  if (existsSync(file)) return file;
  const start = `${fiscalYear - 1}-10-01`;
  const codes = new Map<string, [boolean, string]>();
  for (const entry of DIAGNOSES) if (isEffective(entry.effective, start)) codes.set(entry.code, [entry.billable, entry.description]);
  for (let i = 0; i < 70_000; i++) codes.set(`T${String(i).padStart(5, '0')}`, [true, `Synthetic code ${i} (FY${fiscalYear})`]);
  const sorted = [...codes.keys()].sort();
  await writeLines(
    file,
    sorted.map((code, index) => {
      const [billable, description] = codes.get(code)!;
      return `${String(index + 1).padStart(5, '0')} ${code.padEnd(7)} ${billable ? '1' : '0'} ${description.slice(0, 60).padEnd(60)} ${description}`;
    }),
    '\n',
  );
  return file;
}

async function generateClaims(file: string, mb: number): Promise<void> {
  if (existsSync(file)) return;
  const { generate837p } = (await import('./generate-837p.js')) as {
    generate837p: (options: { mb?: number; seed?: number }, out: Writable) => Promise<{ claims: number; bytes: number }>;
  };
  const out = createWriteStream(`${file}.part`);
  await generate837p({ mb, seed: 1 }, out);
  if (!out.writableFinished) {
    out.end();
    await once(out, 'finish');
  }
  renameSync(`${file}.part`, file);
}

interface ChildResult {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  exitCode?: number;
}

const MEASURE = `
const started = performance.now();
const cpu = process.cpuUsage();
const report = (extra) => {
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra }));
};`;

function child(code: string): ChildResult {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * MB });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as ChildResult;
}

function importFiles(db: string, files: string[]): ChildResult {
  return child(
    `import { runCli } from ${JSON.stringify(path.join(ROOT, 'dist/cli/cli.js'))};
     ${MEASURE}
     const exitCode = await runCli(['reference', 'import', ...${JSON.stringify(files)}, '--reference', ${JSON.stringify(db)}]);
     report({ exitCode });`,
  );
}

/** A run without history (the rules' share of the time is largest there), with or without the reference database. */
function run(file: string, work: string, reference: string | null): ChildResult & { findings: number } {
  const out = path.join(work, reference === null ? 'out-shipped' : 'out-imported');
  rmSync(out, { recursive: true, force: true });
  const result = child(
    `import { runInWorker } from ${JSON.stringify(path.join(ROOT, 'dist/cli/run-in-worker.js'))};
     ${MEASURE}
     const exitCode = await runInWorker({
       inputs: [${JSON.stringify(file)}], outDir: ${JSON.stringify(out)}, historyPath: null, referencePath: ${JSON.stringify(reference)},
       record: false, prior: [], failOn: 'never', holdOn: 'error', jobs: 2, fix: true, asOf: '2026-11-27',
       quiet: true, logFormat: 'text', progress: false,
     });
     report({ exitCode });`,
  );
  const summary = (JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { totals: { findings: number } } }).summary;
  return { ...result, findings: summary.totals.findings };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = path.join(args.dir, 'reference');
  mkdirSync(dir, { recursive: true });
  if (args.build) {
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const claims = path.join(args.dir, `bench-${args.mb}mb.837`);
  await generateClaims(claims, args.mb);
  const releases: string[][] = [];
  for (const quarter of QUARTERS) releases.push(await ptpRelease(dir, quarter, args.rows));
  const others = [...(await Promise.all(QUARTERS.map((quarter) => mueTable(dir, quarter)))), await icdOrder(dir, 2026), await icdOrder(dir, 2027)];

  const db = path.join(dir, `reference-${args.rows}.db`);
  const imports: { what: string; bytes: number; result: ChildResult }[] = [];
  if (!existsSync(db)) {
    const partial = `${db}.part`;
    rmSync(partial, { force: true });
    for (const [quarter, files] of releases.entries()) {
      imports.push({ what: `PTP v32.${quarter} (4 parts)`, bytes: files.reduce((sum, file) => sum + statSync(file).size, 0), result: importFiles(partial, files) });
      console.error(`imported PTP v32.${quarter}: ${seconds(imports.at(-1)!.result.ms)}`);
    }
    imports.push({ what: 'MUE (4 quarters) and ICD-10-CM (FY2026, FY2027)', bytes: others.reduce((sum, file) => sum + statSync(file).size, 0), result: importFiles(partial, others) });
    renameSync(partial, db);
  }

  const work = path.join(dir, 'work');
  mkdirSync(work, { recursive: true });
  const pairs: { shipped: ChildResult & { findings: number }; imported: ChildResult & { findings: number } }[] = [];
  for (let i = 0; i < args.pairs; i++) {
    // Alternate which goes first, so a drift in the machine's load falls on both sides.
    if (i % 2 === 0) {
      const shipped = run(claims, work, null);
      pairs.push({ shipped, imported: run(claims, work, db) });
    } else {
      const imported = run(claims, work, db);
      pairs.push({ shipped: run(claims, work, null), imported });
    }
    const last = pairs.at(-1)!;
    console.error(`pair ${i + 1}: shipped ${seconds(last.shipped.cpuMs)} CPU, imported ${seconds(last.imported.cpuMs)} CPU`);
  }
  rmSync(work, { recursive: true, force: true });

  const cpuRatios = pairs.map((pair) => pair.imported.cpuMs / pair.shipped.cpuMs);
  const wallRatios = pairs.map((pair) => pair.imported.ms / pair.shipped.ms);
  const ratio = median(cpuRatios);
  const slowestImport = Math.max(...imports.filter((entry) => entry.what.startsWith('PTP')).map((entry) => entry.result.ms));
  const lines = [
    `spinescrub bench-reference (Node ${process.version}): ${args.rows.toLocaleString('en-US')} PTP edits per quarter, ${(statSync(claims).size / MB).toFixed(1)} MB 837P`,
    '',
    ...(imports.length
      ? [
          '| import | size | wall | CPU | peak RSS |',
          '|---|---|---|---|---|',
          ...imports.map(({ what, bytes, result }) => `| ${what} | ${(bytes / MB).toFixed(0)} MB | ${seconds(result.ms)} | ${seconds(result.cpuMs)} | ${result.maxRssMb.toFixed(0)} MB |`),
          `database: ${(statSync(db).size / MB).toFixed(0)} MB`,
          '',
        ]
      : ['(database already built: imports not measured this time; delete it to measure them)', '']),
    '| pair | shipped tables: wall / CPU / RSS | imported tables: wall / CPU / RSS | CPU ratio | wall ratio | findings |',
    '|---|---|---|---|---|---|',
    ...pairs.map(
      (pair, i) =>
        `| ${i + 1} | ${seconds(pair.shipped.ms)} / ${seconds(pair.shipped.cpuMs)} / ${pair.shipped.maxRssMb.toFixed(0)} MB | ${seconds(pair.imported.ms)} / ${seconds(pair.imported.cpuMs)} / ${pair.imported.maxRssMb.toFixed(0)} MB | ${cpuRatios[i]!.toFixed(3)} | ${wallRatios[i]!.toFixed(3)} | ${pair.shipped.findings} / ${pair.imported.findings} |`,
    ),
    '',
    `goals: a quarter's PTP import under 60 s: ${imports.length ? `${seconds(slowestImport)} — ${slowestImport < 60_000 ? 'met' : 'NOT met'}` : 'not measured'}` +
      `; run with the imported tables ≤ 1.1× (median CPU ratio of ${pairs.length} pairs): ${ratio.toFixed(3)} — ${ratio <= 1.1 ? 'met' : 'NOT met'}`,
  ];
  console.log(lines.join('\n'));
  writeFileSync(path.join(dir, 'last-result.md'), `${lines.join('\n')}\n`);
}

await main();
