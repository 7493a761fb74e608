/**
 * With an incoming webhook only, nothing can come back from the channel: `mattermost test` and
 * `status` say so in one line naming the settings that would read it; everything else works.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { cleanEnv, runCli, tempDir } from '../support/cli';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

describe('webhook only: nothing comes back, and mattermost test and status say so', function () {
  this.timeout(60_000);
  let mm: MattermostTestServer;
  before(async () => {
    mm = await startMattermostServer();
  });
  after(async () => mm.close());

  const setup = (mattermost: Record<string, string>) => {
    const dir = tempDir('cb-webhook-only-');
    return { dir, env: cleanEnv({ HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), CLAIMBOARD_BOARD: path.join(dir, 'board.md'), CLAIMBOARD_ANNOUNCE_INLINE: '1', ...mattermost }) };
  };
  const webhookOnly =
    /^ *(warn +)?webhook only: announcements go out, but nothing comes back .*; to read the channel set CLAIMBOARD_MATTERMOST_URL, CLAIMBOARD_MATTERMOST_TOKEN and CLAIMBOARD_MATTERMOST_CHANNEL$/m;

  it('webhook: a warn line in `mattermost test` (exit 0) and one line in `status`; claims still post', async () => {
    const { dir, env } = setup({ CLAIMBOARD_MATTERMOST_WEBHOOK: mm.hookUrl });
    const test = await runCli(['mattermost', 'test'], { env, cwd: dir });
    assert.equal(test.code, 0, test.stderr + test.stdout);
    assert.match(test.stdout, /^ok +posted a test message through the webhook$/m);
    assert.match(test.stdout, webhookOnly);
    assert.match(test.stdout, /^warn +webhook only:/m);

    const claim = await runCli(['--session', 'session-a', 'claim', 'infra:db', '--eta', '10m'], { env, cwd: dir });
    assert.equal(claim.code, 0, claim.stderr);
    for (let i = 0; i < 50 && !mm.messages().some((m) => m.startsWith('[session-a] CLAIM `infra:db`')); i++) await runCli(['flush'], { env, cwd: dir });
    assert.ok(
      mm.messages().some((m) => m.startsWith('[session-a] CLAIM `infra:db`')),
      'announcements still go out',
    );

    const status = await runCli(['status'], { env, cwd: dir });
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.stdout.match(new RegExp(webhookOnly.source, 'gm'))?.length, 1, status.stdout);
    const recap = await runCli(['recap'], { env, cwd: dir });
    assert.equal(recap.code, 0, recap.stderr);
    assert.match(recap.stdout, /from this machine's journal/);
  });

  it('with a token: no such line', async () => {
    const { dir, env } = setup({ CLAIMBOARD_MATTERMOST_URL: mm.url, CLAIMBOARD_MATTERMOST_TOKEN: mm.bot.token, CLAIMBOARD_MATTERMOST_CHANNEL: mm.channel.id });
    const test = await runCli(['mattermost', 'test'], { env, cwd: dir });
    assert.equal(test.code, 0, test.stderr + test.stdout);
    assert.doesNotMatch(test.stdout, /webhook only/);
    assert.doesNotMatch((await runCli(['status'], { env, cwd: dir })).stdout, /webhook only/);
  });
});
