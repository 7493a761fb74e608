/**
 * `ask --wait` through real claimboard processes against the test server: the person's yes hands
 * the path over (board, TAKEOVER in the question's thread, the holder's inbox), no changes
 * nothing, only the people who decide count, 👍 decides like yes, and a decision seen by
 * several readers at once is applied once.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir, type CliRun } from '../support/cli';
import type { MattermostTestServer } from '../support/mattermost-server';
import { until } from '../support/background';
import { startVoiceRepo, type VoiceRepo } from '../support/voice-repo';
import { questionsToWatch, recordAnswers, readAnswers } from '../../src/announce/answers';
import { ClaimService } from '../../src/core/claim-service';
import { FileClaimStore } from '../../src/core/claim-store';
import { inboxFile, takeInbox } from '../../src/core/inbox';
import type { BoardEvent } from '../../src/core/model';

interface AskJson {
  question: { id: string; session: string; holder: string | null; path: string | null; text: string } | null;
  answer: { by: string; text: string; decision: string; at: string } | null;
  holds: boolean;
}

describe('ask --wait: the person decides (real processes)', function () {
  this.timeout(120_000);
  let voice: VoiceRepo;
  let server: MattermostTestServer;
  let repo: string;
  let board: string;

  const cli = (args: string[], session = 'session-a', extraEnv: NodeJS.ProcessEnv = {}, input?: string): Promise<CliRun> => voice.cli(args, { CLAIMBOARD_SESSION: session, ...extraEnv }, input);

  /** The question's post, once the asking process has posted it. */
  async function questionPost(containing = 'OK to interrupt?') {
    return until(() => server.posts.find((p) => p.message.includes(containing) && !p.root_id), 30_000, 'the question in the channel');
  }

  beforeEach(async () => {
    voice = await startVoiceRepo({ cliTimeoutMs: 90_000 });
    ({ server, repo, board } = voice);
    assert.equal((await cli(['claim', 'repo/parser/**', '--eta', '30m'])).code, 0);
  });

  afterEach(() => voice.stop());

  it('yes from the human (after a yes from someone else) hands the path over: board, TAKEOVER in the thread, the holder told', async () => {
    const asking = cli(['ask', 'I need the parser for the fix', '--about', 'repo/parser/**', '--wait', '60s', '--json'], 'session-b');
    const q = await questionPost();
    assert.equal(q.message, '[session-b] @alice session-a is holding `repo/parser/**` — I need the parser for the fix, OK to interrupt?');
    await server.postAs(server.bob, 'yes', q.id);
    await new Promise((r) => setTimeout(r, 2_500));
    assert.ok(!fs.existsSync(inboxFile(board, 'session-a')), 'a yes from bob (not among the humans) does nothing');
    await server.postAs(server.alice, 'Yes, go ahead', q.id);
    const r = await asking;
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as AskJson;
    assert.equal(out.question?.id, q.id);
    assert.deepEqual([out.answer?.by, out.answer?.decision, out.answer?.text, out.holds], ['alice', 'yes', 'Yes, go ahead', true]);
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { claims: { session: string; path: string }[]; releases: { session: string; path: string; outcome?: string }[] };
    assert.deepEqual(
      status.claims.map((c) => [c.session, c.path]),
      [['session-b', 'repo/parser/**']],
    );
    assert.ok(
      status.releases.some((x) => x.session === 'session-a' && x.path === 'repo/parser/**' && x.outcome === 'taken over by session-b (approved by @alice)'),
      JSON.stringify(status.releases),
    );
    const takeover = await until(() => server.posts.find((p) => p.message.includes('TAKEOVER')), 30_000, 'the TAKEOVER post');
    assert.equal(takeover.root_id, q.id, "said in the question's thread");
    assert.equal(takeover.message, '[session-b] TAKEOVER `repo/parser/**` from session-a (approved by @\u2060alice)');
    // session-a's next hook call tells Claude, once; its edit is then denied by the guard.
    const hook = async (event: string, extra: Record<string, unknown>) => {
      const h = await cli(['hook', event], 'session-a', {}, JSON.stringify({ session_id: 'uuid-a', transcript_path: '', cwd: repo, ...extra }));
      assert.equal(h.code, 0, h.stderr);
      return h.stdout.trim()
        ? (JSON.parse(h.stdout) as { hookSpecificOutput?: { additionalContext?: string; permissionDecision?: string; permissionDecisionReason?: string } }).hookSpecificOutput
        : undefined;
    };
    const postTool = { hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: {}, tool_response: {}, tool_use_id: 't1' };
    const told = await hook('post-tool-use', postTool);
    assert.match(told?.additionalContext ?? '', /@alice handed `repo\/parser\/\*\*` over to session-b.*Stop touching/);
    assert.equal(await hook('post-tool-use', postTool), undefined, 'told once');
    assert.deepEqual(await takeInbox(board, 'session-b'), [], 'the asker read the answer on its terminal, not twice');
    const edit = await hook('pre-tool-use', { hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(repo, 'parser', 'x.ts'), content: 'x' }, tool_use_id: 't2' });
    assert.equal(edit?.permissionDecision, 'deny');
    assert.match(edit?.permissionDecisionReason ?? '', /session-b/);
  });

  it('no leaves the board as it was and exits 3; a 👍 decides like yes', async () => {
    const asking = cli(['ask', 'need it', '--about', 'repo/parser/**', '--wait', '60s'], 'session-b');
    const q = await questionPost();
    await server.postAs(server.alice, 'No, not now', q.id);
    const r = await asking;
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout.trim(), '@alice answered: "No, not now" (no); leave repo/parser/** alone: wait or pick other work');
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { claims: { session: string }[] };
    assert.deepEqual(
      status.claims.map((c) => c.session),
      ['session-a'],
    );
    assert.ok(!server.posts.some((p) => p.message.includes('TAKEOVER')));

    const again = cli(['ask', 'really need it now', '--about', 'repo/parser/**', '--wait', '60s'], 'session-b');
    const q2 = await questionPost('really need it now');
    await server.reactAs(server.alice, q2.id, '+1');
    const r2 = await again;
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(r2.stdout.trim(), '@alice answered: ":+1:" (yes); you hold repo/parser/** now');
  });

  it('no answer in time: exit 3, answer null; a plain question answered in words exits 0', async () => {
    const r = await cli(['ask', 'anyone?', '--about', 'repo/parser/**', '--wait', '3s', '--json'], 'session-b');
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as AskJson;
    assert.equal(out.answer, null);
    assert.equal(out.holds, false);
    assert.ok(out.question?.id);

    const plain = cli(['ask', 'which branch should I rebase on?', '--wait', '60s', '--json'], 'session-b');
    const q = await questionPost('which branch');
    await server.postAs(server.alice, 'main, as always', q.id);
    const p = await plain;
    assert.equal(p.code, 0, p.stderr);
    const pj = JSON.parse(p.stdout) as AskJson;
    assert.deepEqual([pj.answer?.decision, pj.answer?.text, pj.holds], ['other', 'main, as always', false]);
  });

  it('--wait with a webhook only is refused (exit 2, nothing posted); a bad duration too', async () => {
    const hookEnv = { CLAIMBOARD_MATTERMOST_URL: '', CLAIMBOARD_MATTERMOST_TOKEN: '', CLAIMBOARD_MATTERMOST_CHANNEL: '', CLAIMBOARD_MATTERMOST_WEBHOOK: server.hookUrl };
    const r = await cli(['ask', 'x?', '--wait', '10s'], 'session-b', hookEnv);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--wait needs a Mattermost token/);
    const bad = await cli(['ask', 'x?', '--wait', 'soon'], 'session-b');
    assert.equal(bad.code, 2);
    assert.equal(server.posts.filter((p) => p.message.includes('x?')).length, 0);
  });
});

