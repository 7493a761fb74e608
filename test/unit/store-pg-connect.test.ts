/**
 * How a process reaches the shared store, the cost of every `check` and edit-guard call over
 * it: a local server's Unix socket (libpq's URL form, peer authentication without a password),
 * SCRAM-SHA-256 with its key derivation remembered between processes, and nothing of
 * `node:crypto` loaded where the server does not ask for SCRAM.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseStore } from '../../src/core/claim-store';
import { openPgStore, type PgClaimStore } from '../../src/store-pg';
import { testPostgres } from '../support/postgres';
import { ROOT, cleanEnv, ensureBuilt, runCli } from '../support/cli';

describe('the shared store: connecting', function () {
  this.timeout(90_000);
  const opened: PgClaimStore[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  });

  const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'store-pg-connect-'));

  it("reaches a local server through its Unix socket in libpq's URL form, with peer authentication or a masked password", async () => {
    const server = await testPostgres();
    const db = new URL(await server.database()).pathname.slice(1);
    const me = await server.role('peer');
    const home = tmp();
    const board = path.join(home, 'coordination.md');
    // No password: the server knows this process's user by the socket (peer).
    const peerUrl = `postgresql://${me}@/${db}?host=${server.socketDir}&port=${server.port}`;
    const choice = chooseStore({ CLAIMBOARD_STORE: peerUrl, HOME: home });
    assert.equal(choice.kind, 'postgres');
    if (choice.kind !== 'postgres') return;
    assert.equal(choice.shown, peerUrl);
    const store = openPgStore(choice, { boardPath: board });
    opened.push(store);
    await store.init();
    await store.claim('alpha', { paths: ['repo/src/a.ts'] });
    assert.deepEqual(
      (await store.check('beta', ['repo/src/a.ts'])).map((c) => c.holder.session),
      ['alpha'],
    );

    // The same form with a password: the CLI reaches the board through it and never prints the password.
    const password = 'socket-secret-4821';
    const role = await server.role('scram-sha-256', password);
    const env = cleanEnv({ HOME: home, CLAIMBOARD_BOARD: board, CLAIMBOARD_STORE: `postgres://${role}:${password}@/${db}?host=${server.socketDir}&port=${server.port}` });
    const held = await runCli(['check', 'repo/src/a.ts'], { env });
    assert.equal(held.code, 3, held.stderr);
    assert.match(held.stderr + held.stdout, /held by alpha/);
    const status = await runCli(['store', 'status'], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.ok(status.stdout.includes(`postgres://${role}:***@/${db}?host=${server.socketDir}&port=${server.port}`), status.stdout);
    const missing = await runCli(['check', 'repo/src/a.ts'], { env: { ...env, CLAIMBOARD_STORE: `postgres://${role}:${password}@/no_such_db?host=${server.socketDir}&port=${server.port}` } });
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /cannot reach the shared store postgres:\/\/\w+:\*\*\*@\/no_such_db/);
    assert.ok(!(missing.stdout + missing.stderr).includes(password), missing.stderr);
  });

  /** A process of the built store, chosen by the config in `home`, that checks once: how many PBKDF2 derivations it ran. */
  function checkProcess(url: string, home: string): { conflicts?: number; derived: number; error?: string } {
    ensureBuilt();
    const script = `const crypto = require('node:crypto'); let derived = 0; const pbkdf2 = crypto.pbkdf2;
      crypto.pbkdf2 = (...a) => { derived++; return pbkdf2(...a); };
      const { openPgStore } = require(${JSON.stringify(path.join(ROOT, 'dist', 'store-pg.js'))});
      const s = openPgStore({ kind: 'postgres', url: process.env.URL, shown: '', board: 'default', source: 'test', configPath: process.env.CONFIG }, { boardPath: process.env.VIEW });
      s.check('beta', ['repo/src/a.ts']).then((c) => ({ conflicts: c.length }), (e) => ({ error: e.message }))
        .then((r) => s.close().then(() => console.log(JSON.stringify({ ...r, derived }))));`;
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, URL: url, CONFIG: path.join(home, '.config', 'claimboard', 'config.json'), VIEW: path.join(home, 'view.md') },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { conflicts?: number; derived: number; error?: string };
  }

  it('SCRAM-SHA-256: the key derivation is remembered beside the config (0600) and used by the next process, never for another password', async () => {
    const server = await testPostgres();
    const url = await server.database();
    const writer = openPgStore({ kind: 'postgres', url, shown: '', board: 'default', source: 'test' }, { boardPath: path.join(tmp(), 'view.md') });
    opened.push(writer);
    await writer.init();
    await writer.claim('alpha', { paths: ['repo/src/a.ts'] });
    const password = 'scram-secret-1937';
    const role = await server.role('scram-sha-256', password);
    const scramUrl = (pw: string): string => {
      const u = new URL(url);
      u.username = role;
      u.password = pw;
      return u.toString();
    };
    const home = tmp();
    const keys = path.join(home, '.config', 'claimboard', 'store-scram-keys.json');

    assert.deepEqual(checkProcess(scramUrl(password), home), { conflicts: 1, derived: 1 });
    assert.equal(fs.statSync(keys).mode & 0o777, 0o600);
    assert.ok(!fs.readFileSync(keys, 'utf8').includes(password));
    assert.deepEqual(checkProcess(scramUrl(password), home), { conflicts: 1, derived: 0 });

    // Another password is derived (not the remembered key) and refused by the server.
    const wrong = checkProcess(scramUrl('not-the-password'), home);
    assert.equal(wrong.derived, 1);
    assert.match(wrong.error ?? '', /password authentication failed/);
    assert.deepEqual(checkProcess(scramUrl(password), home), { conflicts: 1, derived: 0 });

    // The role's password changed (and with it the server's salt): derived again, then remembered.
    await server.role('scram-sha-256', 'scram-secret-2048');
    assert.deepEqual(checkProcess(scramUrl('scram-secret-2048'), home), { conflicts: 1, derived: 1 });
    assert.deepEqual(checkProcess(scramUrl('scram-secret-2048'), home), { conflicts: 1, derived: 0 });
  });

  it('a watcher hears a change made while it was rewriting its view, and a burst of changes as one', async () => {
    const url = await (await testPostgres()).database();
    const open = (): PgClaimStore => {
      const st = openPgStore({ kind: 'postgres', url, shown: '', board: 'default', source: 'test' }, { boardPath: path.join(tmp(), 'view.md') });
      opened.push(st);
      return st;
    };
    const watcher = open();
    const writer = open();
    await writer.init();
    assert.equal(await watcher.changed(10), 'timeout');
    // The watcher is busy (not waiting) while two changes are committed and their notices arrive.
    const listener = await watcher.listen();
    const arrived = new Promise<void>((resolve) => {
      let n = 0;
      listener.on('notification', () => {
        if (++n === 2) resolve();
      });
    });
    await writer.claim('alpha', { paths: ['repo/src/a.ts'] });
    await writer.claim('beta', { paths: ['repo/src/b.ts'] });
    await arrived;
    assert.equal(await watcher.changed(20_000), 'changed');
    assert.equal(await watcher.changed(200), 'timeout');
  });
});
