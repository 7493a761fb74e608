/**
 * Two simulated machines sharing claims through one PostgreSQL: real processes (separate HOME,
 * board view files, host names and checkout folder names), 8 writers each, 50 overlapping
 * claims per writer; a storm the database is SIGKILLed in the middle of; and a machine whose
 * clock is wrong.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { claimMeets } from '../../src/core/overlap';
import { cleanEnv, ROOT, runCli } from '../support/cli';
import { testPostgres } from '../support/postgres';

interface Line {
  key: string;
  granted?: { id: string; fence: number }[];
  refused?: { holder: string; path: string }[];
  renewed?: boolean;
  error?: string;
}

interface Machine {
  name: string;
  home: string;
}

function machines(): Machine[] {
  return ['machine-a', 'machine-b'].map((name) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    // The same repository checked out under a different folder name on each machine.
    fs.mkdirSync(path.join(home, name === 'machine-a' ? 'claimboard' : 'cb-checkout'));
    return { name, home };
  });
}

/** Keys that overlap on purpose: files, and folders holding them, shared by every writer. */
function keysFor(writer: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = (i * 7 + writer * 13) % 60;
    out.push(n % 10 === 0 ? `repo/d${n % 6}/**` : `repo/d${n % 6}/f${n}.ts`);
  }
  return out;
}

function startWriter(url: string, m: Machine, session: string, keys: string[], go: string): Promise<{ lines: Line[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/support/pg-claim-worker.ts'), url, session, m.name, keys.join(',')], {
      cwd: ROOT,
      env: cleanEnv({ HOME: m.home, HOSTNAME: m.name, CLAIMBOARD_TEST_GO: go }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) =>
      resolve({
        lines: out
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Line),
        code,
        stderr: err,
      }),
    );
  });
}

async function rows(url: string): Promise<{ claims: { id: string; session: string; path: string; fence: string }[]; history: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const claims = (await c.query<{ id: string; session: string; path: string; fence: string }>("select id, session, path, fence from claimboard_claims where board = 'storm' order by fence")).rows;
    const history = Number((await c.query<{ n: string }>("select count(*) as n from claimboard_history where board = 'storm'")).rows[0]!.n);
    return { claims, history };
  } finally {
    await c.end();
  }
}

/** 0 lost, 0 double grants, every conflict names a holder: what every storm must end with. */
function audit(results: { session: string; lines: Line[] }[], db: Awaited<ReturnType<typeof rows>>): { granted: number; refused: number } {
  assert.equal(db.history, 0, 'nothing was released, expired or taken over');
  const byId = new Map(db.claims.map((c) => [c.id, c]));
  let granted = 0;
  let refused = 0;
  for (const r of results) {
    for (const l of r.lines) {
      if (l.granted) {
        for (const g of l.granted) {
          const row = byId.get(g.id);
          assert.ok(row, `${r.session} was granted ${l.key} (${g.id}) and it is on the store`);
          assert.equal(row.session, r.session);
          assert.equal(Number(row.fence), g.fence);
          granted++;
        }
      }
      if (l.refused) {
        refused++;
        assert.ok(l.refused.length > 0);
        for (const h of l.refused)
          assert.ok(
            db.claims.some((c) => c.session === h.holder && c.path === h.path),
            `${l.key} refused, naming ${h.holder} on ${h.path}, who holds it`,
          );
      }
    }
  }
  assert.equal(granted, db.claims.length, 'every claim on the store was answered as granted: none lost, none extra');
  for (let i = 0; i < db.claims.length; i++) {
    for (let j = i + 1; j < db.claims.length; j++) {
      const a = db.claims[i]!;
      const b = db.claims[j]!;
      if (a.session !== b.session) assert.ok(!claimMeets(a.path, b.path, false) && !claimMeets(b.path, a.path, false), `double grant: ${a.session} ${a.path} and ${b.session} ${b.path}`);
    }
  }
  const fences = db.claims.map((c) => Number(c.fence));
  assert.equal(new Set(fences).size, fences.length, 'fencing numbers are unique');
  return { granted, refused };
}

describe('the shared store across two machines (real processes)', function () {
  this.timeout(600_000);

  async function storm(url: string, during?: () => Promise<void>) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.end();
    const init = await runCli(['store', 'init'], { env: cleanEnv({ CLAIMBOARD_STORE: url, HOME: os.tmpdir() }) });
    assert.equal(init.code, 0, init.stderr);
    const ms = machines();
    const go = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'go-')), 'go');
    const runs: Promise<{ session: string; lines: Line[]; code: number | null; stderr: string }>[] = [];
    for (const m of ms) {
      for (let w = 0; w < 8; w++) {
        const session = `${m.name === 'machine-a' ? 'a' : 'b'}-writer-${w}`;
        const n = runs.length;
        runs.push(startWriter(url, m, session, keysFor(n, 50), go).then((r) => ({ session, ...r })));
      }
    }
    // Every writer starts at once, once all are loaded.
    await new Promise((r) => setTimeout(r, 4_000));
    fs.writeFileSync(go, '');
    if (during) await during();
    const results = await Promise.all(runs);
    for (const r of results) assert.equal(r.code, 0, `${r.session}: ${r.stderr}`);
    return results;
  }

  it('2 machines × 8 writers × 50 overlapping claims: 0 lost, 0 double grants, every conflict names the holder', async () => {
    const url = await (await testPostgres()).database();
    const results = await storm(url);
    const { granted, refused } = audit(results, await rows(url));
    assert.equal(
      results.reduce((n, r) => n + r.lines.length, 0),
      800,
    );
    assert.ok(granted > 0 && refused > 0, `${granted} granted, ${refused} refused`);
  });

  it('the database SIGKILLed mid-storm and restarted: clear errors in between, nothing half-written or granted twice, normal after', async () => {
    const server = await testPostgres();
    const url = await server.database();
    const results = await storm(url, async () => {
      // Mid-storm: once the writers have been granted a few dozen claims.
      while ((await rows(url)).claims.length < 40) await new Promise((r) => setTimeout(r, 100));
      server.kill();
      await new Promise((r) => setTimeout(r, 1_000));
      await server.restart();
    });
    const errors = results.flatMap((r) => r.lines.filter((l) => l.error).map((l) => l.error!));
    assert.ok(errors.length > 0, 'some writers met the database down');
    const password = decodeURIComponent(new URL(url).password);
    for (const e of errors) {
      assert.match(e, /^cannot (reach|read|write to) the shared store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+ \(board storm\): /);
      assert.ok(!e.includes(password));
    }
    audit(results, await rows(url));
  });
});
