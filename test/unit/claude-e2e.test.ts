/**
 * End to end through the REAL Claude Code CLI (offline, scripted model server): proves the
 * harness itself (hooks fire, a PreToolUse deny stops an Edit, CLAUDE_ENV_FILE reaches Bash)
 * before the claimboard hooks are tested through it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLAIMBOARD_CLI, ensureCliBuilt, runClaimboard, runClaude, startModelServer, type ModelServer } from '../support/model-server';
import { must } from '../../src/core/errors';

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('real Claude Code harness (scripted model)', function () {
  this.timeout(90_000);
  let srv: ModelServer | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('fires project hooks, a JSON deny stops an Edit, and CLAUDE_ENV_FILE reaches Bash', async () => {
    const dir = tempDir('cb-harness-');
    const home = path.join(dir, 'home');
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(home);
    fs.mkdirSync(path.join(ws, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'held.txt'), 'hello\n');
    fs.writeFileSync(path.join(ws, 'free.txt'), 'hello\n');
    const log = path.join(dir, 'events.log');
    // A trivial hook: logs every event, exports a name at SessionStart, denies edits of held.txt.
    const hook = path.join(dir, 'hook.js');
    fs.writeFileSync(
      hook,
      `const fs = require('fs'); let s = '';
process.stdin.on('data', (d) => (s += d)).on('end', () => {
  const j = JSON.parse(s);
  fs.appendFileSync(${JSON.stringify(log)}, j.hook_event_name + ' ' + (j.tool_name || '') + ' pid=' + process.env.CLAUDE_PID + '\\n');
  if (j.hook_event_name === 'SessionStart' && process.env.CLAUDE_ENV_FILE) fs.appendFileSync(process.env.CLAUDE_ENV_FILE, 'export HARNESS_NAME=session-z\\n');
  if (j.hook_event_name === 'PreToolUse' && String(j.tool_input.file_path || '').endsWith('held.txt'))
    process.stdout.write(JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'held.txt is held by session-q' } }));
});`,
    );
    const hooks = [{ type: 'command', command: `node ${hook}` }];
    const entry = [{ hooks }];
    fs.writeFileSync(
      path.join(ws, '.claude/settings.json'),
      JSON.stringify({
        hooks: {
          SessionStart: entry,
          SessionEnd: entry,
          PreToolUse: [{ matcher: 'Edit|Write|Bash', hooks }],
          PostToolUse: [{ matcher: 'Edit', hooks }],
        },
      }),
    );
    const held = path.join(ws, 'held.txt');
    const free = path.join(ws, 'free.txt');
    srv = await startModelServer([
      {
        tools: [
          { name: 'Read', input: { file_path: held } },
          { name: 'Read', input: { file_path: free } },
        ],
      },
      { tools: [{ name: 'Edit', input: { file_path: held, old_string: 'hello', new_string: 'bye' } }] },
      { tools: [{ name: 'Edit', input: { file_path: free, old_string: 'hello', new_string: 'bye' } }] },
      { tools: [{ name: 'Bash', input: { command: 'echo "name=$HARNESS_NAME"' } }] },
      { text: 'done' },
    ]);
    const run = await runClaude({ cwd: ws, home, modelUrl: srv.url, allowedTools: ['Bash'] });
    assert.equal(run.code, 0, run.stderr);

    assert.equal(fs.readFileSync(held, 'utf8'), 'hello\n', 'the denied edit must not land');
    assert.equal(fs.readFileSync(free, 'utf8'), 'bye\n', 'the allowed edit must land (baseline)');
    const results = srv.toolResults();
    const denied = results.find((r) => r.text.includes('held by session-q'));
    assert.ok(denied?.is_error, `Claude should see the deny reason, got ${JSON.stringify(results)}`);
    assert.ok(
      results.some((r) => r.text.trim() === 'name=session-z'),
      'CLAUDE_ENV_FILE export reaches Bash',
    );
    assert.deepEqual(
      run.result?.permission_denials?.map((d) => d.tool_name),
      ['Edit'],
    );

    const events = fs.readFileSync(log, 'utf8');
    assert.match(events, /^SessionStart {2}pid=\d+$/m);
    assert.match(events, /^PostToolUse Edit /m);
    assert.match(events, /^SessionEnd /m);
  });
});

describe('claimboard hooks in the real Claude Code CLI (installed by install-hooks --project)', function () {
  this.timeout(120_000);
  let srv: ModelServer | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('denies an Edit of a held file naming the holder, claims a free one, acts as the session in Bash, releases at the end', async () => {
    const dir = tempDir('cb-e2e-');
    const home = path.join(dir, 'home');
    const repo = path.join(dir, 'repo');
    const bin = path.join(dir, 'bin');
    const board = path.join(dir, 'board.md');
    for (const d of [home, path.join(repo, 'src'), bin]) fs.mkdirSync(d, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const held = path.join(repo, 'src/held.ts');
    const free = path.join(repo, 'src/free.ts');
    fs.writeFileSync(held, 'hello\n');
    fs.writeFileSync(free, 'hello\n');
    ensureCliBuilt();
    // `claimboard` on PATH, as after `npm install -g`: the hooks and Claude's Bash both call it by name.
    fs.symlinkSync(CLAIMBOARD_CLI, path.join(bin, 'claimboard'));
    const env = { PATH: `${bin}:${process.env.PATH}`, HOME: home, CLAIMBOARD_BOARD: board };

    const install = await runClaimboard(['install-hooks', '--project'], { cwd: repo, env });
    assert.equal(install.code, 0, install.stderr);
    const settings = JSON.parse(fs.readFileSync(path.join(repo, '.claude/settings.json'), 'utf8'));
    // The board CLAIMBOARD_BOARD names is written in: Claude Code may be started without it.
    assert.equal(settings.hooks.PreToolUse[0].hooks[0].command, `claimboard hook pre-tool-use --board ${board}`);

    const pre = await runClaimboard(['--session', 'alice', 'claim', 'src/held.ts', '--eta', '40m'], { cwd: repo, env });
    assert.equal(pre.code, 0, pre.stderr);

    srv = await startModelServer([
      {
        tools: [
          { name: 'Read', input: { file_path: held } },
          { name: 'Read', input: { file_path: free } },
        ],
      },
      { tools: [{ name: 'Edit', input: { file_path: held, old_string: 'hello', new_string: 'bye' } }] },
      { tools: [{ name: 'Edit', input: { file_path: free, old_string: 'hello', new_string: 'bye' } }] },
      { tools: [{ name: 'Bash', input: { command: "sed -i 's/hello/sneaky/' src/held.ts" } }] },
      { tools: [{ name: 'Bash', input: { command: 'claimboard claim src/other.ts --eta 10m && claimboard status' } }] },
      { tools: [{ name: 'Bash', input: { command: 'echo "pid=$CLAUDE_PID"; claimboard --json status' } }] },
      { text: 'done' },
    ]);
    const run = await runClaude({ cwd: repo, home, modelUrl: srv.url, allowedTools: ['Bash'], env });
    assert.equal(run.code, 0, run.stderr);

    assert.equal(fs.readFileSync(held, 'utf8'), 'hello\n', 'the held file is untouched');
    assert.equal(fs.readFileSync(free, 'utf8'), 'bye\n', 'the free file was edited');
    const results = srv.toolResults();
    const deny = results.find((r) => r.text.includes('PreToolUse:Edit hook'));
    assert.ok(deny?.is_error, `the deny reaches Claude: ${JSON.stringify(results)}`);
    assert.match(deny!.text, /src\/held\.ts is claimed by alice \(claim: repo\/src\/held\.ts, eta \d\d:\d\d/);
    const bashDeny = results.find((r) => r.text.includes('PreToolUse:Bash hook'));
    assert.match(bashDeny?.text ?? '', /src\/held\.ts \(written by `sed -i`\) is claimed by alice/, 'a write through Bash is stopped too');
    assert.deepEqual(
      run.result?.permission_denials?.map((d) => d.tool_name),
      ['Edit', 'Bash'],
    );

    // The Bash tool ran `claimboard` as this session (CLAUDE_ENV_FILE) and saw the auto-claim.
    const bashOut = must(results[results.length - 2], 'the Bash result').text;
    assert.match(bashOut, /claimed session-a\s+repo\/src\/other\.ts/);
    assert.match(bashOut, /session-a\s+repo\/src\/free\.ts/);
    assert.match(bashOut, /alice\s+repo\/src\/held\.ts/);

    // Claude Code gives its Bash tool CLAUDE_PID (the Claude process, the one the hooks record),
    // so a claim made from Bash carries it: no export of our own is needed.
    const last = must(results[results.length - 1], 'the last result').text;
    const bashPid = /^pid=(\d+)$/m.exec(last)?.[1];
    assert.ok(bashPid, `CLAUDE_PID reaches Bash: ${last}`);
    const view = JSON.parse(last.slice(last.indexOf('{'))) as { claims: { session: string; path: string; pid: number | null }[]; sessions: { name: string; pid: number | null }[] };
    assert.equal(view.claims.find((c) => c.path === 'repo/src/other.ts')?.pid, Number(bashPid), 'the claim made from Bash carries the Claude process');
    assert.equal(view.sessions.find((x) => x.name === 'session-a')?.pid, Number(bashPid), 'the same process the SessionStart hook recorded');

    // SessionEnd released what the session held; alice keeps hers.
    const text = fs.readFileSync(board, 'utf8');
    const active = must(text.split('## Recent releases')[0], 'the active claims');
    assert.doesNotMatch(active, /session-a \(started/);
    assert.match(active, /alice \(started \d\d:\d\d\) — repo\/src\/held\.ts/);
    assert.match(text, /— session-a — repo\/src\/free\.ts — done/);
    assert.match(text, /— session-a — repo\/src\/other\.ts — done/);
    assert.match(text, /^- session-a \(started [^)]+\) — repo: repo — .*claude [0-9a-f-]{36} — pid \d+@\S+ — ended /m);
  });
});
