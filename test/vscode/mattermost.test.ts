// The extension's Mattermost side in a real VS Code, against the test Mattermost server:
// the token goes to SecretStorage, claims are announced, Ask Holder posts the question, and the
// recap reads the channel back.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { api, clearBoard, cli, closeEditors, fileUri, waitFor } from './support';

const A = 'session-a';

describe('claimboard extension with Mattermost', function () {
  this.timeout(60_000);
  let server: MattermostTestServer;
  const config = () => vscode.workspace.getConfiguration('claimboard');

  before(async () => {
    server = await startMattermostServer();
    await clearBoard([A]);
    await config().update('mattermost.serverUrl', server.url, vscode.ConfigurationTarget.Global);
    await config().update('mattermost.channel', `${server.team.name}/${server.channel.name}`, vscode.ConfigurationTarget.Global);
    await config().update('mattermost.username', 'alice', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('claimboard.setMattermostToken', 'token', server.bot.token);
  });

  after(async () => {
    await vscode.commands.executeCommand('claimboard.setMattermostToken', 'token', '');
    for (const key of ['mattermost.serverUrl', 'mattermost.channel', 'mattermost.username']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await closeEditors();
    await clearBoard([A]);
    await server.close();
  });

  it('keeps the token out of settings', () => {
    const inspected = JSON.stringify(config().inspect('mattermost') ?? {});
    assert.ok(!inspected.includes(server.bot.token), 'the token must not be in any settings scope');
  });

  it('announces a claim made from VS Code, then its release', async () => {
    const a = await api();
    const deploy = fileUri('docs/deploy.md');
    await vscode.commands.executeCommand('claimboard.claimPath', deploy, { eta: '20m' });
    const claimed = await waitFor('the CLAIM post', () => server.messages().find((m) => m.startsWith(`[${a.sessionName}] CLAIM \`demo-repo/docs/deploy.md\``)));
    assert.match(claimed, /eta/);
    await vscode.commands.executeCommand('claimboard.releasePath', deploy);
    await waitFor('the RELEASE post', () => server.messages().some((m) => m.startsWith(`[${a.sessionName}] RELEASE \`demo-repo/docs/deploy.md\``)));
  });

  it('Ask Holder posts the question, mentioning the person', async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    a.refresh();
    const text = await vscode.commands.executeCommand('claimboard.askHolder', fileUri('src/api/routes.ts'), { message: 'the router needs a fix', interactive: false });
    assert.equal(text, `Asked ${A} in Mattermost.`);
    const asked = await waitFor('the question', () => server.messages().find((m) => m.includes('is holding')));
    assert.equal(asked, `[${a.sessionName}] @alice ${A} is holding \`demo-repo/src/api/**\` — the router needs a fix, OK to interrupt?`);
  });

  it('Show Recap reads the channel back', async () => {
    const a = await api();
    const text = (await vscode.commands.executeCommand('claimboard.showRecap')) as string;
    assert.match(text, /^Mattermost recap since \d{4}-\d\d-\d\d \d\d:\d\d, from the channel:/);
    assert.ok(text.includes(`${a.sessionName}:`), text);
    assert.match(text, /CLAIM `demo-repo\/docs\/deploy\.md`/);
    assert.equal(a.statusBarWarning(), false);
  });
});
