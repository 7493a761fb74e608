/**
 * Recap on return through the REAL Claude Code CLI (offline, scripted model): a session that
 * has been idle is resumed with a prompt, and the recap of what another session did meanwhile
 * reaches the model in the request that follows the prompt.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLAIMBOARD_CLI, ensureCliBuilt, runClaimboard, runClaude, startModelServer, type ModelServer } from '../support/model-server';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { lastWorked } from '../../src/claude/session-activity';

describe('recap on return in the real Claude Code CLI', function () {
  this.timeout(180_000);
  let srv: ModelServer | undefined;
  let mm: MattermostTestServer | undefined;
  after(async () => {
    await srv?.close();
    await mm?.close();
  });

  it('a prompt to a resumed idle session carries the recap of what happened meanwhile to the model', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-return-e2e-'));
    const home = path.join(dir, 'home');
    const repo = path.join(dir, 'repo');
    const bin = path.join(dir, 'bin');
    const board = path.join(dir, 'board.md');
    for (const d of [home, path.join(repo, 'src'), bin]) fs.mkdirSync(d, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    ensureCliBuilt();
    fs.symlinkSync(CLAIMBOARD_CLI, path.join(bin, 'claimboard'));
    mm = await startMattermostServer();
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: home,
      CLAIMBOARD_BOARD: board,
      CLAIMBOARD_MATTERMOST_URL: mm.url,
      CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: mm.channel.id,
      CLAIMBOARD_ANNOUNCE_INLINE: '1',
      CLAIMBOARD_RECAP_IDLE: '1s',
      CLAIMBOARD_NEEDS_YOU_AFTER: 'off',
    };
    const install = await runClaimboard(['install-hooks', '--project', '--command', 'claimboard'], { cwd: repo, env });
    assert.equal(install.code, 0, install.stderr);

    srv = await startModelServer([{ text: 'hello' }, { text: 'welcome back' }]);
    const sessionId = crypto.randomUUID();
    const first = await runClaude({ cwd: repo, home, modelUrl: srv.url, env, prompt: 'get going', extraArgs: ['--session-id', sessionId] });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(lastWorked(board, sessionId), 'the hooks saw the session work');

    // The person is away; another session works meanwhile.
    const other = (args: string[]) => runClaimboard(['--session', 'session-q', ...args], { cwd: repo, env });
    assert.equal((await other(['claim', 'src/parser/**', '--eta', '30m'])).code, 0);
    assert.equal((await other(['release', 'src/parser/**'])).code, 0);
    for (let i = 0; i < 100 && !mm.messages().some((m) => m.startsWith('[session-q] RELEASE')); i++) await runClaimboard(['flush'], { cwd: repo, env });
    const since = lastWorked(board, sessionId)!;
    while (Date.now() - since.getTime() <= 1_100) await new Promise((r) => setTimeout(r, 50));

    const before = srv.requests.length;
    const second = await runClaude({ cwd: repo, home, modelUrl: srv.url, env, prompt: 'where were we?', extraArgs: ['--resume', sessionId] });
    assert.equal(second.code, 0, second.stderr);
    const main = srv.requests.slice(before).filter((r) => (r.body.tools?.length ?? 0) > 0);
    assert.ok(main.length > 0, 'the resumed session asked the model');
    const sent = JSON.stringify(main[0]!.body.messages ?? []);
    assert.match(sent, /where were we\?/);
    // After the prompt's own heading: the session's start context has a recap of its own.
    const recap = sent.slice(sent.indexOf('The person is back after'));
    assert.match(recap, /^The person is back after \S+ away from this session/);
    assert.match(recap, /CLAIM `repo\/src\/parser\/\*\*`/);
    assert.match(recap, /RELEASE `repo\/src\/parser\/\*\*` — done/);
  });
});
