/**
 * The shared store's hot read (`check`, the edit guard's deny path): one statement to the
 * database, with the schema's version folded in, and still today's clear errors for a database
 * without the tables or with another schema version.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import pg from 'pg';
import type { StoreChoice } from '../../src/core/claim-store';
import { openPgStore, type PgClaimStore } from '../../src/store-pg';
import { LIVE_READ, liveReadValues, type LiveRow } from '../../src/store-pg/reads';
import { mayTouch, normalizeKey } from '../../src/core/overlap';
import { testPostgres } from '../support/postgres';
import { ROOT } from '../support/cli';
import { must } from '../../src/core/errors';

describe('the shared store: the hot read', function () {
  this.timeout(60_000);
  const opened: PgClaimStore[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  });

  async function board(): Promise<{ url: string; open: () => PgClaimStore }> {
    const url = await (await testPostgres()).database();
    const choice: StoreChoice = { kind: 'postgres', url, shown: url, board: 'default', source: 'test' };
    const boardPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'store-pg-read-')), 'coordination.md');
    return {
      url,
      open: () => {
        const s = openPgStore(choice, { boardPath });
        opened.push(s);
        return s;
      },
    };
  }

  /** The statements a store sends while `fn` runs. */
  async function statements(fn: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0];
      sent.push(typeof q === 'string' ? q : String((q as { text?: string }).text));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      await fn();
    } finally {
      pg.Client.prototype.query = query;
    }
    return sent;
  }

  it('a process that checks sends one statement (no begin, commit or schema query), and reads what status reads', async () => {
    const { open } = await board();
    const writer = open();
    await writer.init();
    const eta = new Date(Date.now() + 3600_000);
    await writer.claim('alpha', { paths: ['repo/src/a.ts', 'repo/docs/**'], reason: 'refactor', eta, mode: 'shared' });
    await writer.claim('beta', { paths: ['repo/lib/b.ts'], ttlMs: 600_000 });
    await writer.registerSession({ name: 'beta', started: new Date(), repo: 'repo', task: 'the lib' });

    const fresh = open();
    let conflicts: Awaited<ReturnType<PgClaimStore['check']>> = [];
    const sent = await statements(async () => {
      conflicts = await fresh.check('gamma', ['repo/src/a.ts']);
    });
    assert.equal(sent.length, 1, sent.join('\n'));
    assert.deepEqual(
      conflicts.map((c) => [c.path, c.holder.session, c.holder.reason]),
      [['repo/src/a.ts', 'alpha', 'refactor']],
    );
    // Asked about the whole repository, the hot read decodes every claim as status does; asked
    // about nothing, none (the board file's near reads the same: src/core/overlap.ts, mayTouch).
    const near = await fresh.near(['repo']);
    const view = await writer.status();
    assert.equal(view.claims.length, 3);
    assert.deepEqual(near.claims, view.claims);
    assert.deepEqual(near.sessions, view.sessions);
    assert.deepEqual((await fresh.near([])).claims, []);
    assert.deepEqual(
      (await fresh.near([], 'beta')).claims.map((c) => c.path),
      ['repo/lib/b.ts'],
    );
  });

  it("the git guard's fencing check sends one statement, and finds a lease that ran out before any write recorded it as the write will record it", async () => {
    const { url, open } = await board();
    const writer = open();
    await writer.init();
    await writer.claim('alpha', { paths: ['repo/src/a.ts', 'repo/src/b.ts'] });
    await writer.claim('beta', { paths: ['repo/src/c.ts'] });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query("update claimboard_claims set expires = now() - interval '1 minute' where session = 'alpha' and path = 'repo/src/a.ts'");
    } finally {
      await admin.end();
    }
    const fresh = open();
    let before: Awaited<ReturnType<PgClaimStore['lapsed']>> = [];
    const sent = await statements(async () => {
      before = await fresh.lapsed('alpha', ['repo/src/a.ts', 'repo/src/b.ts', 'repo/src/c.ts']);
    });
    assert.equal(sent.length, 1, sent.join('\n'));
    assert.deepEqual(
      before.map((l) => [l.key, l.path]),
      [['repo/src/a.ts', 'repo/src/a.ts']],
    );
    // Once a write records the expiry, the history row says the same.
    await writer.prune();
    assert.deepEqual(await open().lapsed('alpha', ['repo/src/a.ts', 'repo/src/b.ts', 'repo/src/c.ts']), before);
  });

  it('a database without the tables, or with another schema version, gives the same clear errors', async () => {
    const { url, open } = await board();
    await assert.rejects(open().check('alpha', ['repo/a']), /has no claimboard tables: run `claimboard store init`/);
    await open().init();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('update claimboard_schema set version = 99');
      await assert.rejects(open().check('alpha', ['repo/a']), /has schema version 99, newer than this claimboard knows \(2\): upgrade claimboard/);
      await admin.query('update claimboard_schema set version = 0');
      await assert.rejects(open().check('alpha', ['repo/a']), /has schema version 0: run `claimboard store init` to migrate it to 2/);
      // An old schema whose tables lack what the read asks for is explained the same way.
      await admin.query('alter table claimboard_claims rename column fence to fence_old');
      await assert.rejects(open().check('alpha', ['repo/a']), /has schema version 0: run `claimboard store init` to migrate it to 2/);
    } finally {
      await admin.end();
    }
  });

  it("selects by the claims' heads what could touch the asked paths, as the core's mayTouch does; a claim from before schema 2 is always read", async () => {
    const { url, open } = await board();
    const writer = open();
    await writer.init();
    const paths = ['repo/src/a.ts', 'repo/src/lib/', 'repo/docs/**', 'repo/*.md', 'Repo/x/{a,b}.ts', 'infra:prod', 'other/deep/file.ts', 'repo/src/[ab]/c.ts'];
    for (const [i, p] of paths.entries()) await writer.claim(`s${i}`, { paths: [p] });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const read = async (keys: string[], session?: string): Promise<string[]> => {
        const row = (await admin.query<LiveRow>(LIVE_READ, liveReadValues('default', keys, session))).rows[0]!;
        return row.claims.map((c) => c.path).sort();
      };
      const asked: [string[], string | undefined][] = [
        [['repo/src/a.ts'], undefined],
        [['repo/src'], undefined],
        [['repo/docs/x/y.md', 'infra:prod'], 's6'],
        [['repo/README.md'], undefined],
        [['repo/x/a.ts'], undefined],
        [['elsewhere'], undefined],
        [[], 's1'],
        [['repo/src/**'], undefined],
      ];
      for (const [keys, session] of asked) {
        const touches = mayTouch(keys, session);
        const claims = (await writer.status()).claims;
        const wanted = claims.filter((c) => touches(c.session, c.path)).map((c) => c.path);
        // What the statement selects is exactly what the core would keep.
        assert.deepEqual(await read(keys, session), wanted.sort(), `${keys.join(', ')} for ${session}`);
      }
      assert.deepEqual(await read(['elsewhere']), []);
      // A claim written before schema 2 has no head: it is read whatever is asked.
      await admin.query(`update claimboard_claims set head = null where path = 'other/deep/file.ts'`);
      assert.deepEqual(await read(['elsewhere']), ['other/deep/file.ts']);
      assert.deepEqual(
        (await writer.check('s0', ['other/deep/file.ts'])).map((c) => c.holder.session),
        ['s6'],
      );
      // Migrating from schema 1: the column is added, the claims are kept and read.
      await admin.query('alter table claimboard_claims drop column head');
      await admin.query('update claimboard_schema set version = 1');
      await assert.rejects(open().check('s0', ['repo/a']), /has schema version 1: run `claimboard store init` to migrate it to 2/);
      assert.deepEqual(await open().init(), { from: 1, to: 2 });
      assert.deepEqual(await read(['elsewhere']), paths.map((p) => normalizeKey(p)).sort());
      assert.deepEqual(
        (await open().check('s9', ['repo/src/a.ts'])).map((c) => c.holder.session),
        ['s0'],
      );
    } finally {
      await admin.end();
    }
  });

  it("the built store's process reads the board without loading Node's fetch (pg's Cloudflare test builds a Response) or node:crypto (no SCRAM asked)", async () => {
    const { url, open } = await board();
    await open().init();
    const script = `const { openPgStore } = require(${JSON.stringify(path.join(ROOT, 'dist', 'store-pg.js'))});
      const s = openPgStore({ kind: 'postgres', url: process.env.URL, shown: '', board: 'default', source: 'test' }, { boardPath: process.env.VIEW });
      s.check('alpha', ['repo/a']).then((c) => s.close().then(() => console.log(JSON.stringify({ conflicts: c.length, loaded: process.moduleLoadList.filter((m) => /undici|fetch|crypto/.test(m)) }))));`;
    // A file, not `node -e`: Node's eval loads node:crypto for itself.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-pg-read-'));
    fs.writeFileSync(path.join(dir, 'check.js'), script);
    const r = spawnSync(process.execPath, [path.join(dir, 'check.js')], {
      env: { PATH: process.env.PATH, URL: url, VIEW: path.join(dir, 'view.md') },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { conflicts: 0, loaded: [] });
  });

  it("the CLI runs the store's bundle through a code cache of its own, named by the store's build", async () => {
    const { url, open } = await board();
    await open().init();
    // An install of its own, so the caches seen are the ones these calls made.
    const dist = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'store-pg-cache-')), 'pkg', 'dist');
    fs.mkdirSync(dist, { recursive: true });
    for (const f of ['cli.js', 'cli-bundle.js', 'store-pg.js']) fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(dist, f));
    const caches = path.join(dist, '..', 'node_modules', '.cache', 'claimboard');
    // Without the store holder: every check loads the store's bundle itself.
    const env = {
      PATH: process.env.PATH,
      HOME: path.dirname(dist),
      CLAIMBOARD_STORE: url,
      CLAIMBOARD_STORE_HOLDER: 'off',
      CLAIMBOARD_BOARD: path.join(path.dirname(dist), 'view.md'),
      CLAIMBOARD_SESSION: 'alpha',
    };
    const check = (): void => {
      const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'check', 'repo/a'], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    const storeCaches = (): string[] => fs.readdirSync(caches).filter((f) => f.includes('-check-store-'));
    check();
    const [first, ...more] = storeCaches();
    assert.ok(first, `a cache for the store beside the CLI's: ${fs.readdirSync(caches).join(', ')}`);
    assert.deepEqual(more, []);
    // V8 takes it for the store's text as the launcher wraps it (CommonJS's function).
    const storeFile = path.join(dist, 'store-pg.js');
    const wrapped = (text: string): string => `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
    assert.ok(!new vm.Script(wrapped(fs.readFileSync(storeFile, 'latin1')), { filename: storeFile, cachedData: fs.readFileSync(path.join(caches, first)) }).cachedDataRejected);
    check();
    assert.deepEqual(storeCaches(), [first], 'the next call reads it, writes nothing');
    // A rebuilt store (same length, one character changed, so a new build id on its first line)
    // never runs the old cache: a new name.
    const text = fs.readFileSync(storeFile, 'latin1');
    const head = /^\/\*claimboard-store:([0-9a-f]{16})\*\//.exec(text);
    assert.ok(head, 'the store names its build on its first line');
    const at = text.indexOf('claimboard_changed');
    assert.ok(at > 0);
    const rebuilt = `${text.slice(0, at)}X${text.slice(at + 1)}`.replace(must(head[1], 'the id'), 'f'.repeat(16));
    fs.writeFileSync(storeFile, rebuilt, 'latin1');
    check();
    assert.equal(storeCaches().length, 2);
    // A store without that line (not from this build script) runs without a cache.
    fs.writeFileSync(storeFile, rebuilt.slice(head[0].length), 'latin1');
    check();
    assert.equal(storeCaches().length, 2);
  });
});
