/**
 * One recap window for every adapter (announce/recap.ts RECAP_WINDOW): `claimboard recap` with
 * no --since, and a session's start, look back as far as VS Code's recap and the MCP tool.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { SessionStartHookInput, SyncHookJSONOutput } from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import { cleanEnv, runCli, tempDir } from '../support/cli';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { RECAP_WINDOW, RECAP_WINDOW_MS } from '../../src/announce/recap';
import { formatClock, formatDay, parseDuration } from '../../src/core/duration';

describe('the recap window: one default for the CLI, the hooks, MCP and VS Code', function () {
  this.timeout(60_000);
  let mm: MattermostTestServer;
  before(async () => {
    mm = await startMattermostServer();
  });
  after(async () => mm.close());

  it('is what `claimboard recap` and SessionStart read back when no --since is given', async () => {
    assert.equal(parseDuration(RECAP_WINDOW), RECAP_WINDOW_MS);
    const dir = tempDir('cb-recap-window-');
    const env = cleanEnv({
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      CLAIMBOARD_BOARD: path.join(dir, 'board.md'),
      CLAIMBOARD_MATTERMOST_URL: mm.url,
      CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: mm.channel.id,
      CLAIMBOARD_ANNOUNCE_INLINE: '1',
    });
    const before = Date.now();
    const r = await runCli(['recap', '--json'], { env, cwd: dir });
    const after = Date.now();
    assert.equal(r.code, 0, r.stderr);
    const since = Date.parse((JSON.parse(r.stdout) as { since: string }).since);
    // `since` is printed to the second.
    assert.ok(since >= before - RECAP_WINDOW_MS - 1_000 && since <= after - RECAP_WINDOW_MS, `recap --json since ${new Date(since).toISOString()}`);

    const help = await runCli(['recap', '--help'], { env, cwd: dir });
    assert.match(help.stdout, new RegExp(`--since ${RECAP_WINDOW}\\b`), 'the usage shows the default');

    const payload: SessionStartHookInput = { session_id: 'u1', transcript_path: '', cwd: dir, hook_event_name: 'SessionStart', source: 'startup' };
    const startedBefore = new Date(Date.now() - RECAP_WINDOW_MS);
    const s = await runCli(['hook', 'session-start'], { env, cwd: dir, input: JSON.stringify(payload) });
    const startedAfter = new Date(Date.now() - RECAP_WINDOW_MS);
    assert.equal(s.code, 0, s.stderr);
    const h = (JSON.parse(s.stdout) as SyncHookJSONOutput).hookSpecificOutput;
    const context = h?.hookEventName === 'SessionStart' ? (h.additionalContext ?? '') : '';
    const heading = /Mattermost recap since (\S+ \S+), from the channel:/.exec(context)?.[1];
    const stamp = (d: Date) => `${formatDay(d)} ${formatClock(d)}`;
    assert.ok(heading === stamp(startedBefore) || heading === stamp(startedAfter), `${heading} in ${context}`);
  });
});
