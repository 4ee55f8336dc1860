/**
 * A throw-away PostgreSQL cluster for the tests (and the docs' measurements): initdb in a temporary folder, started
 * on a free local port (TCP on 127.0.0.1 only, trust authentication), stopped and removed at the end. As root the
 * server runs as the `postgres` user (PostgreSQL refuses root). SPINESCRUB_TEST_PG_URL names a server to use
 * instead (a database URL whose user may create databases).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCluster {
  /** URL of the `postgres` database (tests create their own databases next to it). */
  url: string;
  stop(): void;
}

/** The folder holding initdb and pg_ctl: PATH, else Debian's /usr/lib/postgresql/<newest>/bin. */
function binaries(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) if (existsSync(join(root, version, 'bin', 'initdb'))) return join(root, version, 'bin');
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a cluster, or says why it cannot (no PostgreSQL installed, initdb or the server failed). */
export async function startCluster(): Promise<TestCluster | { skipped: string }> {
  const given = process.env.SPINESCRUB_TEST_PG_URL;
  if (given !== undefined && given !== '') return { url: given, stop: () => undefined };
  const bin = binaries();
  if (bin === null) return { skipped: 'no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin' };
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'spinescrub-pg-'));
  const data = join(dir, 'data');
  const as = (command: string, args: string[]) => (root ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, command), args, { stdio: 'pipe' }));
  try {
    if (root) {
      chmodSync(dir, 0o755);
      execFileSync('chown', ['postgres', dir]);
    }
    as('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
    as('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop: () => {
        try {
          as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } catch {
          // already stopped
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? (error as Error).message;
    return { skipped: `a PostgreSQL cluster could not be started (${detail})` };
  }
}
