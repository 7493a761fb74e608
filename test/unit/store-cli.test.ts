/**
 * `claimboard` over the shared store, as real processes: `store init/status/import`, the same
 * commands and exit codes as on the board file, and an unreachable store named with its
 * password masked.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, cleanEnv, pathWithClaimboard, runCli } from '../support/cli';
import { testPostgres } from '../support/postgres';

/** The command a message tells a person to run (in backquotes), run as printed through bash, `claimboard` on the PATH. */
function runPrinted(message: string, re: RegExp, opts: { cwd?: string; env: NodeJS.ProcessEnv }): { command: string; code: number | null; stdout: string; stderr: string } {
  const command = re.exec(message)?.[1];
  assert.ok(command, `no command matching ${re} in: ${message}`);
  const env = { ...opts.env, PATH: pathWithClaimboard(fs.mkdtempSync(path.join(os.tmpdir(), 'bin-'))) };
  const r = spawnSync('bash', ['-c', command], { cwd: opts.cwd, env, encoding: 'utf8' });
  return { command, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the shared store through the CLI process', function () {
  this.timeout(120_000);
  let url: string;
  let password: string;
  let home: string;
  const env = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({ HOME: home, CLAIMBOARD_STORE: url, CLAIMBOARD_BOARD: path.join(home, 'coordination.md'), ...extra });

  before(async () => {
    url = await (await testPostgres()).database();
    password = decodeURIComponent(new URL(url).password);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'store-cli-'));
  });

  it('store init creates the schema once, then says it is current; status names the store, password masked', async () => {
    const s0 = await runCli(['store', 'status'], { env: env() });
    assert.equal(s0.code, 0, s0.stderr);
    assert.match(s0.stdout, /no claimboard schema yet: run `claimboard store init`/);
    const c0 = await runCli(['claim', 'infra:x'], { env: env({ CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(c0.code, 1);
    assert.match(c0.stderr, /has no claimboard tables: run `claimboard store init`/);
    const first = runPrinted(c0.stderr, /run `(claimboard [^`]+)`/, { env: env() });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /schema created \(version 2\)/);
    const second = await runCli(['store', 'init'], { env: env() });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /schema is current \(version 2\)/);
    const s1 = await runCli(['store', 'status'], { env: env() });
    assert.match(s1.stdout, /claims live in the shared store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+ \(board default\)/);
    for (const r of [first, second, s1]) assert.ok(!(r.stdout + r.stderr).includes(password));
  });

  it('claim, check, release: the same exit codes and words as the board file', async () => {
    await runCli(['store', 'init'], { env: env() });
    const a = await runCli(['claim', 'repo/src/a.ts'], { env: env({ CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['claim', 'repo/src/**'], { env: env({ CLAIMBOARD_SESSION: 'beta' }) });
    assert.equal(b.code, 3);
    assert.match(b.stderr, /repo\/src\/a\.ts, inside repo\/src\/\*\*, is held by alpha/);
    const c = await runCli(['check', 'repo/src/a.ts'], { env: env({ CLAIMBOARD_SESSION: 'beta' }) });
    assert.equal(c.code, 3);
    const st = await runCli(['status', '--json'], { env: env() });
    assert.deepEqual(
      (JSON.parse(st.stdout) as { claims: { session: string }[] }).claims.map((x) => x.session),
      ['alpha'],
    );
    const r = await runCli(['release', 'repo/src/a.ts'], { env: env({ CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await runCli(['claim', 'repo/src/**'], { env: env({ CLAIMBOARD_SESSION: 'beta' }) })).code, 0);
  });

  it('an unreachable store: exit 1, one line naming it, the password masked, nothing else', async () => {
    const down = new URL(url);
    down.port = '1'; // nothing listens there
    const r = await runCli(['claim', 'infra:x'], { env: env({ CLAIMBOARD_STORE: down.toString(), CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^claimboard: cannot reach the shared store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/\w+ \(board default\): /);
    assert.ok(!r.stderr.includes(password));
  });

  it('the database unreachable: the edit guard allows what the session held, denies the rest with what to do; status shows the last view, stale; all resumes after', async () => {
    await runCli(['store', 'init'], { env: env() });
    const proj = fs.mkdtempSync(path.join(home, 'proj-'));
    for (const f of ['held.txt', 'other.txt']) fs.writeFileSync(path.join(proj, f), 'x\n');
    const held = await runCli(['claim', 'held.txt'], { cwd: proj, env: env({ CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(held.code, 0, held.stderr);
    const down = new URL(url);
    down.port = '1';
    const offline = env({ CLAIMBOARD_STORE: down.toString(), CLAIMBOARD_SESSION: 'alpha' });
    const edit = (file: string, e: NodeJS.ProcessEnv) =>
      runCli(['hook', 'pre-tool-use'], {
        cwd: proj,
        env: e,
        input: JSON.stringify({
          hook_event_name: 'PreToolUse',
          session_id: 'uuid-a',
          transcript_path: '/dev/null',
          cwd: proj,
          tool_name: 'Edit',
          tool_input: { file_path: path.join(proj, file), old_string: 'x', new_string: 'y' },
        }),
      });
    const allowed = await edit('held.txt', offline);
    assert.equal(allowed.code, 0);
    assert.equal(allowed.stdout, '', 'no deny');
    assert.match(allowed.stderr, /cannot reach the shared store .*; allowed: alpha held .*held\.txt when the store was last seen/);
    const denied = await edit('other.txt', offline);
    const reason = (JSON.parse(denied.stdout) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } }).hookSpecificOutput;
    assert.equal(reason.permissionDecision, 'deny');
    assert.match(
      reason.permissionDecisionReason,
      /only paths this session held when it was last seen may be edited\. Check it with `claimboard store status` and retry when it answers; to edit anyway, the person can set CLAIMBOARD_STORE_OFFLINE=allow/,
    );
    assert.ok(!reason.permissionDecisionReason.includes(password));
    // The command the reason gives, run as printed: it names the store and says it does not answer.
    const shown = runPrinted(reason.permissionDecisionReason, /Check it with `(claimboard [^`]+)`/, { cwd: proj, env: offline });
    assert.equal(shown.command, 'claimboard store status');
    assert.equal(shown.code, 1);
    assert.match(shown.stderr, /^claimboard: cannot reach the shared store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\//);
    const overridden = await edit('other.txt', { ...offline, CLAIMBOARD_STORE_OFFLINE: 'allow' });
    assert.equal(overridden.stdout, '');
    assert.match(overridden.stderr, /CLAIMBOARD_STORE_OFFLINE=allow: edit allowed unchecked/);
    const st = await runCli(['status'], { cwd: proj, env: offline });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stderr, /cannot reach the shared store .*; showing the last known view, from .* \(stale\)/);
    assert.match(st.stdout, /STALE: unreachable, last known view from /);
    assert.match(st.stdout, /held\.txt/);
    // Back: everything goes on, nothing to repair.
    const back = await runCli(['claim', 'other.txt'], { cwd: proj, env: env({ CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(back.code, 0, back.stderr);
    const after = await edit('other.txt', env({ CLAIMBOARD_SESSION: 'alpha' }));
    assert.equal(after.stdout, '');
  });

  it("the git guard and the edit guard on machine B see machine A's claim; the fencing check refuses a commit after the committer's lease lapsed", async () => {
    await runCli(['store', 'init'], { env: env() });
    const repo = path.join(fs.mkdtempSync(path.join(home, 'git-')), 'shop');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    fs.writeFileSync(path.join(repo, 'src', 'x.ts'), 'export {};\n');
    git('add', '-A');
    const machine = (name: string, session: string) => env({ HOME: path.join(home, name), CLAIMBOARD_BOARD: path.join(home, name, 'coordination.md'), CLAIMBOARD_SESSION: session });
    const a = machine('a', 'alpha');
    const b = machine('b', 'beta');
    assert.equal((await runCli(['claim', 'src/x.ts'], { cwd: repo, env: a })).code, 0);
    const guardB = await runCli(['guard'], { cwd: repo, env: b });
    assert.equal(guardB.code, 3);
    assert.match(guardB.stderr, /shop\/src\/x\.ts is held by alpha/);
    const hookB = await runCli(['hook', 'pre-tool-use'], {
      cwd: repo,
      env: b,
      input: JSON.stringify({
        hook_event_name: 'PreToolUse',
        session_id: 'uuid-b',
        transcript_path: '/dev/null',
        cwd: repo,
        tool_name: 'Write',
        tool_input: { file_path: path.join(repo, 'src', 'x.ts'), content: 'y' },
      }),
    });
    assert.match(hookB.stdout, /"permissionDecision":"deny"/);
    assert.match(hookB.stdout, /is claimed by alpha \(claim: shop\/src\/x\.ts/);
    // Alpha's own lease runs out: nobody took the file, and still its commit is refused.
    assert.equal((await runCli(['claim', 'src/x.ts', '--ttl', '10s'], { cwd: repo, env: a })).code, 0);
    const claimedBy = Date.now();
    assert.equal((await runCli(['guard'], { cwd: repo, env: a })).code, 0);
    await new Promise((r) => setTimeout(r, Math.max(0, claimedBy + 10_500 - Date.now())));
    const lapsed = await runCli(['guard'], { cwd: repo, env: a });
    assert.equal(lapsed.code, 3, lapsed.stderr);
    assert.match(lapsed.stderr, /commit refused: your claim on a staged path has lapsed/);
    assert.match(lapsed.stderr, /shop\/src\/x\.ts: alpha's claim shop\/src\/x\.ts \(fence \d+\) ended .*, its lease not renewed/);
    // The command it gives, run as printed, and the commit goes through.
    const given = /\(claimboard (claim [^)]+)\)/.exec(lapsed.stderr)![1]!.split(' ');
    assert.equal((await runCli(given, { cwd: repo, env: a })).code, 0);
    assert.equal((await runCli(['guard'], { cwd: repo, env: a })).code, 0);
  });

  it('one repository checked out under two folder names on two machines gives the same keys over the shared store', async () => {
    await runCli(['store', 'init'], { env: env() });
    const base = fs.mkdtempSync(path.join(home, 'checkouts-'));
    const checkout = (folder: string) => {
      const dir = path.join(base, folder);
      fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
      spawnSync('git', ['init', '-q'], { cwd: dir });
      spawnSync('git', ['remote', 'add', 'origin', 'git@example.com:me/shop.git'], { cwd: dir });
      fs.writeFileSync(path.join(dir, 'src', 'y.ts'), 'export {};\n');
      return dir;
    };
    const a = checkout('shop-laptop');
    const b = checkout('work-shop');
    const claimed = await runCli(['claim', 'src/y.ts'], { cwd: a, env: env({ HOME: path.join(home, 'ma'), CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(claimed.code, 0, claimed.stderr);
    assert.match(claimed.stdout, /claimed alpha\s+shop\/src\/y\.ts/);
    const seen = await runCli(['check', 'src/y.ts'], { cwd: b, env: env({ HOME: path.join(home, 'mb'), CLAIMBOARD_SESSION: 'beta' }) });
    assert.equal(seen.code, 3, seen.stdout + seen.stderr);
    assert.match(seen.stdout + seen.stderr, /shop\/src\/y\.ts is held by alpha/);
  });

  it('a bad store setting is bad input (exit 2); a password in a config file others can read is refused', async () => {
    const bad = await runCli(['status'], { env: env({ CLAIMBOARD_STORE: 'mysql://x@y/z' }) });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not postgres:\/\//);
    const cfg = path.join(home, 'config.json');
    fs.writeFileSync(cfg, JSON.stringify({ store: { url } }), { mode: 0o644 });
    fs.chmodSync(cfg, 0o644);
    const open = await runCli(['status'], { env: env({ CLAIMBOARD_STORE: '', CLAIMBOARD_CONFIG: cfg }) });
    assert.equal(open.code, 2);
    assert.match(open.stderr, /holds the store's password but other users can read it \(mode 644\): run `chmod 600 /);
    assert.ok(!open.stderr.includes(password));
    assert.equal(runPrinted(open.stderr, /run `(chmod 600 [^`]+)`/, { env: env() }).code, 0);
    assert.equal(fs.statSync(cfg).mode & 0o777, 0o600);
    const ok = await runCli(['store', 'status'], { env: env({ CLAIMBOARD_STORE: '', CLAIMBOARD_CONFIG: cfg }) });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`from ${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it("leases end by the database clock, whatever a machine's own clock says", async () => {
    await runCli(['store', 'init'], { env: env() });
    // A machine whose clock is wrong: the CLI process runs two hours ahead, or behind.
    const skewed = (hours: number, args: string[]) =>
      new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        const r = spawnSync(process.execPath, ['--require', path.join(__dirname, '..', 'support', 'shifted-clock.cjs'), CLI, ...args], {
          cwd: home,
          encoding: 'utf8',
          env: env({ CLAIMBOARD_TEST_NOW: new Date(Date.now() + hours * 3_600_000).toISOString() }),
        });
        resolve({ code: r.status, stderr: r.stderr, stdout: r.stdout });
      });
    // Leases long enough for a loaded machine to run the checks inside them.
    const a = await runCli(['claim', 'infra:skew', '--ttl', '15s'], { env: env({ CLAIMBOARD_SESSION: 'alpha' }) });
    const claimedBy = Date.now();
    assert.equal(a.code, 0, a.stderr);
    const ahead = await skewed(2, ['--session', 'beta', 'check', 'infra:skew']);
    assert.equal(ahead.code, 3, `two hours ahead, the lease is still live by the database's clock: ${ahead.stdout}${ahead.stderr}`);
    const aheadClaim = await skewed(2, ['--session', 'beta', 'claim', 'infra:skew']);
    assert.equal(aheadClaim.code, 3, aheadClaim.stderr);
    await new Promise((r) => setTimeout(r, Math.max(0, claimedBy + 15_500 - Date.now())));
    const behind = await skewed(-2, ['--session', 'gamma', 'claim', 'infra:skew']);
    assert.equal(behind.code, 0, `two hours behind, the lease has still ended by the database's clock: ${behind.stderr}`);
  });

  it("store import copies a board file's claims, releases and notes, and reports a conflicting claim by its line", async () => {
    const other = await (await testPostgres()).database();
    const e = env({ CLAIMBOARD_STORE: other });
    await runCli(['store', 'init'], { env: e });
    const fileEnv = cleanEnv({ HOME: home, CLAIMBOARD_BOARD: path.join(home, 'local.md') });
    await runCli(['claim', 'repo/a', 'repo/b'], { env: { ...fileEnv, CLAIMBOARD_SESSION: 'alpha' } });
    await runCli(['release', 'repo/b'], { env: { ...fileEnv, CLAIMBOARD_SESSION: 'alpha' } });
    await runCli(['note', 'add', 'deploy freeze'], { env: fileEnv });
    await runCli(['claim', 'repo/**'], { env: { ...e, CLAIMBOARD_SESSION: 'gamma' } });
    const r = await runCli(['store', 'import', path.join(home, 'local.md')], { env: e });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /0 claims, 1 releases, 1 pinned notes/);
    assert.match(r.stderr, /local\.md:\d+: not imported: repo\/a \(alpha\) conflicts with repo\/\*\* held by gamma/);
    await runCli(['release', 'repo/**'], { env: { ...e, CLAIMBOARD_SESSION: 'gamma' } });
    const again = await runCli(['store', 'import', path.join(home, 'local.md')], { env: e });
    assert.equal(again.code, 0, again.stderr);
    const st = JSON.parse((await runCli(['status', '--json'], { env: e })).stdout) as { claims: { session: string; path: string }[]; notes: unknown[] };
    assert.deepEqual(
      st.claims.map((c) => `${c.session} ${c.path}`),
      ['alpha repo/a'],
    );
    assert.equal(st.notes.length, 1, 'a note imported twice is kept once');
  });
});
