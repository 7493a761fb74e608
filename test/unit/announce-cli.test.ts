/**
 * Announcements through real `claimboard` processes against the real-HTTP Mattermost test
 * server: claims never wait on the channel, and every message arrives exactly once, in order,
 * whether the server was down, rate limiting, or hanging.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, cleanEnv, tempDir, type CliRun } from '../support/cli';
import { BackgroundProcesses, mattermostEnv, until } from '../support/background';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { outboxPaths } from '../../src/announce';
import { must } from '../../src/core/errors';

describe('announcements through the CLI (real processes)', function () {
  this.timeout(180_000);
  let server: MattermostTestServer;
  let dir: string;
  let board: string;
  let env: NodeJS.ProcessEnv;
  const background = new BackgroundProcesses();

  async function cli(args: string[], session = 'session-a', extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    const r = await runCli(['--board', board, ...args], { cwd: dir, env: { ...env, CLAIMBOARD_SESSION: session, ...extraEnv }, timeoutMs: 30_000 });
    background.note(board);
    return r;
  }

  function ok(r: CliRun): CliRun {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    return r;
  }

  beforeEach(async () => {
    server = await startMattermostServer();
    dir = tempDir();
    board = path.join(dir, 'coordination.md');
    // A flusher left behind by a failing test gives up soon.
    env = mattermostEnv(server, dir, { CLAIMBOARD_FLUSH_BUDGET: '60s' });
  });

  afterEach(async () => {
    background.endAll(board);
    await server.close();
  });

  it('server down for 100 claims and 100 releases, then back: each message arrives exactly once, in order', async () => {
    await server.down();
    const paths = Array.from({ length: 100 }, (_, i) => `repo/area${Math.floor(i / 5)}/file${i % 5}`);
    const expected: string[] = [];
    for (let i = 0; i < 100; i += 5) {
      const batch = paths.slice(i, i + 5);
      ok(await cli(['claim', ...batch]));
      for (const p of batch) expected.push(`[session-a] CLAIM \`${p}\` — eta 30min`);
    }
    for (let i = 0; i < 100; i += 5) {
      const batch = paths.slice(i, i + 5);
      ok(await cli(['release', ...batch]));
      for (const p of batch) expected.push(`[session-a] RELEASE \`${p}\` — done`);
    }
    const status = JSON.parse(ok(await cli(['status', '--json'])).stdout) as { announcements: { pending: number; failed: number } };
    assert.equal(status.announcements.pending, 200, 'all 200 wait in the outbox');
    assert.equal(server.posts.length, 0);
    await server.up();
    // The background flusher notices within its backoff; `flush` waits for it and finds nothing left.
    const flushed = ok(await cli(['flush', '--budget', '60s']));
    assert.match(flushed.stdout, /0 pending, 0 failed/);
    await until(() => server.posts.length >= 200, 60_000, '200 posts');
    // Nothing left to post (a positive signal, not a sleep): no late duplicate can follow.
    assert.match(ok(await cli(['flush'])).stdout, /0 pending, 0 failed/);
    assert.deepEqual(server.messages(), expected);
    // Each release replies in its claim's thread.
    const byId = new Map(server.posts.map((p) => [p.id, p]));
    for (const p of server.posts.filter((x) => x.message.includes('RELEASE'))) {
      assert.equal(byId.get(p.root_id)?.message.replace('CLAIM', 'RELEASE').replace('eta 30min', 'done'), p.message);
    }
  });

  it('a 429 storm: every message is delivered after the waits, none lost or doubled', async () => {
    server.inject({ kind: 'rate-limit', retryAfterS: 1 }, 6, /\/api\/v4\/posts$/);
    const expected: string[] = [];
    for (let i = 0; i < 10; i++) {
      ok(await cli(['claim', `repo/f${i}`]));
      expected.push(`[session-a] CLAIM \`repo/f${i}\` — eta 30min`);
    }
    await until(() => server.posts.length >= 10, 60_000, '10 posts');
    ok(await cli(['flush']));
    assert.deepEqual(server.messages(), expected);
    assert.equal(server.requests.filter((q) => q.fault === 'rate-limit').length, 6);
  });

  it('a hung server: the claim exits and the board holds it while the server has not answered; delivered once it recovers', async () => {
    server.inject({ kind: 'hang' }, Infinity, /\/api\/v4\/posts$/);
    const r = ok(await cli(['claim', 'repo/hot/*', '--eta', '30m']));
    assert.match(r.stdout, /claimed session-a {2}repo\/hot\/\*/);
    assert.match(fs.readFileSync(board, 'utf8'), /session-a .*repo\/hot\/\*/);
    // The claim process is gone; the flusher it started is stuck in a request the server holds.
    await until(() => server.hung.size === 1, 20_000, 'the flusher to reach the hung server');
    assert.equal(server.posts.length, 0);
    ok(await cli(['release', 'repo/hot/*']));
    assert.equal(server.posts.length, 0);
    server.clearFaults();
    server.dropHung();
    await until(() => server.posts.length >= 2, 60_000, '2 posts');
    assert.match(ok(await cli(['flush'])).stdout, /0 pending, 0 failed/, 'nothing left that could be posted twice');
    assert.deepEqual(server.messages(), ['[session-a] CLAIM `repo/hot/*` — eta 30min', '[session-a] RELEASE `repo/hot/*` — done']);
  });

  it('three `claimboard flush` processes at once over the same outbox: each message posted once, in order', async () => {
    await server.down();
    // Inline mode queues without starting a background flusher, so the three below race alone.
    const expected: string[] = [];
    for (let i = 0; i < 6; i++) {
      const batch = [0, 1, 2, 3, 4].map((j) => `repo/d${i}/f${j}`);
      ok(await cli(['claim', ...batch], 'session-a', { CLAIMBOARD_ANNOUNCE_INLINE: '1' }));
      expected.push(...batch.map((p) => `[session-a] CLAIM \`${p}\` — eta 30min`));
    }
    assert.equal(background.count, 0, 'no background flusher was started');
    await server.up();
    server.inject({ kind: 'slow', delayMs: 15 });
    const runs = await Promise.all([0, 1, 2].map(() => cli(['flush', '--json'])));
    for (const r of runs) ok(r);
    const delivered = runs.map((r) => (JSON.parse(r.stdout) as { delivered: number }).delivered);
    assert.equal(
      delivered.reduce((a, b) => a + b, 0),
      30,
      `split between processes: ${delivered.join(', ')}`,
    );
    assert.deepEqual(server.messages(), expected);
  });

  it('a hook loads node:child_process only when it starts a process: the flusher, not an inline post', async () => {
    // Each claimboard process records, as it exits, whether Node loaded child_process; NODE_OPTIONS reaches the flusher too.
    const preload = path.join(dir, 'loaded.cjs');
    const loaded = path.join(dir, 'loaded.jsonl');
    fs.writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(loaded)}, JSON.stringify({ args: process.argv.slice(2).join(' '), childProcess: process.moduleLoadList.includes('NativeModule child_process') }) + '\\n'));`,
    );
    const records = () => (fs.existsSync(loaded) ? fs.readFileSync(loaded, 'utf8').trim().split('\n') : []).map((l) => JSON.parse(l) as { args: string; childProcess: boolean });
    // A webhook only: no listener to start, so the flusher is the one process a hook may start.
    const webhookOnly = {
      CLAIMBOARD_MATTERMOST_URL: '',
      CLAIMBOARD_MATTERMOST_TOKEN: '',
      CLAIMBOARD_MATTERMOST_CHANNEL: '',
      CLAIMBOARD_MATTERMOST_WEBHOOK: server.hookUrl,
      NODE_OPTIONS: `--require=${preload}`,
    };
    const start = (id: string) => JSON.stringify({ session_id: id, transcript_path: path.join(dir, 't.jsonl'), cwd: dir, hook_event_name: 'SessionStart', source: 'startup' });
    const hook = (id: string, extra: NodeJS.ProcessEnv) =>
      runCli(['--board', board, 'hook', 'session-start'], { cwd: dir, env: { ...env, ...webhookOnly, ...extra }, input: start(id), timeoutMs: 30_000 });

    ok(await hook('uuid-inline', { CLAIMBOARD_ANNOUNCE_INLINE: '1' }));
    await until(() => server.messages().some((m) => m.includes('] starting —')), 30_000, 'the start posted inline');
    assert.deepEqual(records(), [{ args: `--board ${board} hook session-start`, childProcess: false }]);

    fs.rmSync(loaded);
    ok(await hook('uuid-flushed', {}));
    background.note(board);
    await until(() => server.messages().filter((m) => m.includes('] starting —')).length === 2, 30_000, 'the second start, posted by the flusher');
    await until(() => records().some((r) => r.args.includes('flush --background')), 30_000, 'the flusher exits');
    assert.deepEqual(
      records().find((r) => r.args.includes('hook session-start')),
      { args: `--board ${board} hook session-start`, childProcess: true },
      'the hook that started the flusher loaded it',
    );
  });

  it('an expired lease is announced by prune, in the thread of its claim', async () => {
    ok(await cli(['claim', 'repo/short', '--ttl', '1s']));
    const leaseEnd = new Date(must(/repo\/short — .*lease until (\S+)/.exec(fs.readFileSync(board, 'utf8'))?.[1], 'the lease of repo/short')).getTime();
    while (Date.now() <= leaseEnd) await new Promise((r) => setTimeout(r, 50));
    ok(await cli(['prune'], 'session-z'));
    ok(await cli(['flush']));
    await until(() => server.posts.length >= 2, 30_000, '2 posts');
    const claimPost = must(server.posts[0], 'the claim post');
    const expiry = must(server.posts[1], 'the expiry post');
    assert.equal(claimPost.message, '[session-a] CLAIM `repo/short` — eta 30min');
    assert.equal(expiry.message, '[session-a] EXPIRED `repo/short` — no heartbeat for 1 s', 'the lease the claim had, not the default');
    assert.equal(expiry.root_id, claimPost.id);
  });

  it('start, ask, end and recap in the seed forms; secrets never printed', async () => {
    ok(await cli(['start', '--repo', 'home_k3s_cluster', '--task', 'longhorn debug']));
    ok(await cli(['claim', 'home_k3s_cluster/kubernetes/apps/longhorn/*', '--eta', '30m']));
    ok(await cli(['ask', 'home_k3s_cluster/kubernetes/apps/longhorn/pvc.yaml', '--message', 'the volume is stuck @channel'], 'session-b'));
    const refused = await cli(['ask', 'home_k3s_cluster/free/x'], 'session-b');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /nobody else holds/);
    ok(await cli(['claim', 'infra:homelab-prod']));
    const ended = ok(await cli(['end']));
    assert.match(ended.stdout, /released/);
    ok(await cli(['flush']));
    await until(() => server.posts.length >= 5, 30_000, '5 posts');
    assert.deepEqual(server.messages(), [
      '[session-a] starting — repo: home_k3s_cluster — task: longhorn debug',
      '[session-a] CLAIM `home_k3s_cluster/kubernetes/apps/longhorn/*` — eta 30min',
      '[session-b] @alice session-a is holding `home_k3s_cluster/kubernetes/apps/longhorn/*` — the volume is stuck @\u2060channel, OK to interrupt?',
      '[session-a] CLAIM `infra:homelab-prod` — eta 30min',
      '[session-a] ending — released `home_k3s_cluster/kubernetes/apps/longhorn/*`, `infra:homelab-prod`',
    ]);
    const recap = JSON.parse(ok(await cli(['recap', '--since', '1h', '--json'])).stdout) as { sessions: { session: string; items: { kind: string }[] }[]; openQuestions: unknown[] };
    assert.deepEqual(
      recap.sessions.map((s) => [s.session, s.items.map((i) => i.kind)]),
      [
        ['session-a', ['start', 'claim', 'claim', 'end']],
        ['session-b', ['ask']],
      ],
    );
    assert.deepEqual(recap.openQuestions, [], 'the holder ended, so the question is settled');
    const text = ok(await cli(['recap'])).stdout;
    assert.match(text, /session-b:\n {2}\d\d:\d\d {2}@alice session-a is holding/);
    const test = ok(await cli(['mattermost', 'test']));
    assert.match(test.stdout, /the token belongs to @claimbot/);
    for (const out of [test.stdout, text, JSON.stringify(recap)]) assert.ok(!out.includes(server.bot.token));
  });

  it('a config file with a secret that others can read: the claim still works, stderr says chmod 600, nothing is posted', async function () {
    if (process.platform === 'win32') this.skip();
    const cfg = path.join(dir, 'config', 'claimboard', 'config.json');
    fs.mkdirSync(path.dirname(cfg), { recursive: true });
    fs.writeFileSync(cfg, JSON.stringify({ mattermost: { webhook: server.hookUrl } }), { mode: 0o644 });
    fs.chmodSync(cfg, 0o644);
    const noEnv = { ...env, CLAIMBOARD_MATTERMOST_URL: '', CLAIMBOARD_MATTERMOST_TOKEN: '', CLAIMBOARD_MATTERMOST_CHANNEL: '' };
    const r = await runCli(['--board', board, 'claim', 'repo/x'], { cwd: dir, env: { ...noEnv, CLAIMBOARD_SESSION: 'session-a' } });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /chmod 600/);
    assert.ok(!r.stderr.includes(server.hookId));
    const st = await runCli(['--board', board, 'status'], { cwd: dir, env: noEnv });
    assert.match(st.stdout, /outbox: 1 pending/);
    const t = await runCli(['--board', board, 'mattermost', 'test'], { cwd: dir, env: noEnv });
    assert.equal(t.code, 1);
    assert.match(t.stdout, /FAIL .*chmod 600/);
    // Fixed: the kept message goes out.
    fs.chmodSync(cfg, 0o600);
    assert.equal((await runCli(['--board', board, 'flush'], { cwd: dir, env: noEnv })).code, 0);
    assert.deepEqual(server.messages(), ['[session-a] CLAIM `repo/x` — eta 30min']);
  });

  it('without any Mattermost settings: claims work and nothing is written beside the board', async () => {
    const bare = cleanEnv({ XDG_CONFIG_HOME: path.join(dir, 'config'), CLAIMBOARD_SESSION: 'session-a' });
    assert.equal((await runCli(['--board', board, 'claim', 'repo/x'], { cwd: dir, env: bare })).code, 0);
    assert.equal(fs.existsSync(outboxPaths(board).outbox), false);
    assert.equal(server.requests.length, 0);
  });

  it('channel safety: @channel/@all/@here as the mention are refused; typed markdown is escaped; a password in a webhook URL is masked', async () => {
    for (const m of ['channel', '@all', 'HERE']) {
      const r = await cli(['claim', `repo/m-${m.replace('@', '')}`], 'session-a', { CLAIMBOARD_MENTION: m });
      assert.equal(r.code, 0, 'the claim itself still works');
      assert.match(r.stderr, /would notify the whole channel/);
      const t = await cli(['mattermost', 'test'], 'session-a', { CLAIMBOARD_MENTION: m });
      assert.equal(t.code, 1);
      assert.match(t.stdout, /^FAIL mention .* would notify the whole channel/m);
    }
    ok(await cli(['claim', 'repo/md', '--reason', 'see ![x](http://evil.example/x.png) and [docs](javascript:alert(1)) <javascript:alert(2)> *now*']));
    ok(await cli(['flush']));
    await until(() => server.messages().some((m) => m.includes('repo/md')), 30_000, 'the claim post');
    const posted = server.messages().find((m) => m.includes('repo/md'))!;
    assert.equal(posted, '[session-a] CLAIM `repo/md` — eta 30min — see !\\[x\\](http://evil.example/x.png) and \\[docs\\](javascript:alert(1)) \\<javascript:alert(2)\\> \\*now\\*');
    assert.ok(!server.messages().some((m) => /@(channel|all|here)\b/i.test(m)), 'nothing pinged the channel');

    const password = 'hunter2pw';
    const noRest = { CLAIMBOARD_MATTERMOST_URL: '', CLAIMBOARD_MATTERMOST_TOKEN: '', CLAIMBOARD_MATTERMOST_CHANNEL: '' };
    for (const webhook of [`http://user:${password}@127.0.0.1:9/hooks/abcdefabcdefabcdef`, `http://user:${password}@exa mple/hooks/abcdef`]) {
      const extra = { ...noRest, CLAIMBOARD_MATTERMOST_WEBHOOK: webhook, CLAIMBOARD_ANNOUNCE_INLINE: '1' };
      const outs = [await cli(['claim', `repo/pw-${outs0(webhook)}`], 'session-a', extra), await cli(['status'], 'session-a', extra), await cli(['mattermost', 'test'], 'session-a', extra)];
      for (const r of outs) assert.ok(!(r.stdout + r.stderr).includes(password), r.stdout + r.stderr);
      for (const f of fs.readdirSync(dir)) {
        const full = path.join(dir, f);
        if (fs.statSync(full).isFile()) assert.ok(!fs.readFileSync(full, 'utf8').includes(password), `${f} holds the password`);
      }
    }
  });

  it("recap with nothing configured: the board's own history, a dated heading, and ISO 8601 times with the offset", async () => {
    const bare = cleanEnv({ XDG_CONFIG_HOME: path.join(dir, 'config'), CLAIMBOARD_SESSION: 'session-a' });
    const run = (args: string[]) => runCli(['--board', board, ...args], { cwd: dir, env: bare });
    ok(await run(['start', '--repo', 'r', '--task', 'parser']));
    ok(await run(['claim', 'repo/kept', '--eta', '30m']));
    ok(await run(['claim', 'repo/done']));
    ok(await run(['release', 'repo/done']));
    const text = ok(await run(['recap'])).stdout;
    assert.match(text, /^Board since \d{4}-\d\d-\d\d \d\d:\d\d:\nsession-a:\n {2}\d\d:\d\d {2}starting — repo: r — task: parser\n {2}\d\d:\d\d {2}CLAIM repo\/kept — eta \d\d:\d\d\n/);
    assert.match(text, /RELEASE repo\/done — done/);
    assert.match(text, /Mattermost: not configured/);
    assert.doesNotMatch(text, /\([^)]*\(/, 'no nested parentheses');
    const json = JSON.parse(ok(await run(['recap', '--json'])).stdout) as { since: string; mattermost: string; board: { session: string; items: { at: string; kind: string }[] }[] };
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;
    assert.match(json.since, iso);
    assert.equal(json.mattermost, 'not configured');
    assert.deepEqual(
      json.board[0]?.items.map((i) => i.kind),
      ['start', 'claim', 'release'],
    );
    for (const i of json.board[0]?.items ?? []) assert.match(i.at, iso);
  });

  it('mattermost test with nothing configured names the settings (exit 2); a warning is labelled warn, not ok', async () => {
    const bare = cleanEnv({ XDG_CONFIG_HOME: path.join(dir, 'config') });
    const r = await runCli(['--board', board, 'mattermost', 'test'], { cwd: dir, env: bare });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^claimboard: Mattermost is not configured: set CLAIMBOARD_MATTERMOST_WEBHOOK .*CLAIMBOARD_MATTERMOST_URL, CLAIMBOARD_MATTERMOST_TOKEN and CLAIMBOARD_MATTERMOST_CHANNEL.*\n$/,
    );
    const noMention = await cli(['mattermost', 'test'], 'session-a', { CLAIMBOARD_MENTION: '' });
    assert.equal(noMention.code, 0, noMention.stderr);
    assert.match(noMention.stdout, /^warn no mention set \(CLAIMBOARD_MENTION\)/m);
  });

  it('announcements waiting in the outbox stay in status after the Mattermost settings are removed', async () => {
    const dead = {
      CLAIMBOARD_MATTERMOST_URL: '',
      CLAIMBOARD_MATTERMOST_TOKEN: '',
      CLAIMBOARD_MATTERMOST_CHANNEL: '',
      CLAIMBOARD_MATTERMOST_WEBHOOK: 'http://127.0.0.1:9/hooks/abcdefabcdefabcdef',
      CLAIMBOARD_ANNOUNCE_INLINE: '1',
    };
    ok(await cli(['claim', 'repo/waiting'], 'session-a', dead));
    const bare = cleanEnv({ XDG_CONFIG_HOME: path.join(dir, 'config') });
    const st = await runCli(['--board', board, 'status'], { cwd: dir, env: bare });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /Mattermost: not configured\n {2}outbox: 1 pending, 0 failed, kept until Mattermost is configured again/);
  });
});

function outs0(url: string): string {
  return url.includes(' ') ? 'bad' : 'dead';
}
