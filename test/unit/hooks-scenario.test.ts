/**
 * The three-session scenario, driven through the real `claimboard hook` processes with
 * announcements going to the test Mattermost server.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PreToolUseHookInput, SessionEndHookInput, SessionStartHookInput, SyncHookJSONOutput } from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import { runClaimboard } from '../support/model-server';
import { must } from '../../src/core/errors';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

describe('three Claude sessions through the hooks (A holds, B is stopped then let through, C dies)', function () {
  this.timeout(90_000);
  let mm: MattermostTestServer | undefined;
  after(async () => mm?.close());

  it('denies, auto-claims, frees on session-end, expires a dead session after its TTL and announces it', async () => {
    mm = await startMattermostServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-three-'));
    const repo = path.join(dir, 'repo');
    for (const d of ['src', 'docs', 'lib']) fs.mkdirSync(path.join(repo, d), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const board = path.join(dir, 'board.md');
    const env: Record<string, string> = {
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      CLAIMBOARD_BOARD: board,
      CLAIMBOARD_MATTERMOST_URL: mm.url,
      CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: mm.channel.id,
      // Deliver before the process exits instead of through a detached flusher the test would have to reap.
      CLAIMBOARD_ANNOUNCE_INLINE: '1',
    };
    const base = (id: string) => ({ session_id: id, transcript_path: '', cwd: repo });
    const hook = async (event: string, payload: SessionStartHookInput | PreToolUseHookInput | SessionEndHookInput, extra: Record<string, string> = {}) => {
      const r = await runClaimboard(['hook', event], { input: JSON.stringify(payload), env: { ...env, ...extra }, cwd: repo });
      assert.equal(r.code, 0, r.stderr);
      const json = r.stdout.trim() ? (JSON.parse(r.stdout) as SyncHookJSONOutput) : undefined;
      const h = json?.hookSpecificOutput;
      if (h?.hookEventName === 'SessionStart') return { context: h.additionalContext };
      return h?.hookEventName === 'PreToolUse' ? { decision: h.permissionDecision, reason: h.permissionDecisionReason } : {};
    };
    const start = (id: string, extra?: Record<string, string>) => hook('session-start', { ...base(id), hook_event_name: 'SessionStart', source: 'startup' }, extra);
    const edit = (id: string, file: string, extra?: Record<string, string>) =>
      hook('pre-tool-use', { ...base(id), hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(repo, file), content: 'x' }, tool_use_id: 'toolu_x' }, extra);
    const activeClaims = () => must(fs.readFileSync(board, 'utf8').split('## Recent releases')[0], 'the active claims');

    await start('uuid-a');
    await start('uuid-b');
    // C runs with a short lease and will never renew it.
    await start('uuid-c', { CLAIMBOARD_TTL: '1s' });
    const claimA = await runClaimboard(['--session', 'session-a', 'claim', 'src/**', '--eta', '30m'], { cwd: repo, env });
    assert.equal(claimA.code, 0, claimA.stderr);

    const denied = await edit('uuid-b', 'src/a.ts');
    assert.equal(denied.decision, 'deny');
    assert.match(denied.reason ?? '', /src\/a\.ts is claimed by session-a \(claim: repo\/src\/\*\*/);

    assert.equal((await edit('uuid-b', 'docs/guide.md')).decision, undefined);
    assert.match(activeClaims(), /^- session-b \(started \d\d:\d\d\) — repo\/docs\/guide\.md — .*auto: Write/m);

    assert.equal((await edit('uuid-c', 'lib/c.ts', { CLAIMBOARD_TTL: '1s' })).decision, undefined);
    assert.match(activeClaims(), /session-c \(started \d\d:\d\d\) — repo\/lib\/c\.ts/);
    // Read now: the line stays until the next write, whenever the short lease ends.
    const cLease = new Date(must(/session-c .* — lease until (\S+)/.exec(activeClaims())?.[1], 'the lease of session-c')).getTime();

    await hook('session-end', { ...base('uuid-a'), hook_event_name: 'SessionEnd', reason: 'other' });
    assert.doesNotMatch(activeClaims(), /session-a/);
    assert.equal((await edit('uuid-b', 'src/a.ts')).decision, undefined, "B's edit passes once A has ended");

    // C never ends. Once its lease is over, the next write moves it to releases and announces it.
    while (Date.now() <= cLease + 50) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await edit('uuid-b', 'lib/c.ts')).decision, undefined, "C's expired claim no longer blocks");
    assert.match(fs.readFileSync(board, 'utf8'), /— session-c — repo\/lib\/c\.ts — expired — no heartbeat/);

    const deadline = Date.now() + 15_000;
    const wanted = [/^\[session-c\] EXPIRED `repo\/lib\/c\.ts`/m, /^\[session-a\] ending — released `repo\/src\/\*\*`/m];
    // With inline delivery no detached flusher runs: on a loaded machine a hook's delivery budget can
    // run out with announcements still queued, so do what that flusher would (the outbox keeps them).
    while (Date.now() < deadline && !wanted.every((re) => mm!.messages().some((m) => re.test(m)))) {
      assert.equal((await runClaimboard(['flush'], { cwd: repo, env })).code, 0);
      await new Promise((r) => setTimeout(r, 100));
    }
    const messages = mm.messages();
    for (const re of wanted)
      assert.ok(
        messages.some((m) => re.test(m)),
        `${re} in ${JSON.stringify(messages)}`,
      );
    assert.ok(
      messages.some((m) => /^\[session-a\] starting — repo: repo/.test(m)),
      'start announced',
    );
    assert.ok(
      messages.some((m) => /^\[session-a\] CLAIM `repo\/src\/\*\*`/.test(m)),
      'the explicit claim is announced',
    );
    assert.ok(!messages.some((m) => /CLAIM `repo\/(docs|lib)\//.test(m)), `auto-claims are not posted file by file: ${JSON.stringify(messages)}`);
    assert.ok(!messages.some((m) => /RELEASE/.test(m)), 'session-end posts one "ending" message, not one RELEASE per path');

    // A session starting now is greeted with the recap read back from the channel.
    const d = (await start('uuid-d')) as { context?: string };
    assert.match(d.context ?? '', /You are session-a/, 'the letter A freed is taken again');
    assert.match(d.context ?? '', /Mattermost recap since \d{4}-\d\d-\d\d \d\d:\d\d, from the channel:/);
    assert.match(d.context ?? '', /^session-c:\n.*starting/m);
    assert.match(d.context ?? '', /session-b: repo\/src\/a\.ts/, 'what others hold');
  });
});
