/**
 * Leases that keep their word, through the built CLI and hook processes: bounded durations,
 * a claim's own lease length, CLAIMBOARD_TTL, ETAs past the lease, short times after midnight,
 * and one session-name rule.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, cleanEnv, ensureBuilt, runCli, tempDir } from '../support/cli';
import { must } from '../../src/core/errors';
import { formatClock } from '../../src/core/duration';

const FORMS = '90s, 30m, 30min, 1h30m, 2h, 1d';

describe('leases that keep their word (real processes)', function () {
  this.timeout(60_000);
  let dir: string;
  let board: string;
  // UTC unless a test says otherwise: the expected times below are computed in the same zone.
  const cb = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['--board', board, ...args], { cwd: dir, env: cleanEnv({ TZ: 'UTC', ...env }) });
  const hook = (event: string, payload: object, env: NodeJS.ProcessEnv = {}) =>
    runCli(['--board', board, 'hook', event], { cwd: dir, env: cleanEnv({ TZ: 'UTC', ...env }), input: JSON.stringify(payload) });
  const base = (id: string) => ({ session_id: id, transcript_path: path.join(dir, 't.jsonl'), cwd: dir, permission_mode: 'acceptEdits' });
  const text = () => fs.readFileSync(board, 'utf8');
  const lineOf = (key: string) =>
    text()
      .split('\n')
      .find((l) => l.includes(` — ${key} — `) && /\(started /.test(l)) ?? '';
  const leaseOf = (key: string) => new Date(must(/lease until (\S+)/.exec(lineOf(key))?.[1], `the lease of ${key}`)).getTime();

  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
    board = path.join(dir, 'coordination.md');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('durations outside the documented bounds exit 2 with one line naming the accepted forms, and write nothing', async () => {
    assert.equal((await cb(['--session', 'session-a', 'claim', 'repo/a'])).code, 0);
    const before = text();
    const bad: [string[], NodeJS.ProcessEnv?][] = [
      [['claim', 'repo/b', '--ttl', '100000000d']],
      [['claim', 'repo/b', '--ttl', '300000d']],
      [['claim', 'repo/b', '--ttl', '8d']],
      [['claim', 'repo/b', '--ttl', '1ms']],
      [['claim', 'repo/b', '--eta', '99999999999h']],
      [['claim', 'repo/b', '--eta', '8d']],
      [['claim', 'repo/b', '--eta', '9999-12-31']],
      [['claim', 'repo/b', '--wait', '100000000d']],
      [['renew', '--ttl', '100000000d']],
      [['claim', 'repo/b'], { CLAIMBOARD_TTL: '100000000d' }],
      [['renew'], { CLAIMBOARD_TTL: 'soon' }],
    ];
    for (const [args, env] of bad) {
      const r = await cb(['--session', 'session-a', ...args], env);
      const what = `${args.join(' ')} ${JSON.stringify(env ?? {})}`;
      assert.equal(r.code, 2, `${what} → ${r.code} ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.ok(r.stderr.includes(FORMS), `${what} names the forms: ${r.stderr}`);
      if (env?.CLAIMBOARD_TTL) assert.match(r.stderr, /CLAIMBOARD_TTL/, 'the setting is named');
    }
    assert.equal(text(), before, 'nothing written');
    assert.doesNotMatch(text(), /NaN/);
  });

  it('the longest lease is taken and ends within its bound; a one-second lease is recorded', async () => {
    const r = await cb(['--session', 'session-a', '--json', 'claim', 'repo/long', '--ttl', '7d']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(lineOf('repo/long'), /— ttl 7d(?: |$)/);
    const ahead = leaseOf('repo/long') - Date.now();
    assert.ok(ahead > 6 * 86_400_000 && ahead <= 7 * 86_400_000, `lease ${ahead} ms ahead`);
    const short = await cb(['--session', 'session-a', 'claim', 'repo/short', '--ttl', '1s']);
    assert.equal(short.code, 0, short.stderr);
    assert.match(lineOf('repo/short'), /— ttl 1s(?: |$)/);
  });

  it('a hand-written claim with an impossible ETA is reported as a problem, never written as NaN', async () => {
    // Started now: a bad ETA leaves the claim the default lease from its start, so a fixed
    // "started 10:00" made this test fail every day from 11:00 (the claim had ended by then).
    const started = formatClock(new Date());
    fs.writeFileSync(board, `# Claude Session Coordination Board\n\n## Active claims\n\n- session-z (started ${started}) — repo/h — eta 99999999999h\n`);
    assert.equal((await cb(['--session', 'session-a', 'claim', 'repo/other'])).code, 0);
    assert.doesNotMatch(text(), /NaN/);
    const s = JSON.parse((await cb(['--json', 'status'])).stdout);
    assert.ok(
      s.problems.some((p: { message: string }) => /bad eta "99999999999h"/.test(p.message)),
      JSON.stringify(s.problems),
    );
  });

  it('a claim keeps its own lease length: on its line, through renew and the heartbeat hook', async () => {
    assert.equal((await cb(['--session', 'session-a', 'claim', 'repo/t', '--ttl', '20s'])).code, 0);
    assert.match(lineOf('repo/t'), /— ttl 20s(?: |$)/);
    const renew = await cb(['--session', 'session-a', '--json', 'renew']);
    assert.equal(renew.code, 0, renew.stderr);
    const renewed = JSON.parse(renew.stdout).renewed;
    assert.equal(renewed.length, 1, renew.stdout);
    assert.equal(renewed[0].ttl, '20s');
    assert.ok(new Date(renewed[0].expires).getTime() - Date.now() <= 20_000, `renewed by 20 s, not the default: ${renewed[0].expires}`);
    // The heartbeat (post-tool-use) of the same session, in another process, renews by the same length.
    const beat = await hook(
      'post-tool-use',
      { ...base('uuid-a'), hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: {}, tool_response: {}, tool_use_id: 't' },
      { CLAIMBOARD_SESSION: 'session-a' },
    );
    assert.equal(beat.code, 0, beat.stderr);
    assert.match(lineOf('repo/t'), /— ttl 20s(?: |$)/);
    assert.ok(leaseOf('repo/t') - Date.now() <= 20_000, 'the heartbeat kept the claim to its 20 s');
  });

  it('a lease that ended says so with its own length, on the board', async () => {
    assert.equal((await cb(['--session', 'session-a', 'claim', 'repo/gone', '--ttl', '1s'])).code, 0);
    const until = leaseOf('repo/gone');
    while (Date.now() <= until) await new Promise((r) => setTimeout(r, 50));
    const p = await cb(['prune']);
    assert.match(p.stdout, /expired session-a repo\/gone/);
    assert.match(text(), /— session-a — repo\/gone — expired — no heartbeat for 1s$/m);
  });

  it('CLAIMBOARD_TTL is the default lease of claim and renew, as it is of the hooks', async () => {
    const r = await cb(['--session', 'session-a', 'claim', 'repo/e'], { CLAIMBOARD_TTL: '2h' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(lineOf('repo/e'), /— ttl 2h(?: |$)/);
    const ahead = leaseOf('repo/e') - Date.now();
    assert.ok(ahead > 110 * 60_000 && ahead <= 120 * 60_000, `lease ${ahead} ms ahead`);
    // A hook with a bad value says so in the same words as the CLI, and goes on.
    const cli = await cb(['--session', 'session-a', 'claim', 'repo/f'], { CLAIMBOARD_TTL: 'soon' });
    const reason = cli.stderr.trim().replace(/^claimboard: /, '');
    const h = await hook('post-tool-use', { ...base('uuid-a'), hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: {}, tool_response: {}, tool_use_id: 't' }, { CLAIMBOARD_TTL: 'soon' });
    assert.equal(h.code, 0);
    assert.ok(h.stderr.includes(reason), `${h.stderr} includes ${reason}`);
  });

  it('an ETA later than the lease: the lease reaches it, and its day is shown', async () => {
    const now = new Date();
    const eta = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 19, 45));
    const day = eta.toISOString().slice(0, 10);
    const r = await cb(['--session', 'session-a', 'claim', 'repo/late', '--eta', `${day}T19:45:00Z`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`eta ${day} 19:45`), 'the terminal shows the day');
    assert.match(lineOf('repo/late'), new RegExp(`— eta ${day} 19:45 —`), 'the board shows the day');
    assert.ok(leaseOf('repo/late') >= eta.getTime(), 'the lease lasts until the ETA');
    const held = await cb(['--session', 'session-b', 'claim', 'repo/late']);
    assert.equal(held.code, 3);
    assert.match(held.stderr, new RegExp(`eta ${day} 19:45`));
  });

  it('renew --ttl shorter than the lease says what happened', async () => {
    assert.equal((await cb(['--session', 'ttl', 'claim', 'repo/r', '--ttl', '2h'])).code, 0);
    const before = lineOf('repo/r');
    const r = await cb(['--session', 'ttl', 'renew', '--ttl', '5m']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /holds no claims/);
    assert.match(r.stdout, /^unchanged repo\/r: its lease already runs until \d\d:\d\d, past 5min from now$/m);
    assert.equal(lineOf('repo/r'), before);
  });

  it('a claim written by hand minutes after midnight, with Last updated still yesterday, is live', async () => {
    // A zone where it is now between 00:00 and 00:59.
    const utcHour = new Date().getUTCHours();
    const east = (24 - utcHour) % 24;
    const tz = east === 0 ? 'Etc/UTC' : east <= 14 ? `Etc/GMT-${east}` : `Etc/GMT+${24 - east}`;
    const offsetH = east <= 14 ? east : east - 24;
    const local = new Date(Date.now() + offsetH * 3_600_000);
    assert.equal(local.getUTCHours(), 0, `${tz} is just after midnight`);
    const hhmm = `00:${String(local.getUTCMinutes()).padStart(2, '0')}`;
    const sign = offsetH >= 0 ? '+' : '-';
    const off = `${sign}${String(Math.abs(offsetH)).padStart(2, '0')}:00`;
    const yesterday = new Date(local.getTime() - 86_400_000).toISOString().slice(0, 10);
    fs.writeFileSync(
      board,
      ['# Claude Session Coordination Board', '', `Last updated: ${yesterday}T23:40:00${off}`, '', '## Active claims', '', `- session-h (started ${hhmm}) — repo/midnight`, ''].join('\n'),
    );
    const r = await cb(['--session', 'session-b', 'claim', 'repo/midnight'], { TZ: tz });
    assert.equal(r.code, 3, `written minutes ago, still held: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /held by session-h/);
  });

  it('in New York, claims made by the CLI in the first 1 a.m. hour of the autumn change read back at their start and ETA', () => {
    ensureBuilt();
    // The CLI process itself runs at 01:20 EDT on 2026-11-01 (05:20Z), an hour before 01:20 EST.
    const at = (now: string, args: string[]) =>
      spawnSync(process.execPath, ['--require', path.join(__dirname, '..', 'support', 'shifted-clock.cjs'), CLI, '--board', board, '--json', ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: cleanEnv({ TZ: 'America/New_York', CLAIMBOARD_TEST_NOW: now }),
      });
    const claimed = at('2026-11-01T05:20:00Z', ['--session', 'session-a', 'claim', 'repo/dst', '--eta', '45m']);
    assert.equal(claimed.status, 0, claimed.stderr);
    const status = at('2026-11-01T05:21:00Z', ['status']);
    const c = JSON.parse(status.stdout).claims.find((x: { path: string }) => x.path === 'repo/dst');
    assert.ok(c, status.stdout);
    assert.equal(c.started.slice(0, 16), '2026-11-01T01:20', `start ${c.started}`);
    assert.equal(new Date(c.started).toISOString().slice(0, 16), '2026-11-01T05:20', `the first 01:20 (EDT): ${c.started}`);
    assert.equal(new Date(c.eta).toISOString().slice(0, 16), '2026-11-01T06:05', `eta 01:05 EST, not a day later: ${c.eta}`);
  });

  it('CLAIMBOARD_SESSION=alice@laptop names the session in the hooks as in the CLI; a refused name is refused by both with the same reason', async () => {
    const start = (id: string, env: NodeJS.ProcessEnv) => hook('session-start', { ...base(id), hook_event_name: 'SessionStart', source: 'startup' }, env);
    const s = await start('uuid-1', { CLAIMBOARD_SESSION: 'alice@laptop' });
    assert.equal(s.code, 0, s.stderr);
    assert.match(text(), /^- alice@laptop \(started /m);
    assert.doesNotMatch(text(), /^- session-a \(started /m, 'not silently renamed');
    const cli = await cb(['claim', 'repo/x'], { CLAIMBOARD_SESSION: 'alice@laptop' });
    assert.equal(cli.code, 0, cli.stderr);

    const before = text();
    const refused = await cb(['claim', 'repo/y'], { CLAIMBOARD_SESSION: 'alice laptop' });
    assert.equal(refused.code, 2);
    const reason = refused.stderr.trim().replace(/^claimboard: /, '');
    assert.match(reason, /^session name "alice laptop" may use/);
    const check = await cb(['check', 'repo/y'], { CLAIMBOARD_SESSION: 'alice laptop' });
    assert.deepEqual([check.code, check.stderr.trim()], [2, `claimboard: ${reason}`], 'check refuses it the same way');
    const hs = await start('uuid-2', { CLAIMBOARD_SESSION: 'alice laptop' });
    assert.ok(hs.stderr.includes(reason), `session-start says why: ${hs.stderr}`);
    const edit = await hook(
      'pre-tool-use',
      { ...base('uuid-2'), hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(dir, 'f.ts'), content: 'x' }, tool_use_id: 't' },
      { CLAIMBOARD_SESSION: 'alice laptop' },
    );
    const out = JSON.parse(edit.stdout).hookSpecificOutput;
    assert.equal(out.permissionDecision, 'deny');
    assert.ok(out.permissionDecisionReason.includes(reason), out.permissionDecisionReason);
    assert.equal(text(), before, 'no session registered under another name, nothing claimed');
  });
});