describe('a decision is applied once, whoever sees it', () => {
  it('three readers recording the same yes at once hand the path over once', async () => {
    const dir = tempDir();
    const board = path.join(dir, 'coordination.md');
    await new ClaimService({ boardPath: board }).claim('session-a', { paths: ['repo/x/**'] });
    const question = { postId: 'q'.repeat(26), session: 'session-b', holder: 'session-a', path: 'repo/x/**', text: 'q' };
    const answer = { by: 'alice', text: 'yes', decision: 'yes' as const, at: new Date().toISOString(), source: 'post:abc' };
    const events: BoardEvent[] = [];
    const readers = [0, 1, 2].map(() =>
      recordAnswers({ boardPath: board, found: [{ question, answer }], service: () => new FileClaimStore({ boardPath: board, onEvents: (e) => void events.push(...e) }) }),
    );
    const results = await Promise.all(readers);
    assert.equal(results.flat().filter((a) => a.decided).length, 1);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['takeover'],
    );
    const view = new ClaimService({ boardPath: board }).status();
    assert.deepEqual(
      view.claims.map((c) => c.session),
      ['session-b'],
    );
    assert.equal(view.releases.filter((r) => r.outcome?.startsWith('taken over')).length, 1);
    assert.equal((await takeInbox(board, 'session-a')).length, 1);
    assert.equal((await takeInbox(board, 'session-b')).length, 1);
    assert.equal(readAnswers(board).questions[question.postId]?.answers.length, 1);

    // Later words in the thread are passed on as they are; the decision stands, and the decided
    // question stays watched, so they are answers, not messages addressed to the asker.
    const later = { ...answer, text: 'thanks, and hurry', decision: 'other' as const, source: 'post:def' };
    const [again] = await recordAnswers({ boardPath: board, found: [{ question, answer: later }], service: () => new FileClaimStore({ boardPath: board }) });
    assert.equal(again?.decided, false);
    assert.deepEqual(
      (await takeInbox(board, 'session-b')).map((m) => m.text),
      ['@alice answered your question about `repo/x/**` in Mattermost: "thanks, and hurry".'],
    );
    const journal = [
      {
        at: new Date().toISOString(),
        kind: 'ask' as const,
        session: 'session-b',
        path: 'repo/x/**',
        text: '[session-b] @alice session-a is holding `repo/x/**` — OK to interrupt?',
        postId: question.postId,
      },
    ];
    assert.ok(questionsToWatch(journal).questions.has(question.postId));
    assert.deepEqual(
      new ClaimService({ boardPath: board }).status().claims.map((c) => c.session),
      ['session-b'],
    );
  });
});
