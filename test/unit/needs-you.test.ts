/**
 * Needs you: the Notification hook (Claude Code waits for the person) through the real
 * `claimboard hook` processes and the detached timer they start, against the test Mattermost
 * server. Assertions are on the waiting spell's state and the posts, never on how long anything took.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NotificationHookInput, PostToolUseHookInput, SessionStartHookInput } from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import { cleanEnv, runCli, tempDir } from '../support/cli';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { readSpell, spellFile, type WaitingSpell } from '../../src/claude/session-activity';

describe('needs you: a session waiting for the person is announced once, after the delay', function () {
  this.timeout(120_000);
  let mm: MattermostTestServer;
  let dir: string;
  let board: string;
  const pids: number[] = [];
  before(async () => {
    mm = await startMattermostServer();
  });
  after(async () => {
    // Only the timers this file started, by their pid.
    for (const pid of pids)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    await mm.close();
  });
  beforeEach(() => {
    dir = tempDir('cb-needs-you-');
    board = path.join(dir, 'board.md');
    mm.posts.length = 0;
  });

  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      CLAIMBOARD_BOARD: board,
      CLAIMBOARD_MATTERMOST_URL: mm.url,
      CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: mm.channel.id,
      CLAIMBOARD_MENTION: 'alice',
      CLAIMBOARD_ANNOUNCE_INLINE: '1',
      ...extra,
    });
  const base = (id: string) => ({ session_id: id, transcript_path: '', cwd: dir });
  const hook = async (event: string, payload: SessionStartHookInput | NotificationHookInput | PostToolUseHookInput, extra?: Record<string, string>) => {
    const r = await runCli(['hook', event], { input: JSON.stringify(payload), env: env(extra), cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const notify = (id: string, type: string, message: string, extra?: Record<string, string>) =>
    hook('notification', { ...base(id), hook_event_name: 'Notification', notification_type: type, message }, extra);
  const spell = (id: string): WaitingSpell | undefined => readSpell(board, id);
  const needsYou = () => mm.messages().filter((m) => / needs you — /.test(m));

  async function timerDone(pid: number): Promise<void> {
    pids.push(pid);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      assert.ok(Date.now() < deadline, `the needs-you timer ${pid} is still running`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** What a background flusher would do, for an inline delivery cut short on a loaded machine. */
  async function flushed(): Promise<void> {
    const r = await runCli(['flush'], { env: env(), cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
  }

  it('posts `[session] @person needs you — <what>` once the wait outlasts the delay; a second notification in the spell posts nothing more', async () => {
    await hook('session-start', { ...base('uuid-b'), hook_event_name: 'SessionStart', source: 'startup' });
    const r = await notify('uuid-b', 'permission_prompt', 'Claude needs your permission to use Bash', { CLAIMBOARD_NEEDS_YOU_AFTER: '2s' });
    assert.equal(r.stdout, '', 'a Notification hook adds nothing to the session');
    const opened = spell('uuid-b');
    assert.ok(opened?.timerPid, `a spell with its timer: ${JSON.stringify(opened)}`);
    assert.equal(opened.announcedAt, undefined);
    assert.equal(Date.parse(opened.dueAt) - Date.parse(opened.since), 2_000, 'due after CLAIMBOARD_NEEDS_YOU_AFTER');

    await timerDone(opened.timerPid);
    const announced = spell('uuid-b');
    assert.ok(announced?.announcedAt, 'the spell is marked announced');
    assert.ok(Date.parse(announced.announcedAt) >= Date.parse(opened.dueAt), 'not before the spell was due');
    await flushed();
    assert.deepEqual(needsYou(), ['[session-a] @alice needs you — Claude needs your permission to use Bash']);
    assert.ok(!mm.messages().some((m) => /@(channel|all|here)\b/.test(m)), 'never the whole channel');

    // Still waiting: Claude Code says it again (idle at the prompt). Same spell, no new timer.
    await notify('uuid-b', 'idle_prompt', 'Claude is waiting for your input', { CLAIMBOARD_NEEDS_YOU_AFTER: '2s' });
    assert.deepEqual(spell('uuid-b'), announced, 'the open spell is unchanged: no second timer');
    await flushed();
    assert.equal(needsYou().length, 1, 'one post per waiting spell');

    // The session works again: the spell ends, and the next wait is a new spell.
    await hook('post-tool-use', { ...base('uuid-b'), hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'true' }, tool_response: {}, tool_use_id: 't1' });
    assert.equal(fs.existsSync(spellFile(board, 'uuid-b')), false, 'work ends the spell');
    await notify('uuid-b', 'idle_prompt', 'Claude is waiting for your input', { CLAIMBOARD_NEEDS_YOU_AFTER: '1s' });
    const next = spell('uuid-b');
    assert.ok(next?.timerPid && next.id !== opened.id, 'a new spell');
    await timerDone(next.timerPid);
    await flushed();
    assert.deepEqual(needsYou(), ['[session-a] @alice needs you — Claude needs your permission to use Bash', '[session-a] @alice needs you — Claude is waiting for your input']);
  });

  it('posts nothing when the session works again within the delay', async () => {
    await hook('session-start', { ...base('uuid-c'), hook_event_name: 'SessionStart', source: 'startup' });
    await notify('uuid-c', 'permission_prompt', 'Claude needs your permission to use Write', { CLAIMBOARD_NEEDS_YOU_AFTER: '60s' });
    const opened = spell('uuid-c');
    assert.ok(opened?.timerPid, 'a spell with its timer');
    // The person answered the prompt: the tool ran.
    await hook('post-tool-use', {
      ...base('uuid-c'),
      hook_event_name: 'PostToolUse',
      tool_name: 'Write',
      tool_input: { file_path: path.join(dir, 'x'), content: '' },
      tool_response: {},
      tool_use_id: 't2',
    });
    await timerDone(opened.timerPid);
    assert.equal(spell('uuid-c'), undefined);
    await flushed();
    assert.deepEqual(needsYou(), []);
  });

  it('CLAIMBOARD_NEEDS_YOU_AFTER=off opens no spell; a bad value is named on stderr and the default used', async () => {
    await hook('session-start', { ...base('uuid-d'), hook_event_name: 'SessionStart', source: 'startup' });
    await notify('uuid-d', 'idle_prompt', 'Claude is waiting for your input', { CLAIMBOARD_NEEDS_YOU_AFTER: 'off' });
    assert.equal(spell('uuid-d'), undefined);
    const bad = await notify('uuid-d', 'idle_prompt', 'Claude is waiting for your input', { CLAIMBOARD_NEEDS_YOU_AFTER: 'soon' });
    assert.match(bad.stderr, /CLAIMBOARD_NEEDS_YOU_AFTER/);
    const opened = spell('uuid-d');
    assert.ok(opened?.timerPid);
    pids.push(opened.timerPid);
    assert.equal(Date.parse(opened.dueAt) - Date.parse(opened.since), 60_000, 'the default delay');
    // Not a waiting notification: nothing.
    await hook('session-start', { ...base('uuid-e'), hook_event_name: 'SessionStart', source: 'startup' });
    await notify('uuid-e', 'auth_success', 'Signed in');
    assert.equal(spell('uuid-e'), undefined);
  });
});
