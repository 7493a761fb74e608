// Issue 10, the person answers from VS Code as from the phone: a session asks `--about` a path
// the person's other session holds; the question shows in the Claims view and as a notification;
// Yes posts in the question's thread (as alice, the window's token) and decides as a reply from
// the phone would: the path is handed over on the board, and the asker's `ask --wait` exits 0.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { activeLines, api, clearBoard, cli, cliWith, closeEditors, waitFor, waitForAsync, type CliResult } from './support';
import { toasts, ui } from './ui';

const A = 'session-a';
const B = 'session-b';
const PATH = 'demo-repo/src/parser.ts';

describe('answering a question from VS Code', function () {
  this.timeout(90_000);
  let server: MattermostTestServer;
  const config = () => vscode.workspace.getConfiguration('claimboard');

  /** The CLI as a session with its own Mattermost set-up (the bot's token), as the hooks run it. */
  function session(name: string, ...args: string[]): Promise<CliResult> {
    return cliWith(
      {
        CLAIMBOARD_MATTERMOST_URL: server.url,
        CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
        CLAIMBOARD_MATTERMOST_CHANNEL: `${server.team.name}/${server.channel.name}`,
        CLAIMBOARD_MENTION: 'alice',
        CLAIMBOARD_POLL_INTERVAL: '2s',
      },
      name,
      ...args,
    );
  }

  before(async () => {
    server = await startMattermostServer();
    await clearBoard([A, B]);
    await config().update('mattermost.serverUrl', server.url, vscode.ConfigurationTarget.Global);
    await config().update('mattermost.channel', `${server.team.name}/${server.channel.name}`, vscode.ConfigurationTarget.Global);
    await config().update('mattermost.username', 'alice', vscode.ConfigurationTarget.Global);
    // The person's own token: their answers are posted as them.
    await vscode.commands.executeCommand('claimboard.setMattermostToken', 'token', server.alice.token);
  });

  after(async () => {
    await vscode.commands.executeCommand('claimboard.setMattermostToken', 'token', '');
    for (const key of ['mattermost.serverUrl', 'mattermost.channel', 'mattermost.username']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await closeEditors();
    await clearBoard([A, B]);
    await server.close();
  });

  it('a question about a held path shows in the Claims view and a notification; Yes hands the path over and ask --wait exits 0', async () => {
    const a = await api();
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal((await cli(A, 'claim', PATH, '--eta', '30m')).code, 0);
    a.refresh();
    const waiting = session(B, 'ask', 'I need the parser for the date fix', '--about', PATH, '--wait', '60s', '--json');

    const group = await waitFor('the Questions group', () => a.claimsTreeItems().find((g) => g.label === 'Questions'), 20_000);
    assert.equal(a.claimsTreeItems()[0]?.label, 'Questions', 'questions come first');
    const [row, ...more] = group.children ?? [];
    assert.deepEqual(more, []);
    assert.equal(row?.label, PATH);
    assert.match(row?.description ?? '', /^session-b asks · \d+s ago · held by session-a$/);
    assert.equal(row?.contextValue, 'question');
    assert.deepEqual(a.questionNotifications(), [`${B} asks: ${A} is holding \`${PATH}\` — I need the parser for the date fix, OK to interrupt?`]);

    if (ui) {
      await vscode.commands.executeCommand('claimboard.claims.focus');
      const toast = await waitForAsync('the question on screen', async () => (await toasts()).find((t) => t.includes(`${B} asks`)));
      assert.match(toast, /Yes/);
      assert.match(toast, /No/);
      assert.match(toast, /Reply…/);
      await waitForAsync('the question row', async () => (await ui!.texts('.monaco-list-row')).some((t) => t.includes(`${B} asks`)));
      await ui.shot('question-in-vscode');
      await ui.click(`.notification-toast:has-text("${B} asks") .monaco-button:has-text("Yes")`);
    } else {
      await vscode.commands.executeCommand('claimboard.answerYes', server.posts.find((p) => p.message.includes('I need the parser'))?.id);
    }

    const asked = await waiting;
    assert.equal(asked.code, 0, asked.stdout + asked.stderr);
    const out = JSON.parse(asked.stdout) as { answer: { by: string; text: string; decision: string } | null; holds: boolean };
    assert.deepEqual(out.answer && [out.answer.by, out.answer.text, out.answer.decision], ['alice', 'yes', 'yes']);
    assert.equal(out.holds, true);

    // The board: B holds the path, A's claim ended as approved.
    await waitFor('the board to show the handover', () => activeLines().length === 1 && activeLines()[0]?.includes(B));
    a.refresh();
    assert.deepEqual(
      a.view().claims.map((c) => [c.session, c.path]),
      [[B, PATH]],
    );
    assert.equal(a.view().releases[0]?.outcome, `taken over by ${B} (approved by @alice)`);

    // The thread: alice's yes, then the TAKEOVER, both replies to the question.
    const question = server.posts.find((p) => p.message.includes('I need the parser'));
    assert.ok(question);
    const yes = server.posts.find((p) => p.root_id === question.id && p.message === 'yes');
    assert.equal(yes?.user_id, server.alice.id);
    await waitFor('the TAKEOVER in the thread', () => server.posts.some((p) => p.root_id === question.id && p.message.startsWith(`[${B}] TAKEOVER`)), 15_000);
    // Decided: the group is gone.
    await waitFor('the Questions group gone', () => !a.claimsTreeItems().some((g) => g.label === 'Questions'), 10_000);
    if (ui) await ui.shot('question-answered');
  });

  it('with a webhook only, the Questions group says answers need a token, with Set up Mattermost…', async () => {
    const a = await api();
    await vscode.commands.executeCommand('claimboard.setMattermostToken', 'token', '');
    await vscode.commands.executeCommand('claimboard.setMattermostToken', 'webhook', server.hookUrl);
    try {
      const group = await waitFor('the Questions group', () => a.claimsTreeItems().find((g) => g.label === 'Questions'));
      assert.deepEqual(
        group.children?.map((c) => [c.label, c.description, c.contextValue]),
        [['Answers need a Mattermost token', 'Set up Mattermost…', 'questions.needToken']],
      );
    } finally {
      await vscode.commands.executeCommand('claimboard.setMattermostToken', 'webhook', '');
    }
    await waitFor('the Questions group gone', () => !a.claimsTreeItems().some((g) => g.label === 'Questions'));
  });
});
