/**
 * Answering from VS Code as from the phone (issue 10): the open questions come from the files the
 * listener keeps (the journal of this machine's posts, the answers journal), and an answer is
 * posted in the question's thread with the person's token, then decided through the same
 * `recordAnswers` the listener uses: applied once, even when the listener reads the reply later.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAnnouncer, type Announcer } from '../../src/announce/announcer';
import { loadAnnounceConfig } from '../../src/announce/config';
import { openQuestions, readAnswers } from '../../src/announce/answers';
import { answerQuestion } from '../../src/announce/answer-here';
import { listenOnce } from '../../src/announce/listener';
import { FileClaimStore } from '../../src/core/claim-store';
import { takeInbox } from '../../src/core/inbox';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

describe('answering a question from VS Code', function () {
  this.timeout(30_000);
  let server: MattermostTestServer;
  let dir: string;
  let board: string;
  const announcers: Announcer[] = [];

  function announcer(token: string, extra: Record<string, string> = {}): Announcer {
    const env = {
      HOME: dir,
      CLAIMBOARD_MATTERMOST_URL: server.url,
      CLAIMBOARD_MATTERMOST_CHANNEL: `${server.team.name}/${server.channel.name}`,
      CLAIMBOARD_MENTION: 'alice',
      ...(token ? { CLAIMBOARD_MATTERMOST_TOKEN: token } : {}),
      ...extra,
    };
    const loaded = loadAnnounceConfig({ env, configPath: path.join(dir, 'none.json') });
    const a = createAnnouncer({ boardPath: board, config: loaded.config, error: loaded.error, budgetMs: 5_000 });
    announcers.push(a);
    return a;
  }

  beforeEach(async () => {
    server = await startMattermostServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-answer-here-'));
    board = path.join(dir, 'coordination.md');
  });

  afterEach(async () => {
    for (const a of announcers.splice(0)) await a.close();
    await server.close();
  });

  /** session-a holds the parser; session-b asks about it (posted as the bot, mentioning alice). */
  async function asked(asker: Announcer): Promise<FileClaimStore> {
    const store = new FileClaimStore({ boardPath: board, onEvents: (e) => void asker.announce(e) });
    await store.claim('session-a', { paths: ['repo/src/parser.ts'] });
    await asker.ask({ session: 'session-b', holder: 'session-a', path: 'repo/src/parser.ts', message: 'I need the parser' });
    // The claim's announcement may be on its way: wait for the delivery to finish.
    const r = await asker.flush({ budgetMs: 10_000, waitForLockMs: 10_000 });
    assert.equal(r.pending, 0);
    return store;
  }

  it('lists the open question, and a Yes posts in its thread as the person and hands the path over once', async () => {
    const asker = announcer(server.bot.token);
    const store = await asked(asker);
    const [open, ...more] = openQuestions(board, asker.journal());
    assert.deepEqual(more, []);
    assert.ok(open);
    assert.deepEqual([open.session, open.holder, open.path], ['session-b', 'session-a', 'repo/src/parser.ts']);

    let handOvers = 0;
    const counting = Object.assign(Object.create(store) as FileClaimStore, {
      handOver: (req: Parameters<FileClaimStore['handOver']>[0]) => (handOvers++, store.handOver(req)),
    });
    const counted = () => counting;
    const person = announcer(server.alice.token);
    const out = await answerQuestion({ announcer: person, boardPath: board, question: open, text: 'yes', service: counted });
    assert.equal(out.kind, 'answered');
    assert.equal(out.kind === 'answered' && out.applied?.decided, true);
    assert.equal(handOvers, 1);

    // In the question's thread, by alice (her token), unmarked: the channel shows the person's reply.
    const reply = server.posts.find((p) => p.root_id === open.postId && p.message === 'yes');
    assert.equal(reply?.user_id, server.alice.id);
    const view = await store.status();
    assert.deepEqual(
      view.claims.map((c) => [c.session, c.path]),
      [['session-b', 'repo/src/parser.ts']],
    );
    assert.equal(view.releases[0]?.outcome, 'taken over by session-b (approved by @alice)');
    await asker.flush({ budgetMs: 10_000, waitForLockMs: 10_000 });
    assert.ok(
      server.posts.some((p) => p.root_id === open.postId && p.message.startsWith('[session-b] TAKEOVER')),
      server.messages().join('\n'),
    );
    assert.deepEqual(openQuestions(board, asker.journal()), []);

    // The listener reads the same reply later: the same answer, already recorded, applied nothing more.
    await listenOnce({ boardPath: board, announcer: asker, service: counted });
    assert.equal(handOvers, 1);
    assert.deepEqual(
      readAnswers(board).questions[open.postId]?.answers.map((a) => [a.by, a.text, a.decision]),
      [['alice', 'yes', 'yes']],
    );
    const told = await takeInbox(board, 'session-b');
    assert.equal(told.length, 1, JSON.stringify(told));
    assert.match(told[0]?.text ?? '', /^@alice answered your question about `repo\/src\/parser\.ts` in Mattermost: "yes" \(yes\)\. .* you hold it now/);
    assert.equal((await takeInbox(board, 'session-a')).length, 1);

    // Decided: a second click posts nothing and says who decided.
    const postsBefore = server.posts.length;
    const again = await answerQuestion({ announcer: person, boardPath: board, question: open, text: 'no', service: counted });
    assert.equal(again.kind, 'already');
    assert.equal(again.kind === 'already' && again.decided.by, 'alice');
    assert.equal(server.posts.length, postsBefore);
  });

  it('a Reply in words is passed on as text and leaves the question open; No leaves the board', async () => {
    const asker = announcer(server.bot.token);
    const store = await asked(asker);
    const [open] = openQuestions(board, asker.journal());
    assert.ok(open);
    const person = announcer(server.alice.token);
    const words = await answerQuestion({ announcer: person, boardPath: board, question: open, text: 'what for?', service: () => store });
    assert.equal(words.kind === 'answered' && words.answer.decision, 'other');
    assert.equal(openQuestions(board, asker.journal()).length, 1);
    const no = await answerQuestion({ announcer: person, boardPath: board, question: open, text: 'no', service: () => store });
    assert.equal(no.kind === 'answered' && no.applied?.decided, true);
    assert.deepEqual(
      (await store.status()).claims.map((c) => c.session),
      ['session-a'],
    );
    assert.deepEqual(openQuestions(board, asker.journal()), []);
  });

  it('with a webhook only there is no question to answer, and replying says a token is needed', async () => {
    const hook = announcer('', { CLAIMBOARD_MATTERMOST_WEBHOOK: server.hookUrl });
    await assert.rejects(hook.reply('x'.repeat(26), 'yes'), /answers need a Mattermost token/);
  });
});
