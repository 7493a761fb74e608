/**
 * The shared store (PostgreSQL, a local embedded server) against the board file: `check` and
 * `hook pre-tool-use` as whole processes, each a ratio to `node -e 0` measured in the same loop
 * (target: at most 2x); then claims per second with 16 writers on two simulated machines, and
 * lost updates (must be 0).
 *
 *   npm run build && node --import tsx bench/shared-store.ts [--rounds N] [--claims N] [--before OLD/dist/cli.js] [--no-storm]
 *
 * The shared store is reached three ways: over TCP as a role with a password (the test server's
 * rule: cleartext `password`), over TCP as a SCRAM-SHA-256 role (a server's usual rule for TCP;
 * the key derivation is remembered beside the config after the first call), and through the
 * server's Unix socket as this user without a password (`peer`, a local server's usual rule).
 * The hot reads go through this machine's store holder (src/store-pg/holder-client.ts), started
 * by a first read before the timing, as on a machine after its first hook call; "no holder"
 * lanes (`CLAIMBOARD_STORE_HOLDER=off`) connect from every call, as before it.
 * `--before` adds the same calls through another build (e.g. main's) in the same rounds. Two
 * more lanes split a shared-store call's time: a process that only loads `pg`, connects
 * (TCP, password) and ends, and the same with the read's one query.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { FileClaimStore, type ClaimStore } from '../src/core/claim-store';
import { openPgStore } from '../src/store-pg';
import { holderSocketPath } from '../src/store-pg/holder-client';
import { testPostgres, stopTestPostgres } from '../test/support/postgres';
import { argNumber, argValue, editHookInput, loadAverage, median, ratio, timeLanes, type Lane } from './report';
import { must } from '../src/core/errors';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const RUNS = argNumber('--rounds', 15);
const BEFORE = argValue('--before');
const STORM = !process.argv.includes('--no-storm');

/** Live claims on each board besides the one the timed calls meet (`--claims`, default 200). */
const CLAIMS = argNumber('--claims', 200);

