/** Runs the `spinescrub` CLI as a child process (through tsx, so no build is needed) and reads its outputs. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listOutputTree } from '../support/output-tree.js';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
/** tsx's loader by absolute URL, so the child may run in any working directory. */
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface StartedCli {
  child: ChildProcessWithoutNullStreams;
  done: Promise<CliResult>;
}

/** Starts the CLI and returns the child (to signal it, or write its stdin with `holdStdin`) and its result. */
export function startCli(args: string[], options: { cwd?: string; input?: Buffer | string; env?: NodeJS.ProcessEnv; holdStdin?: boolean } = {}): StartedCli {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  else if (options.holdStdin !== true) child.stdin.end();
  return { child, done };
}

export function runCli(args: string[], options: { cwd?: string; input?: Buffer | string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Every file under `dir` as a reader sees it (relative paths, sorted): a leftover run directory shows up. */
export function listTree(dir: string): string[] {
  return listOutputTree(dir);
}

export function readTree(dir: string): Map<string, Buffer> {
  return new Map(listTree(dir).map((file) => [file, readFileSync(path.join(dir, file))]));
}
