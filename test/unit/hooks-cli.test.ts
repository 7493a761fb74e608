/**
 * Each `claimboard hook <event>` through the real CLI process, as Claude Code runs it: the
 * payload (typed with the official SDK types) on stdin, the decision on stdout, the exit code.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatIsoLocal } from '../../src/core/duration';
import { must } from '../../src/core/errors';
import type { PostToolUseHookInput, PreToolUseHookInput, SessionEndHookInput, SessionStartHookInput, SyncHookJSONOutput, UserPromptSubmitHookInput } from '@anthropic-ai/claude-agent-sdk' with {
  'resolution-mode': 'import',
};
import lockfile from 'proper-lockfile';
import { runClaimboard } from '../support/model-server';

interface Fixture {
  dir: string;
  repo: string;
  board: string;
}

function fixture(): Fixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-hooks-'));
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'docs'), { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  fs.writeFileSync(path.join(repo, 'src/a.ts'), 'a\n');
  fs.writeFileSync(path.join(repo, 'docs/readme.md'), 'r\n');
  return { dir, repo, board: path.join(dir, 'board.md') };
}

const base = (f: Fixture, sessionId: string) => ({ session_id: sessionId, transcript_path: path.join(f.dir, 't.jsonl'), cwd: f.repo, permission_mode: 'acceptEdits' });

function start(f: Fixture, sessionId: string, extra: Partial<SessionStartHookInput> = {}): SessionStartHookInput {
  return { ...base(f, sessionId), hook_event_name: 'SessionStart', source: 'startup', ...extra };
}
function edit(f: Fixture, sessionId: string, file: string): PreToolUseHookInput {
  return { ...base(f, sessionId), hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: path.join(f.repo, file), old_string: 'a', new_string: 'b' }, tool_use_id: 'toolu_1' };
}
function bash(f: Fixture, sessionId: string, command: string): PreToolUseHookInput {
  return { ...base(f, sessionId), hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_2' };
}
function post(f: Fixture, sessionId: string): PostToolUseHookInput {
  return { ...base(f, sessionId), hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: {}, tool_response: {}, tool_use_id: 'toolu_3' };
}
function prompt(f: Fixture, sessionId: string): UserPromptSubmitHookInput {
  return { ...base(f, sessionId), hook_event_name: 'UserPromptSubmit', prompt: 'go on' };
}
function end(f: Fixture, sessionId: string): SessionEndHookInput {
  return { ...base(f, sessionId), hook_event_name: 'SessionEnd', reason: 'other' };
}

async function hook(f: Fixture, event: string, payload: unknown, env: Record<string, string> = {}) {
  const input = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const r = await runClaimboard(['--board', f.board, 'hook', event], { input, env, cwd: f.repo });
  let json: SyncHookJSONOutput | undefined;
  if (r.stdout.trim()) json = JSON.parse(r.stdout) as SyncHookJSONOutput;
  return { ...r, json };
}

function decision(json: SyncHookJSONOutput | undefined): { decision?: string; reason?: string } {
  const h = json?.hookSpecificOutput;
  if (!h || h.hookEventName !== 'PreToolUse') return {};
  return { decision: h.permissionDecision, reason: h.permissionDecisionReason };
}

/** A pid that certainly belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('claimboard hook <event> through the CLI process', function () {
  this.timeout(60_000);

  it('session-start names the session, registers it, writes CLAUDE_ENV_FILE and puts the board into context', async () => {
    const f = fixture();
    const envFile = path.join(f.dir, 'env.sh');
    fs.writeFileSync(envFile, 'export OTHER_HOOK=1\n');
    const a = await hook(f, 'session-start', start(f, 'uuid-a', { session_title: 'fix the parser' }), { CLAUDE_ENV_FILE: envFile, CLAUDE_PID: String(process.pid) });
    assert.equal(a.code, 0, a.stderr);
    const ctx = a.json?.hookSpecificOutput?.hookEventName === 'SessionStart' ? a.json.hookSpecificOutput.additionalContext : '';
    assert.match(ctx ?? '', /You are session-a/);
    assert.match(ctx ?? '', /claimboard claim/);
    assert.equal(fs.readFileSync(envFile, 'utf8').split('\n')[0], 'export OTHER_HOOK=1', 'appended, not replaced');
    assert.match(fs.readFileSync(envFile, 'utf8'), /^export CLAIMBOARD_SESSION=session-a$/m);
    assert.doesNotMatch(fs.readFileSync(envFile, 'utf8'), /PID/, 'Claude Code gives Bash CLAUDE_PID itself');
    const board = fs.readFileSync(f.board, 'utf8');
    assert.match(board, /^- session-a \(started [^)]+\) — repo: repo — task: fix the parser — claude uuid-a — pid \d+@/m);

    // A second session gets the next letter and sees what the first holds.
    await runClaimboard(['--board', f.board, '--session', 'session-a', 'claim', 'src/a.ts'], { cwd: f.repo });
    const note = await runClaimboard(['--board', f.board, 'note', 'add', 'No terraform apply on homelab-prod today'], { cwd: f.repo });
    assert.equal(note.code, 0, note.stderr);
    const b = await hook(f, 'session-start', start(f, 'uuid-b'));
    const ctxB = b.json?.hookSpecificOutput?.hookEventName === 'SessionStart' ? b.json.hookSpecificOutput.additionalContext : '';
    assert.match(ctxB ?? '', /You are session-b/);
    assert.match(ctxB ?? '', /session-a: repo\/src\/a\.ts/);
    assert.match(ctxB ?? '', /Pinned notes:\n- No terraform apply on homelab-prod today/);

    // Resume / compact of the same session_id: the same name, one Sessions line.
    const again = await hook(f, 'session-start', start(f, 'uuid-a', { source: 'compact' }));
    const ctxAgain = again.json?.hookSpecificOutput?.hookEventName === 'SessionStart' ? again.json.hookSpecificOutput.additionalContext : '';
    assert.match(ctxAgain ?? '', /You are session-a/);
    assert.match(fs.readFileSync(f.board, 'utf8'), /^- session-a \(started [^)]+\) — repo: repo — task: fix the parser — claude uuid-a/m, 'the task survives a compact');
    assert.equal(fs.readFileSync(f.board, 'utf8').match(/^- session-a \(started \d{4}-/gm)?.length, 1, 'one Sessions line');

    // CLAIMBOARD_SESSION overrides the letter.
    const named = await hook(f, 'session-start', start(f, 'uuid-c'), { CLAIMBOARD_SESSION: 'alice' });
    assert.match(JSON.stringify(named.json), /You are alice/);
  });

  it('pre-tool-use denies an Edit of a path someone else holds, naming holder, claim and ETA', async () => {
    const f = fixture();
    const c = await runClaimboard(['--board', f.board, '--session', 'session-a', 'claim', 'src/**', '--eta', '45m'], { cwd: f.repo });
    assert.equal(c.code, 0, c.stderr);
    await hook(f, 'session-start', start(f, 'uuid-b'));
    const r = await hook(f, 'pre-tool-use', edit(f, 'uuid-b', 'src/a.ts'));
    assert.equal(r.code, 0);
    const d = decision(r.json);
    assert.equal(d.decision, 'deny');
    assert.match(d.reason ?? '', /src\/a\.ts is claimed by session-a \(claim: repo\/src\/\*\*, eta \d\d:\d\d, lease until \d\d:\d\d\)/);
    assert.match(d.reason ?? '', /you are session-b/);
    assert.match(d.reason ?? '', /pick other work|claimboard ask/);
  });

  it('pre-tool-use allows a free file, silently, and claims it for the session on the board', async () => {
    const f = fixture();
    await hook(f, 'session-start', start(f, 'uuid-b'));
    const r = await hook(f, 'pre-tool-use', edit(f, 'uuid-b', 'docs/readme.md'), { CLAUDE_PID: String(process.pid) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'no decision: the normal permission flow goes on');
    assert.match(fs.readFileSync(f.board, 'utf8'), /^- session-a \(started [^)]+\) — repo\/docs\/readme\.md — .*reason: auto: Edit — pid \d+@/m);
    // The holder itself may go on editing its own file.
    const again = await hook(f, 'pre-tool-use', edit(f, 'uuid-b', 'docs/readme.md'));
    assert.equal(again.stdout, '');
    assert.equal(fs.readFileSync(f.board, 'utf8').match(/repo\/docs\/readme\.md/g)?.length, 1, 'claimed once');
  });

  it('pre-tool-use on Bash denies writes to held files and allows the rest', async () => {
    const f = fixture();
    await runClaimboard(['--board', f.board, '--session', 'session-a', 'claim', 'src/a.ts', 'infra:homelab-prod'], { cwd: f.repo });
    const cases: [string, boolean][] = [
      ["sed -i 's/a/b/' src/a.ts", true],
      ['echo x >> src/a.ts', true],
      ['git checkout -- src', true],
      ['rm -rf src', true],
      ['cd src && cat a.ts', false],
      ['ls -la src', false],
      ['echo x > docs/new.md', false],
      ['terraform -chdir=envs/homelab-prod apply', true],
      ['terraform -chdir=envs/homelab-prod plan', false],
    ];
    for (const [command, denied] of cases) {
      const r = await hook(f, 'pre-tool-use', bash(f, 'uuid-b', command));
      assert.equal(r.code, 0);
      assert.equal(decision(r.json).decision, denied ? 'deny' : undefined, command);
      if (denied) assert.match(decision(r.json).reason ?? '', /claimed by session-a/);
    }
    // `git add -A` with a held file changed in the working tree.
    fs.writeFileSync(path.join(f.repo, 'src/a.ts'), 'changed\n');
    const add = await hook(f, 'pre-tool-use', bash(f, 'uuid-b', 'git add -A && git commit -m wip'));
    assert.equal(decision(add.json).decision, 'deny');
    assert.match(decision(add.json).reason ?? '', /git add -A/);
    assert.doesNotMatch(fs.readFileSync(f.board, 'utf8'), /docs\/new\.md/, 'Bash targets are guarded, not auto-claimed');
  });

  it('pre-tool-use on Bash denies the git, download, archive, wrapper and hard-to-lex forms that write a held file', async () => {
    const f = fixture();
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'root'], { cwd: f.repo });
    await runClaimboard(['--board', f.board, '--session', 'session-a', 'claim', 'src/a.ts'], { cwd: f.repo });
    fs.writeFileSync(path.join(f.repo, 'src/a.ts'), 'session-a was here\n');
    const denied = [
      'git checkout src/a.ts',
      'git checkout HEAD src/a.ts',
      'git checkout -f',
      'git checkout -f main',
      'git switch -f main',
      'git stash -- src/a.ts',
      'git reset --quiet --hard',
      'curl -o src/a.ts https://example.invalid/a',
      'wget -O src/a.ts https://example.invalid/a',
      'sort -o src/a.ts src/a.ts',
      'tar -xf /tmp/a.tar',
      'unzip -o /tmp/a.zip',
      "ex -sc '%s/a/b/|wq' src/a.ts",
      'busybox rm src/a.ts',
      "eval 'rm src/a.ts'",
      'rm "$PWD/src/a.ts"',
      "echo $'it\\'s' > src/a.ts",
      "echo ${x:-'}'} > src/a.ts",
      'sudo -n rm -f src/a.ts',
      'sudo -k rm src/a.ts',
      'sudo -s rm src/a.ts',
      'cd src && curl -sSLO https://example.invalid/dist/a.ts',
      'wget -P src https://example.invalid/a.ts',
      "find src -name '*.ts' -delete",
      'find . -type f -exec sed -i s/a/b/ {} +',
      "find src -name '*.ts' -print0 | xargs -0 rm -f",
    ];
    for (const command of denied) {
      const r = await hook(f, 'pre-tool-use', bash(f, 'uuid-b', command));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(decision(r.json).decision, 'deny', command);
      assert.match(decision(r.json).reason ?? '', /claimed by session-a/, command);
    }
    assert.match(decision((await hook(f, 'pre-tool-use', bash(f, 'uuid-b', 'git reset --quiet --hard'))).json).reason ?? '', /`git reset --hard`/);
    const allowed = [
      'git checkout -b feature',
      'git switch main',
      'curl -o docs/page.html https://example.invalid',
      'tar -tf /tmp/a.tar',
      "echo $'it\\'s' > docs/x",
      'curl -O https://example.invalid/b.ts',
      "find docs -name '*.pyc' -delete",
      "find src -name '*.ts' | xargs grep -n TODO",
    ];
    for (const command of allowed) {
      const r = await hook(f, 'pre-tool-use', bash(f, 'uuid-b', command));
      assert.equal(decision(r.json).decision, undefined, command);
    }
  });

  it('post-tool-use and user-prompt-submit renew each lease by its own length, writing the board at most once a minute', async () => {
    const f = fixture();
    await hook(f, 'session-start', start(f, 'uuid-a'));
    await runClaimboard(['--board', f.board, '--session', 'session-a', 'claim', 'src/a.ts', '--ttl', '5m'], { cwd: f.repo });
    const leaseOf = () => new Date(must(/lease until (\S+)/.exec(fs.readFileSync(f.board, 'utf8'))?.[1], 'the lease')).getTime();
    // The lease was last set two minutes ago (its line as a write two minutes ago left it): a heartbeat is due.
    const aged = new Date(Date.now() + 3 * 60_000);
    fs.writeFileSync(f.board, fs.readFileSync(f.board, 'utf8').replace(/lease until \S+/, `lease until ${formatIsoLocal(aged)}`));
    const r = await hook(f, 'post-tool-use', post(f, 'uuid-a'));
    assert.equal(r.code, 0, r.stderr);
    const gained = leaseOf() - aged.getTime();
    assert.ok(gained > 60_000 && gained <= 2 * 60_000 + 5_000, `renewed to now + 5 min, not the 60 min default: gained ${gained} ms`);
    assert.match(fs.readFileSync(f.board, 'utf8'), /— ttl 5min/, 'the claim keeps its own lease length');
    const text = fs.readFileSync(f.board, 'utf8');
    for (const payload of [post(f, 'uuid-a'), prompt(f, 'uuid-a')]) {
      const again = await hook(f, payload.hook_event_name === 'PostToolUse' ? 'post-tool-use' : 'user-prompt-submit', payload);
      assert.equal(again.code, 0);
      assert.equal(again.stdout, '');
    }
    assert.equal(fs.readFileSync(f.board, 'utf8'), text, 'no second write within the minute');
  });

  it('session-end releases everything the session holds and marks it ended', async () => {
    const f = fixture();
    await hook(f, 'session-start', start(f, 'uuid-a'));
    await hook(f, 'pre-tool-use', edit(f, 'uuid-a', 'src/a.ts'));
    await hook(f, 'pre-tool-use', edit(f, 'uuid-a', 'docs/readme.md'));
    assert.equal(fs.readFileSync(f.board, 'utf8').match(/^- session-a \(started \d\d:\d\d\)/gm)?.length, 2);
    const r = await hook(f, 'session-end', end(f, 'uuid-a'));
    assert.equal(r.code, 0, r.stderr);
    const board = fs.readFileSync(f.board, 'utf8');
    assert.doesNotMatch(must(board.split('## Recent releases')[0], 'the active claims'), /session-a \(started \d\d:\d\d\)/, 'no active claims left');
    assert.match(board, /— session-a — repo\/src\/a\.ts — done/);
    assert.match(board, /— session-a — repo\/docs\/readme\.md — done/);
    assert.match(board, /^- session-a \(started [^)]+\) — .* — ended \S+$/m);
    // Another session may now take the letter.
    const b = await hook(f, 'session-start', start(f, 'uuid-new'));
    assert.match(JSON.stringify(b.json), /You are session-a/);
  });

  it('bad input allows with a one-line message on stderr; an unreadable board denies with the fix', async () => {
    const f = fixture();
    for (const [event, input] of [
      ['pre-tool-use', '{not json'],
      ['pre-tool-use', '{"cwd":"/x"}'],
      ['no-such-event', '{}'],
      ['session-start', ''],
    ] as const) {
      const r = await hook(f, event, input);
      assert.equal(r.code, 0, `${event} ${input}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^claimboard hook.*: .*(allowing|not JSON)/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    const broken = { ...f, board: path.join(f.dir, 'a-directory') };
    fs.mkdirSync(broken.board);
    const r = await hook(broken, 'pre-tool-use', edit(f, 'uuid-b', 'src/a.ts'));
    assert.equal(r.code, 0);
    const d = decision(r.json);
    assert.equal(d.decision, 'deny');
    assert.match(d.reason ?? '', /could not check the board .*a-directory: .*Fix or move the board file/);
    // Tools that write nothing are not even checked against a broken board.
    const read = await hook(broken, 'pre-tool-use', { ...edit(f, 'uuid-b', 'src/a.ts'), tool_name: 'Read' });
    assert.equal(read.stdout, '');
  });

  it('liveness: a claim whose Claude process is gone on this host stops blocking at once and is moved to releases', async () => {
    const f = fixture();
    await hook(f, 'session-start', start(f, 'uuid-a'), { CLAUDE_PID: String(deadPid()) });
    const dead = deadPid();
    const a = await hook(f, 'pre-tool-use', edit(f, 'uuid-a', 'src/a.ts'), { CLAUDE_PID: String(dead) });
    assert.equal(a.stdout, '');
    assert.match(fs.readFileSync(f.board, 'utf8'), new RegExp(`repo/src/a\\.ts — .*pid ${dead}@`));
    await hook(f, 'session-start', start(f, 'uuid-b'));
    const b = await hook(f, 'pre-tool-use', edit(f, 'uuid-b', 'src/a.ts'), { CLAUDE_PID: String(process.pid) });
    assert.equal(b.stdout, '', `allowed: ${b.stdout}`);
    const board = fs.readFileSync(f.board, 'utf8');
    assert.match(board, /— session-a — repo\/src\/a\.ts — expired — holder process gone/);
    assert.match(board, /^- session-b \(started \d\d:\d\d\) — repo\/src\/a\.ts/m);
  });

  it('a board lock held too long: the edit goes on unclaimed, with a message, and the process does not linger', async () => {
    const f = fixture();
    await hook(f, 'session-start', start(f, 'uuid-a'));
    const unlock = await lockfile.lock(f.board, { realpath: false, stale: 5_000, update: 1_000 });
    try {
      const before = fs.readFileSync(f.board, 'utf8');
      const r = await hook(f, 'pre-tool-use', edit(f, 'uuid-a', 'src/a.ts'));
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /could not record the claim \(the board .*board\.md is locked by another process .* within 4 s.*\); the edit goes on unclaimed/);
      assert.equal(fs.readFileSync(f.board, 'utf8'), before, 'no late claim written after giving up');
    } finally {
      await unlock();
    }
  });

  it('four sessions editing the same free file at once: exactly one gets it, the others are denied naming it', async () => {
    const f = fixture();
    const ids = ['uuid-1', 'uuid-2', 'uuid-3', 'uuid-4'];
    for (const id of ids) await hook(f, 'session-start', start(f, id));
    const results = await Promise.all(ids.map((id) => hook(f, 'pre-tool-use', edit(f, id, 'src/a.ts'))));
    const allowed = results.filter((r) => r.stdout === '');
    const denied = results.filter((r) => decision(r.json).decision === 'deny');
    assert.equal(allowed.length, 1, JSON.stringify(results.map((r) => r.stdout + r.stderr)));
    assert.equal(denied.length, 3);
    const board = fs.readFileSync(f.board, 'utf8');
    const holders = board.match(/^- (session-[a-d]) \(started \d\d:\d\d\) — repo\/src\/a\.ts/gm) ?? [];
    assert.equal(holders.length, 1, board);
    const holder = /^- (session-[a-d])/.exec(holders[0])![1];
    for (const d of denied) assert.match(decision(d.json).reason ?? '', new RegExp(`claimed by ${holder}`));
  });
});