async function seed(store: ClaimStore): Promise<void> {
  // Large boards in claims of 500 paths (a write at 10,000 claims takes a second).
  const each = CLAIMS > 1000 ? 500 : 50;
  for (let s = 0; s * each < CLAIMS; s++) {
    const paths = Array.from({ length: Math.min(each, CLAIMS - s * each) }, (_, i) => `repo8/src/mod${s}/f${i}.ts`);
    await store.claim(`session-${s}`, { paths });
  }
  await store.claim('session-d', { paths: ['repo8/src/mod8/x.ts'] });
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first');
  const server = await testPostgres();
  try {
    const url = await server.database();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-bench-shared-'));
    const repo = path.join(dir, 'repo8');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'src/mod8'), { recursive: true });
    const fileBoard = path.join(dir, 'board.md');
    const viewBoard = path.join(dir, 'view.md');
    const shared = openPgStore({ kind: 'postgres', url, shown: url, board: 'default', source: 'bench' }, { boardPath: viewBoard });
    await shared.init();
    await seed(shared);
    await shared.close();
    await seed(new FileClaimStore({ boardPath: fileBoard }));
    const fileEnv = { PATH: process.env.PATH, HOME: dir, CLAIMBOARD_BOARD: fileBoard, CLAIMBOARD_SESSION: 'bench' };
    const sharedEnv = { ...fileEnv, CLAIMBOARD_BOARD: viewBoard, CLAIMBOARD_STORE: url };
    // The same database as a SCRAM-SHA-256 role over TCP (a server's usual rule for TCP), and
    // through the server's Unix socket as this user without a password (peer: a local server's usual rule).
    const db = new URL(url).pathname.slice(1);
    const scramRole = await server.role('scram-sha-256', 'bench-scram-secret');
    const scramEnv = { ...sharedEnv, CLAIMBOARD_STORE: `postgres://${scramRole}:bench-scram-secret@127.0.0.1:${server.port}/${db}` };
    const peerRole = await server.role('peer');
    const peerEnv = { ...sharedEnv, CLAIMBOARD_STORE: `postgresql://${peerRole}@/${db}?host=${server.socketDir}&port=${server.port}` };
    // The same without libpq's user-without-host form, which a build before it refuses.
    const peerEnvBefore = { ...sharedEnv, CLAIMBOARD_STORE: `postgresql:///${db}?host=${server.socketDir}&port=${server.port}&user=${peerRole}` };
    const hookInput = editHookInput(repo, path.join(repo, 'src/mod8/x.ts'));
    const probe = (query: string): string =>
      `const pg = require(${JSON.stringify(require.resolve('pg'))}); const c = new pg.Client({ connectionString: process.env.CLAIMBOARD_STORE });` +
      `c.connect().then(() => ${query ? `c.query(${JSON.stringify(query)})` : 'undefined'}).then(() => c.end()).then(() => console.log('ok'))`;
    // Without the store holder: each call connects and loads the database client itself.
    const direct = (e: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...e, CLAIMBOARD_STORE_HOLDER: 'off' });
    const lanes: Lane[] = [
      { name: '`node -e 0`', args: ['-e', '0'], input: '', env: fileEnv },
      { name: '`check` (held), board file', args: [CLI, 'check', 'repo8/src/mod8/x.ts'], input: '', env: fileEnv, expect: 'held by session-d' },
      { name: '`check` (held), shared store: TCP, password', args: [CLI, 'check', 'repo8/src/mod8/x.ts'], input: '', env: sharedEnv, expect: 'held by session-d' },
      { name: '`hook pre-tool-use` (deny), board file', args: [CLI, 'hook', 'pre-tool-use'], input: hookInput, env: fileEnv, expect: '"deny"' },
      { name: '`hook pre-tool-use` (deny), shared store: TCP, password', args: [CLI, 'hook', 'pre-tool-use'], input: hookInput, env: sharedEnv, expect: '"deny"' },
      { name: '`check` (held), shared store: TCP, SCRAM-SHA-256', args: [CLI, 'check', 'repo8/src/mod8/x.ts'], input: '', env: scramEnv, expect: 'held by session-d' },
      { name: '`check` (held), shared store: Unix socket, peer', args: [CLI, 'check', 'repo8/src/mod8/x.ts'], input: '', env: peerEnv, expect: 'held by session-d' },
      { name: '`hook pre-tool-use` (deny), shared store: Unix socket, peer', args: [CLI, 'hook', 'pre-tool-use'], input: hookInput, env: peerEnv, expect: '"deny"' },
      { name: '`check` (held), TCP, password, no holder', args: [CLI, 'check', 'repo8/src/mod8/x.ts'], input: '', env: direct(sharedEnv), expect: 'held by session-d' },
      { name: '`hook pre-tool-use` (deny), TCP, password, no holder', args: [CLI, 'hook', 'pre-tool-use'], input: hookInput, env: direct(sharedEnv), expect: '"deny"' },
      { name: '`check` (held), Unix socket, peer, no holder', args: [CLI, 'check', 'repo8/src/mod8/x.ts'], input: '', env: direct(peerEnv), expect: 'held by session-d' },
      { name: 'load `pg`, connect (TCP, password), end', args: ['-e', probe('')], input: '', env: sharedEnv, expect: 'ok' },
      { name: 'load `pg`, connect, one query (`select 1`), end', args: ['-e', probe('select 1')], input: '', env: sharedEnv, expect: 'ok' },
    ];
    if (BEFORE) {
      for (const l of lanes.filter((x) => x.args[0] === CLI && x.name.includes('shared store')))
        lanes.push({ ...l, name: `before: ${l.name}`, args: [BEFORE, ...l.args.slice(1)], env: l.env === peerEnv ? peerEnvBefore : l.env });
    }
    // Each store's holder is started by a first read, as on a machine after its first hook call.
    for (const e of [sharedEnv, scramEnv, peerEnv]) {
      const first = spawnSync(process.execPath, [CLI, 'check', 'repo8/src/mod8/x.ts'], { env: e, encoding: 'utf8' });
      if (first.status !== 3) throw new Error(`check over the shared store: ${first.stderr}`);
      const socket = must(holderSocketPath(must(e.CLAIMBOARD_STORE, 'the store'), path.join(dir, '.config', 'claimboard', 'config.json')), 'a holder socket');
      for (let waited = 0; !fs.existsSync(socket); waited += 50) {
        if (waited > 15_000) throw new Error('the store holder did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const times = timeLanes(lanes, { rounds: RUNS, warmups: 2 });
    const node = must(times[0], 'the baseline');
    const out = [`${RUNS} rounds, ${CLAIMS + 1} live claims, load average ${loadAverage()}`, '', '| call | median | ratio to `node -e 0` | cpu ratio |', '|---|---|---|---|'];
    lanes.forEach((l, j) => {
      const t = must(times[j], 'a lane');
      out.push(`| ${l.name} | ${median(t.ms).toFixed(1)} ms | ${ratio(median(t.ms), median(node.ms))} | ${ratio(t.ticks, node.ticks)} |`);
    });
    console.log(out.join('\n'));

    // A write at 10,000 claims: `claim` and `release` (alternating, so the board stays the same)
    // as whole processes, each rewriting this machine's markdown view of the store.
    const bigView = path.join(dir, 'big-view.md');
    const seeder = new pg.Client({ connectionString: url });
    await seeder.connect();
    await seeder.query(`insert into claimboard_claims (board, id, session, path, started, eta, expires, ttl_ms, mode, fence)
      select 'big', 'big' || g, 'session-' || (g % 20), 'repo/src/m' || (g / 100) || '/f' || g || '.ts', now(), now() + interval '1 hour', now() + interval '4 hours', 14400000, 'exclusive', nextval('claimboard_fence')
      from generate_series(1, 10000) g`);
    await seeder.end();
    const bigEnv = (session: string): NodeJS.ProcessEnv => ({ ...sharedEnv, CLAIMBOARD_BOARD: bigView, CLAIMBOARD_STORE_BOARD: 'big', CLAIMBOARD_SESSION: session });
    const writes: Lane[] = [
      { name: '`claim` of a free path, 10,000 claims', args: [CLI, 'claim', 'repo/w/now.ts'], input: '', env: bigEnv('bench-now'), expect: 'claimed' },
      { name: '`release` of it', args: [CLI, 'release', 'repo/w/now.ts'], input: '', env: bigEnv('bench-now'), expect: 'released' },
    ];
    if (BEFORE) {
      writes.push({ name: 'before: `claim` of a free path, 10,000 claims', args: [BEFORE, 'claim', 'repo/w/before.ts'], input: '', env: bigEnv('bench-before'), expect: 'claimed' });
      writes.push({ name: 'before: `release` of it', args: [BEFORE, 'release', 'repo/w/before.ts'], input: '', env: bigEnv('bench-before'), expect: 'released' });
    }
    const wrote = timeLanes(writes, { rounds: Math.max(3, Math.ceil(RUNS / 2)), warmups: 2 });
    console.log(['', `A write at 10,000 claims, load average ${loadAverage()}`, '', '| call | median | cpu (all rounds) |', '|---|---|---|'].join('\n'));
    writes.forEach((l, j) => {
      const t = must(wrote[j], 'a lane');
      console.log(`| ${l.name} | ${median(t.ms).toFixed(0)} ms | ${t.ticks} ticks |`);
    });
    if (!STORM) return;

    // Claims per second: 16 writers (8 per machine), 25 claims each over overlapping keys.
    const stormUrl = await server.database();
    const init = openPgStore({ kind: 'postgres', url: stormUrl, shown: stormUrl, board: 'storm', source: 'bench' }, { boardPath: viewBoard });
    await init.init();
    await init.close();
    const go = path.join(dir, 'go');
    const writers: Promise<string>[] = [];
    for (let w = 0; w < 16; w++) {
      const keys = Array.from({ length: 25 }, (_, i) => `repo/d${((i * 7 + w * 13) % 60) % 6}/f${(i * 7 + w * 13) % 60}.ts`);
      const home = fs.mkdtempSync(path.join(dir, w < 8 ? 'machine-a-' : 'machine-b-'));
      writers.push(
        new Promise((resolve, reject) => {
          const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/pg-claim-worker.ts'), stormUrl, `w${w}`, w < 8 ? 'machine-a' : 'machine-b', keys.join(',')], {
            cwd: ROOT,
            env: { ...process.env, HOME: home, CLAIMBOARD_TEST_GO: go },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let text = '';
          p.stdout.on('data', (d: Buffer) => {
            text += d.toString();
          });
          p.on('error', reject);
          p.on('close', () => resolve(text));
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 8_000));
    const t0 = Date.now();
    fs.writeFileSync(go, '');
    const texts = await Promise.all(writers);
    const seconds = (Date.now() - t0) / 1000;
    const lines = texts
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { granted?: unknown[]; refused?: unknown[] });
    const granted = lines.filter((l) => l.granted).length;
    const c = new pg.Client({ connectionString: stormUrl });
    await c.connect();
    const onStore = Number((await c.query<{ n: string }>("select count(*) as n from claimboard_claims where board = 'storm'")).rows[0]!.n);
    await c.end();
    console.log(
      `\n16 writers × 25 claims (2 machines): ${lines.length} answered in ${seconds.toFixed(1)} s = ${(lines.length / seconds).toFixed(0)} claims/s; ${granted} granted, ${lines.length - granted} refused; on the store: ${onStore}; lost updates: ${granted - onStore}`,
    );
    console.log(
      `load average: ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await stopTestPostgres();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
