import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, ensureBuilt, runCli, tempDir, cleanEnv } from '../support/cli';
import { must } from '../../src/core/errors';

describe('claimboard CLI (real processes)', function () {
  this.timeout(60_000);
  let dir: string;
  let board: string;
  const cb = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['--board', board, ...args], { cwd: dir, env: cleanEnv(env) });

  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
    board = path.join(dir, 'coordination.md');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('status on the default board path creates nothing', async () => {
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const r = await runCli(['status'], { cwd: dir, env: cleanEnv({ HOME: home }) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\.claude\/hooks\/state\/coordination\.md \(does not exist yet/);
    assert.deepEqual(fs.readdirSync(home), []);
  });

  it('claim → conflict exit 3 naming holder, path and ETA → release → free', async () => {
    let r = await cb(['--session', 'session-a', 'claim', 'repo/src/**', '--eta', '19:45', '--reason', 'parser']);
    assert.equal(r.code, 0, r.stderr);
    r = await cb(['--session', 'session-b', 'claim', 'repo/src/a/b.ts']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /repo\/src\/a\/b\.ts is held by session-a \(claim: repo\/src\/\*\*\) — eta 19:45/);
    r = await cb(['--session', 'session-b', 'check', 'repo/src/x']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /held by session-a/);
    r = await cb(['--session', 'session-a', 'check', 'repo/src/x']);
    assert.equal(r.code, 0, 'free for its own holder');
    r = await cb(['--session', 'session-a', 'release', 'repo/src/**']);
    assert.equal(r.code, 0, r.stderr);
    r = await cb(['--session', 'session-b', 'claim', 'repo/src/a/b.ts']);
    assert.equal(r.code, 0, r.stderr);
  });

  it('status --json has claims, expired, releases, notes and problems with ISO times', async () => {
    fs.writeFileSync(board, fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'seed-board.md')));
    await cb(['--session', 'session-x', 'claim', 'infra:homelab-prod', '--shared', '--ttl', '2h']);
    fs.appendFileSync(board, '\n## Active claims\n\n- broken line\n');
    const r = await cb(['--json', 'status']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(
      Object.keys(s)
        .filter((k) => ['claims', 'expired', 'releases', 'notes', 'problems'].includes(k))
        .sort(),
      ['claims', 'expired', 'notes', 'problems', 'releases'],
    );
    const c = s.claims[0];
    assert.equal(c.session, 'session-x');
    assert.equal(c.path, 'infra:homelab-prod');
    assert.equal(c.mode, 'shared');
    for (const k of ['started', 'eta', 'expires']) assert.match(c[k], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/, k);
    assert.equal(s.releases.length, 4, 'the seed releases plus its two claims that expired long ago');
    assert.ok(s.releases.every((x: { session: string; path: string; at: string }) => x.session && x.path && x.at));
    assert.equal(s.notes[0].text.startsWith("Don't run"), true);
    assert.ok(s.problems.some((p: { line: number; message: string }) => p.message.startsWith('second "Active claims"')));
    assert.ok(s.problems.some((p: { line: number; message: string }) => /not a claim/.test(p.message) && p.line > 0));
  });

  it('bad input exits 2 with one line and writes nothing', async () => {
    await cb(['--session', 'session-a', 'claim', 'repo/a']);
    const before = fs.readFileSync(board, 'utf8');
    const bad: string[][] = [
      ['--session', 'session-b', 'claim', 'repo/b', '--eta', 'soonish'],
      ['--session', 'session-b', 'claim', 'repo/b', '--ttl', '0m'],
      ['--session', 'session-b', 'claim', 'repo/b', '--wait', 'x'],
      ['--session', 'session-b', 'claim', 'repo/x — eta 10:00\n- session-z (started 1:00) — all'],
      ['--session', 'session b', 'claim', 'repo/b'],
      ['--session', 'session-b', 'claim', 'repo/b', '--bogus'],
      ['--session', 'session-b', 'claim', 'repo/b', '--reason', 'two\nlines'],
      ['--session', 'session-b', 'release'],
      ['note', 'remove', '7'],
      ['frobnicate'],
    ];
    for (const args of bad) {
      const r = await cb(args);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code} ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, /^claimboard: /);
    }
    assert.equal(fs.readFileSync(board, 'utf8'), before);
  });

  it('the session comes from CLAIMBOARD_SESSION too', async () => {
    const r = await cb(['claim', 'repo/env'], { CLAIMBOARD_SESSION: 'session-env' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(board, 'utf8'), /- session-env \(started/);
  });

  it('--wait waits for the holder to release, then claims', async () => {
    await cb(['--session', 'session-a', 'claim', 'repo/q']);
    ensureBuilt();
    const child = spawn(process.execPath, [CLI, '--board', board, '--session', 'session-b', 'claim', 'repo/q', '--wait', '30s'], { cwd: dir, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The waiter says it is blocked before it waits: proof it tried and was refused, not a race.
    while (!/repo\/q is held by session-a.*; waiting up to 30s/.test(stderr)) {
      assert.equal(child.exitCode, null, `the waiter ended before waiting: ${stdout}${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.doesNotMatch(fs.readFileSync(board, 'utf8'), /- session-b /, 'nothing granted while held');
    const rel = await cb(['--session', 'session-a', 'release', 'repo/q']);
    assert.equal(rel.code, 0);
    assert.equal(await done, 0, stderr);
    assert.match(stdout, /claimed session-b\s+repo\/q/);
  });

  it('--wait gives up with exit 3 when the time passes', async () => {
    await cb(['--session', 'session-a', 'claim', 'repo/q']);
    const r = await cb(['--session', 'session-b', 'claim', 'repo/q', '--wait', '1s']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /held by session-a/);
  });

  it('--force takes over and the board records it', async () => {
    await cb(['--session', 'session-a', 'claim', 'repo/q']);
    const r = await cb(['--session', 'me', 'claim', 'repo/q', '--force']);
    assert.equal(r.code, 0, r.stderr);
    const text = fs.readFileSync(board, 'utf8');
    assert.match(text, /- me \(started .*\) — repo\/q — .* — taken over from session-a/);
    assert.match(text, /— session-a — repo\/q — taken over by me/);
  });

  it('note add / remove and prune', async () => {
    assert.equal((await cb(['note', 'add', 'deploy', 'freeze', 'until', 'Friday'])).code, 0);
    const s = JSON.parse((await cb(['--json', 'status'])).stdout);
    assert.deepEqual(
      s.notes.map((n: { text: string }) => n.text),
      ['deploy freeze until Friday'],
    );
    assert.equal((await cb(['note', 'remove', '1'])).code, 0);
    await cb(['--session', 'session-a', 'claim', 'repo/short', '--ttl', '1s']);
    // Until the lease written on the board has passed, not a guessed sleep.
    const until = new Date(must(/repo\/short — .*lease until (\S+)/.exec(fs.readFileSync(board, 'utf8'))?.[1], 'the lease of repo/short')).getTime();
    while (Date.now() <= until) await new Promise((r) => setTimeout(r, 50));
    const p = await cb(['prune']);
    assert.match(p.stdout, /expired session-a repo\/short/);
    assert.match(fs.readFileSync(board, 'utf8'), /— session-a — repo\/short — expired — no heartbeat/);
  });

  it('inside a Claude session: the claim records CLAUDE_PID, and the session is found from CLAUDE_CODE_SESSION_ID', async () => {
    await cb(['--session', 'session-c', 'start', '--repo', 'repo', '--task', 'x']);
    // `start` registers no Claude id: add it as the SessionStart hook would have.
    const text = fs.readFileSync(board, 'utf8').replace(/- session-c \(started ([^)]+)\)/, '- session-c (started $1) — claude 1111-2222');
    fs.writeFileSync(board, text);
    const r = await cb(['claim', 'repo/bash-claim'], { CLAUDE_CODE_SESSION_ID: '1111-2222', CLAUDE_PID: String(process.pid) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(board, 'utf8'), new RegExp(`- session-c \\(started .*\\) — repo/bash-claim — .* — pid ${process.pid}@`));
    const none = await cb(['claim', 'repo/other'], { CLAUDE_CODE_SESSION_ID: 'unknown-id' });
    assert.equal(none.code, 2);
  });

  it('end releases everything in one write and marks the session ended', async () => {
    await cb(['--session', 'session-e', 'start', '--repo', 'repo']);
    await cb(['--session', 'session-e', 'claim', 'repo/a', 'repo/b']);
    const r = await cb(['--session', 'session-e', 'end']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse((await cb(['--json', 'status'])).stdout);
    assert.equal(s.claims.length, 0);
    assert.deepEqual(s.releases.map((x: { path: string }) => x.path).sort(), ['repo/a', 'repo/b']);
    assert.ok(s.sessions.find((x: { name: string; ended: string | null }) => x.name === 'session-e').ended);
  });
});
