/**
 * The store holder (src/store-pg/holder.ts, holder-client.ts): one process per machine and
 * database that keeps a read-only connection for the CLI's hot reads. A real PostgreSQL and real
 * CLI processes: a read starts it, the next read is answered by it (fresh, never from memory),
 * it cannot write, and whatever goes wrong with it the read goes to the database directly.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { ROOT, cleanEnv, runCli } from '../support/cli';
import { until } from '../support/background';
import { testPostgres } from '../support/postgres';
import { openPgStore } from '../../src/store-pg';
import { askHolder, holderSocketPath } from '../../src/store-pg/holder-client';
import { LIVE_READ, liveReadValues } from '../../src/store-pg/reads';
import type { StoreChoice } from '../../src/core/claim-store';
import { must } from '../../src/core/errors';

describe('the store holder', function () {
  this.timeout(120_000);
  let url: string;
  let home: string;
  let socket: string;
  const closers: (() => Promise<unknown>)[] = [];
  const env = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({ HOME: home, CLAIMBOARD_STORE: url, CLAIMBOARD_BOARD: path.join(home, 'coordination.md'), ...extra });
  const choice = (): Extract<StoreChoice, { kind: 'postgres' }> => ({
    kind: 'postgres',
    url,
    shown: url,
    board: 'default',
    source: 'test',
    configPath: path.join(home, '.config', 'claimboard', 'config.json'),
  });

  /**
   * Ends this database's holder the way a lost connection does (what a restarted database does
   * to it), once it is connected (it listens first, then connects), and waits for it to go.
   */
  async function endHolders(): Promise<void> {
    if (!fs.existsSync(socket)) return;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await until(
        async () =>
          Boolean((await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'claimboard holder'`)).rowCount) ||
          !fs.existsSync(socket),
        15_000,
        'the holder to connect',
      );
    } finally {
      await admin.end();
    }
    await until(() => !fs.existsSync(socket), 15_000, 'the holder to end');
  }

  /** Waits for this database's holder to have its connection (it listens first, then connects). */
  async function holderConnected(): Promise<void> {
    await until(() => fs.existsSync(socket), 15_000, 'the holder');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await until(
        async () => Boolean((await admin.query(`select 1 from pg_stat_activity where datname = current_database() and application_name = 'claimboard holder'`)).rowCount),
        15_000,
        'the holder to connect',
      );
    } finally {
      await admin.end();
    }
  }

  beforeEach(async () => {
    url = await (await testPostgres()).database();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'holder-'));
    const store = openPgStore(choice(), { boardPath: path.join(home, 'coordination.md') });
    await store.init();
    // Two claims: json_agg writes a newline between them, and the answer must stay one line.
    await store.claim('alpha', { paths: ['repo/src/a.ts', 'repo/src/c.ts'] });
    await store.close();
    socket = holderSocketPath(url, must(choice().configPath, 'the config path')) ?? assert.fail('a private folder gives a socket path');
  });

  afterEach(async () => {
    await Promise.allSettled(closers.splice(0).map((c) => c()));
    await endHolders();
  });

  it('a read starts the holder; the next one is answered by it without the database client, and sees every change at once', async () => {
    // An install of its own, so its store bundle can be taken away once the holder has loaded it.
    const dist = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'holder-pkg-')), 'dist');
    fs.mkdirSync(dist);
    for (const f of ['cli.js', 'cli-bundle.js', 'store-pg.js']) fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(dist, f));
    const cli = (args: string[]) => runCli(args, { env: env({ CLAIMBOARD_SESSION: 'beta' }), cli: path.join(dist, 'cli.js') });
    const first = await cli(['check', 'repo/src/a.ts']);
    assert.equal(first.code, 3, first.stderr);
    assert.match(first.stderr, /repo\/src\/a\.ts is held by alpha/);
    await holderConnected();
    // The database client is gone from this install: only the holder can answer now.
    fs.rmSync(path.join(dist, 'store-pg.js'));
    const second = await cli(['check', 'repo/src/a.ts']);
    assert.equal(second.code, 3, second.stderr);
    assert.equal(second.stderr, first.stderr);
    // Never from memory: a release made elsewhere shows on the next read.
    const other = openPgStore(choice(), { boardPath: path.join(home, 'other.md') });
    closers.push(() => other.close());
    await other.release('alpha', ['repo/src/a.ts']);
    const third = await cli(['check', 'repo/src/a.ts']);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /free: repo\/src\/a\.ts/);
    // A write is not a hot read: it needs the store's bundle, and says so.
    const write = await cli(['claim', 'repo/src/b.ts']);
    assert.equal(write.code, 1);
    assert.match(write.stderr, /store-pg\.js/);
  });

  it('cannot write, and answers only for its own store', async () => {
    const r = await runCli(['check', 'repo/src/a.ts'], { env: env({ CLAIMBOARD_SESSION: 'beta' }) });
    assert.equal(r.code, 3, r.stderr);
    await until(() => fs.existsSync(socket), 15_000, 'the holder');
    const live = await askHolder(socket, { url, text: LIVE_READ, values: liveReadValues('default', ['repo/src'], undefined) }, 10_000);
    assert.ok('row' in live, JSON.stringify(live));
    // The row as the store's own read gets it from pg (the holder sends PostgreSQL's text as is).
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const direct = (await admin.query(LIVE_READ, liveReadValues('default', ['repo/src'], undefined)).finally(() => admin.end())).rows[0] as Record<string, unknown>;
    const row = live.row as Record<string, unknown>;
    assert.equal(typeof row.now, 'string');
    assert.deepEqual({ ...row, now: 'now' }, { ...direct, now: 'now' });
    assert.equal((row.claims as unknown[]).length, 2);
    const write = await askHolder(socket, { url, text: `delete from claimboard_claims where board = $1`, values: ['default'] }, 10_000);
    assert.ok('failed' in write && /read-only transaction/.test(write.failed), JSON.stringify(write));
    const two = await askHolder(socket, { url, text: `select 1; delete from claimboard_claims`, values: [] }, 10_000);
    assert.ok('failed' in two, JSON.stringify(two));
    const elsewhere = await askHolder(socket, { url: `${url}x`, text: LIVE_READ, values: liveReadValues('default', ['repo/src'], undefined) }, 10_000);
    assert.deepEqual(elsewhere, { failed: 'a request for another store' });
    const after = await runCli(['check', 'repo/src/a.ts'], { env: env({ CLAIMBOARD_SESSION: 'beta' }) });
    assert.equal(after.code, 3, 'the claim is still there');
  });

  it("one holder per socket; it ends when idle and when its connection is lost, removing its socket; a dead holder's socket is taken over", async () => {
    const hold = (extra: NodeJS.ProcessEnv = {}) => runCli(['store', 'hold'], { env: env(extra) });
    const running = hold();
    await until(() => fs.existsSync(socket), 15_000, 'the holder');
    const second = await hold();
    assert.equal(second.code, 0);
    assert.match(second.stderr, /another holder answers on/);
    await endHolders();
    const ended = await running;
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stderr, /ending: the connection was (lost|closed)/);
    assert.ok(!fs.existsSync(socket));
    // A socket left behind by a holder that died is taken over.
    const dead = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.equal(dead.signal, 'SIGKILL');
    assert.ok(fs.existsSync(socket), 'a socket nobody listens on');
    const idle = await hold({ CLAIMBOARD_STORE_HOLDER_IDLE: '1s' });
    assert.equal(idle.code, 0, idle.stderr);
    assert.match(idle.stderr, /ending: idle for 1 s/);
    assert.ok(!fs.existsSync(socket));
  });

  it('no holder, one that never answers, an error or another schema in its answer: the read goes to the database, with the same result', async () => {
    const check = async () => {
      const r = await runCli(['check', 'repo/src/a.ts'], { env: env({ CLAIMBOARD_SESSION: 'beta' }) });
      assert.equal(r.code, 3, r.stderr);
      return r.stderr;
    };
    const expected = await check();
    assert.match(expected, /repo\/src\/a\.ts is held by alpha/);
    await until(() => fs.existsSync(socket), 15_000, 'the holder that read started');
    await endHolders();
    for (const answer of [undefined, '{"error":"boom"}\n', '{"row":{"version":99,"now":"2000-01-01","claims":[],"sessions":[]}}\n', 'not json\n']) {
      const fake = net.createServer((c) => {
        c.on('data', () => {
          if (answer !== undefined) c.end(answer);
        });
      });
      await new Promise<void>((r) => fake.listen(socket, r));
      try {
        assert.equal(await check(), expected, `holder answering ${answer ?? 'nothing'}`);
      } finally {
        await new Promise((r) => fake.close(r));
      }
    }
  });

  it('no holder where its folder is not private (the refusal says what to run), or when turned off', async () => {
    const folder = path.dirname(socket);
    fs.chmodSync(folder, 0o755);
    assert.equal(holderSocketPath(url, must(choice().configPath, 'the config path')), undefined);
    const refused = await runCli(['store', 'hold'], { env: env() });
    assert.equal(refused.code, 2);
    const command = /^claimboard: no store holder: .* must be a folder only you can open: run `([^`]+)`\n$/.exec(refused.stderr)?.[1];
    assert.ok(command, refused.stderr);
    const fixed = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.equal(holderSocketPath(url, must(choice().configPath, 'the config path')), socket);
    const off = await runCli(['check', 'repo/src/a.ts'], { env: env({ CLAIMBOARD_SESSION: 'beta', CLAIMBOARD_STORE_HOLDER: 'off' }) });
    assert.equal(off.code, 3, off.stderr);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(!fs.existsSync(socket), 'no holder was started');
    const hold = await runCli(['store', 'hold'], { env: env({ CLAIMBOARD_STORE_HOLDER: 'off' }) });
    assert.equal(hold.code, 2);
    assert.equal(hold.stderr, 'claimboard: the store holder is turned off here (CLAIMBOARD_STORE_HOLDER=off)\n');
    const badIdle = await runCli(['store', 'hold'], { env: env({ CLAIMBOARD_STORE_HOLDER_IDLE: 'soon' }) });
    assert.equal(badIdle.code, 2);
    assert.match(badIdle.stderr, /^claimboard: bad CLAIMBOARD_STORE_HOLDER_IDLE "soon": use in forms like/);
    assert.ok(!fs.existsSync(socket));
  });
});
