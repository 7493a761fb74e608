/**
 * Every `claimboard …` command the product tells Claude to run (the deny reason, the
 * SessionStart context, and the README's copy of the deny reason) is run here exactly as
 * printed, through bash, in the environment Claude's Bash tool gets from the SessionStart
 * hook, and must succeed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, cleanEnv, ensureBuilt, pathWithClaimboard, runCli, tempDir } from '../support/cli';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { outboxPaths } from '../../src/announce';
import { flusherPidFile } from '../../src/cli/announcements';
import { must } from '../../src/core/errors';

function commandsIn(text: string): string[] {
  return [...text.matchAll(/`(claimboard [^`]+)`/g)].map((m) => must(m[1], 'the command'));
}

function bash(command: string, cwd: string, env: NodeJS.ProcessEnv): { done: Promise<{ code: number | null; stderr: string; stdout: string }> } {
  const child = spawn('bash', ['-c', command], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return { done: new Promise((resolve, reject) => (child.on('error', reject), child.on('close', (code) => resolve({ code, stdout, stderr })))) };
}

describe('every command the product suggests runs exactly as printed', function () {
  this.timeout(180_000);
  let server: MattermostTestServer;
  let board: string;

  before(async () => {
    ensureBuilt();
    server = await startMattermostServer();
  });
  after(async () => {
    try {
      process.kill(Number(fs.readFileSync(flusherPidFile(outboxPaths(board).outbox), 'utf8').trim()), 'SIGTERM');
    } catch {
      // no background flusher left
    }
    await server.close();
  });

  it('deny reason, SessionStart context and the README: each command succeeds', async () => {
    const dir = tempDir('cb-suggested-');
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    fs.writeFileSync(path.join(repo, 'src/parser.ts'), 'export {};\n');
    board = path.join(dir, 'coordination.md');
    const env = cleanEnv({
      PATH: pathWithClaimboard(dir),
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      CLAIMBOARD_MATTERMOST_URL: server.url,
      CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
      CLAIMBOARD_MENTION: 'alice',
      CLAIMBOARD_FLUSH_BUDGET: '20s',
    });
    const base = { transcript_path: path.join(dir, 't.jsonl'), cwd: repo, permission_mode: 'acceptEdits' };

    const claimed = await runCli(['--board', board, '--session', 'session-a', 'claim', 'src/**', '--eta', '30m'], { cwd: repo, env });
    assert.equal(claimed.code, 0, claimed.stderr);
    const envFile = path.join(dir, 'claude-env.sh');
    const started = await runCli(['--board', board, 'hook', 'session-start'], {
      cwd: repo,
      env: { ...env, CLAUDE_ENV_FILE: envFile, CLAUDE_CODE_SESSION_ID: 'uuid-b' },
      input: JSON.stringify({ ...base, session_id: 'uuid-b', hook_event_name: 'SessionStart', source: 'startup' }),
    });
    assert.equal(started.code, 0, started.stderr);
    const context = JSON.parse(started.stdout).hookSpecificOutput.additionalContext as string;
    assert.match(fs.readFileSync(envFile, 'utf8'), /export CLAIMBOARD_SESSION=session-b/);
    const denied = await runCli(['--board', board, 'hook', 'pre-tool-use'], {
      cwd: repo,
      env,
      input: JSON.stringify({
        ...base,
        session_id: 'uuid-b',
        hook_event_name: 'PreToolUse',
        tool_name: 'Edit',
        tool_input: { file_path: path.join(repo, 'src/parser.ts'), old_string: 'export', new_string: 'x' },
        tool_use_id: 'toolu_1',
      }),
    });
    const reason = JSON.parse(denied.stdout).hookSpecificOutput.permissionDecisionReason as string;

    // The README shows what Claude reads on a deny: the same text, for a repository in /home/me.
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const shown = /What Claude reads when an edit is denied:\n\n```text\nPreToolUse:Edit hook error: ([^\n]*\n[^\n]*)\n```/.exec(readme);
    assert.ok(shown, 'the README shows a deny reason');
    const normal = (t: string) =>
      t
        .split(dir)
        .join('/home/me')
        .replace(/\b\d\d:\d\d\b/g, 'HH:MM');
    assert.equal(normal(must(shown[1], 'the deny reason the README shows')), normal(reason), 'the README shows the deny reason the hook gives');

    const commands = [...commandsIn(reason), ...commandsIn(context)];
    assert.ok(commands.filter((c) => c.startsWith('claimboard ask ')).length >= 3, `the asks: ${commands.join(' | ')}`);
    const snapshot = fs.readFileSync(board);
    for (const command of commands) {
      // Each on the board as it was when printed; a release follows the claim printed before it.
      if (!command.startsWith('claimboard release ')) fs.writeFileSync(board, snapshot);
      // Claude's Bash runs the SessionStart hook's exports first.
      const run = bash(`. '${envFile}' && ${command}`, repo, env);
      if (command.includes('--wait')) {
        // The waiting claim succeeds once the holder lets go.
        await new Promise((r) => setTimeout(r, 300));
        const released = await runCli(['--board', board, '--session', 'session-a', 'release', 'src/**'], { cwd: repo, env });
        assert.equal(released.code, 0, released.stderr);
      }
      const r = await run.done;
      assert.equal(r.code, 0, `${command}\n${r.stderr}`);
    }
    const flushed = await runCli(['--board', board, 'flush'], { cwd: repo, env });
    assert.equal(flushed.code, 0, flushed.stderr);
    const messages = server.messages();
    assert.ok(messages.includes('[session-b] @alice your question'), messages.join('\n'));
    assert.ok(messages.includes('[session-b] @alice session-a is holding `repo/src/**` — I need it for my task, OK to interrupt?'), messages.join('\n'));
  });

  it('ask "<question>" posts the question; ask "<question>" --about PATH names the holder; ask PATH --message still works', async () => {
    const dir = tempDir('cb-ask-');
    const b = path.join(dir, 'board.md');
    const env = cleanEnv({
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      CLAIMBOARD_MATTERMOST_URL: server.url,
      CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: 'team/claims',
      CLAIMBOARD_MENTION: 'alice',
      CLAIMBOARD_FLUSH_BUDGET: '20s',
    });
    const cli = (args: string[], session = 'session-b') => runCli(['--board', b, '--session', session, ...args], { cwd: dir, env });
    assert.equal((await cli(['claim', 'repo/src/a.ts'], 'session-a')).code, 0);
    const before = server.messages().length;
    const q = await cli(['ask', 'May I edit src/parser.ts?']);
    assert.equal(q.code, 0, q.stderr);
    assert.equal((await cli(['ask', 'the parser needs a fix', '--about', 'repo/src/a.ts'])).code, 0);
    assert.equal((await cli(['ask', 'repo/src/a.ts', '--message', 'old form'])).code, 0);
    const free = await cli(['ask', 'why?', '--about', 'repo/free.ts']);
    assert.equal(free.code, 2);
    assert.match(free.stderr, /nobody else holds repo\/free\.ts/);
    assert.equal((await runCli(['--board', b, 'flush'], { cwd: dir, env })).code, 0);
    assert.deepEqual(
      server
        .messages()
        .slice(before)
        .filter((m) => m.startsWith('[session-b]')),
      [
        '[session-b] @alice May I edit src/parser.ts?',
        '[session-b] @alice session-a is holding `repo/src/a.ts` — the parser needs a fix, OK to interrupt?',
        '[session-b] @alice session-a is holding `repo/src/a.ts` — old form, OK to interrupt?',
      ],
    );
  });
});
