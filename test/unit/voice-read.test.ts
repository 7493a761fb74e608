/**
 * Reading the person's voice back: the one decision parser, who decides (`mention` + `humans`),
 * and reading the channel by REST polling alone against the test server, 429s honoured.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDecision, reactionDecision } from '../../src/announce/decision';
import { deciders, loadAnnounceConfig } from '../../src/announce/config';
import { ChannelReader, answersIn, pollUntil, type QuestionRef } from '../../src/announce/channel-reader';
import { MattermostClient } from '../../src/announce/mattermost-client';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

describe('decisions: one parser for replies and reactions', () => {
  it('reads yes / no in any case with anything after; anything else is other', () => {
    const cases: [string, string][] = [
      ['yes', 'yes'],
      ['Yes please', 'yes'],
      ['OK', 'yes'],
      ['ok, go', 'yes'],
      ['okay', 'yes'],
      ['Go ahead', 'yes'],
      ['GO AHEAD and take the parser', 'yes'],
      ['interrupt them', 'yes'],
      ['Take it.', 'yes'],
      ['yes!', 'yes'],
      ['@claimbot yes', 'yes'],
      ['👍', 'yes'],
      [':+1:', 'yes'],
      ['no', 'no'],
      ['No, wait for them', 'no'],
      ['WAIT', 'no'],
      ['not now', 'no'],
      ['Not now, after lunch', 'no'],
      ['no.', 'no'],
      ['nothing to add', 'other'],
      ['nope', 'other'],
      ['okey dokey', 'other'],
      ['yesterday was fine', 'other'],
      ['waiting for CI', 'other'],
      ['let me look first', 'other'],
      ['', 'other'],
      ['why do you need it?', 'other'],
      ['I said yes', 'other'],
    ];
    for (const [text, want] of cases) assert.equal(parseDecision(text), want, JSON.stringify(text));
  });

  it('reactions: +1/thumbsup yes, -1/thumbsdown no, other emoji nothing', () => {
    assert.equal(reactionDecision('+1'), 'yes');
    assert.equal(reactionDecision('thumbsup'), 'yes');
    assert.equal(reactionDecision('+1_tone3'), 'yes');
    assert.equal(reactionDecision('-1'), 'no');
    assert.equal(reactionDecision('thumbsdown'), 'no');
    assert.equal(reactionDecision('heart'), undefined);
    assert.equal(reactionDecision('eyes'), undefined);
  });
});

describe('who decides: mention plus humans', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-humans-'));
  });

  const env = (extra: Record<string, string>) => ({ HOME: dir, CLAIMBOARD_MATTERMOST_WEBHOOK: 'http://127.0.0.1:9/hooks/x', CLAIMBOARD_MENTION: 'Alice', ...extra });

  it('CLAIMBOARD_HUMANS is comma-separated usernames; the mention is always one of them', () => {
    const loaded = loadAnnounceConfig({ env: env({ CLAIMBOARD_HUMANS: ' Bob, @carol ,,bob' }), configPath: path.join(dir, 'none.json') });
    assert.deepEqual(loaded.config?.humans, ['bob', 'carol']);
    assert.deepEqual([...deciders(loaded.config!)].sort(), ['alice', 'bob', 'carol']);
    const none = loadAnnounceConfig({ env: env({}), configPath: path.join(dir, 'none.json') });
    assert.deepEqual([...deciders(none.config!)], ['alice']);
  });

  it('the config file gives humans as a list or a string; a bad name is a one-line error', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ mattermost: { humans: ['dave', 'Erin'] } }));
    assert.deepEqual(loadAnnounceConfig({ env: env({}), configPath: file }).config?.humans, ['dave', 'erin']);
    fs.writeFileSync(file, JSON.stringify({ mattermost: { humans: 'dave,erin' } }));
    assert.deepEqual(loadAnnounceConfig({ env: env({}), configPath: file }).config?.humans, ['dave', 'erin']);
    const bad = loadAnnounceConfig({ env: env({ CLAIMBOARD_HUMANS: 'bob, not a name' }), configPath: file });
    assert.match(bad.error ?? '', /humans: "not a name" is not a Mattermost username/);
    assert.match(loadAnnounceConfig({ env: env({ CLAIMBOARD_HUMANS: 'here' }), configPath: file }).error ?? '', /not a person/);
  });
});

describe('reading the channel by REST polling', () => {
  let server: MattermostTestServer;
  let client: MattermostClient;
  beforeEach(async () => {
    server = await startMattermostServer();
    client = new MattermostClient({ secrets: [server.bot.token] });
  });
  afterEach(async () => {
    await client.close();
    await server.close();
  });

  async function question(): Promise<QuestionRef> {
    const q = await client.createPost(server.url, server.bot.token, {
      channel_id: server.channel.id,
      message: '[session-b] @alice session-a is holding `r/x` — OK to interrupt?',
      props: { from_claimboard: 'true' },
    });
    return { postId: q.id, session: 'session-b', holder: 'session-a', path: 'r/x' };
  }

  it('only the people who decide answer: replies in the thread and 👍/👎 on the question', async () => {
    const q = await question();
    const start = Date.now() - 60_000;
    await server.postAs(server.bob, 'yes', q.postId);
    // claimboard's own reply (whatever token it uses) is never an answer
    await client.createPost(server.url, server.bot.token, { channel_id: server.channel.id, message: 'yes', root_id: q.postId, props: { from_claimboard: 'true' } });
    await server.postAs(server.alice, 'Go ahead, I am done with it', q.postId);
    await server.postAs(server.alice, 'yes, unrelated', undefined);
    await server.reactAs(server.alice, q.postId, 'heart');
    await server.reactAs(server.bob, q.postId, '-1');
    await server.reactAs(server.alice, q.postId, '+1');
    const reader = new ChannelReader({ client, serverUrl: server.url, token: server.bot.token, channelId: server.channel.id });
    const read = await reader.read(start, new Set([q.postId]));
    const questions = new Map([[q.postId, q]]);
    const alice = answersIn(read, questions, new Set(['alice'])).map((a) => [a.answer.by, a.answer.decision, a.answer.text]);
    assert.deepEqual(alice, [
      ['alice', 'yes', 'Go ahead, I am done with it'],
      ['alice', 'yes', ':+1:'],
    ]);
    const withBob = answersIn(read, questions, new Set(['alice', 'bob'])).map((a) => [a.answer.by, a.answer.decision]);
    assert.deepEqual(withBob, [
      ['bob', 'yes'],
      ['alice', 'yes'],
      ['bob', 'no'],
      ['alice', 'yes'],
    ]);
    assert.ok(read.cursor >= Math.max(...server.posts.map((p) => p.update_at)), 'the cursor moves to the newest change');
    // Next read from the cursor: nothing new is an answer again only by its own post id (dedupe is the journal's)
    const again = await reader.read(read.cursor + 1, new Set([q.postId]));
    assert.deepEqual(again.posts, []);
    const names = server.requests.filter((r) => r.path === '/api/v4/users/ids').length;
    await reader.read(start, new Set([q.postId]));
    assert.equal(server.requests.filter((r) => r.path === '/api/v4/users/ids').length, names, 'user names are looked up once');
  });

  it('a 429 is waited out for its Retry-After (never the interval) and reading goes on', async () => {
    const q = await question();
    const reader = new ChannelReader({ client, serverUrl: server.url, token: server.bot.token, channelId: server.channel.id });
    await server.postAs(server.alice, 'no', q.postId);
    server.inject({ kind: 'rate-limit', retryAfterS: 7 }, 1, /\/channels\/.*\/posts$/);
    const waits: number[] = [];
    const errors: string[] = [];
    const got = await pollUntil(
      async () => {
        const r = await reader.read(1, new Set([q.postId]));
        const a = answersIn(r, new Map([[q.postId, q]]), new Set(['alice']));
        return a[0]?.answer;
      },
      { intervalMs: 2_000, deadline: Date.now() + 60_000, sleep: async (ms) => void waits.push(ms), onError: (e) => errors.push(e.message) },
    );
    assert.equal(got?.decision, 'no');
    assert.deepEqual(waits, [7_000], 'one wait, as long as the server asked');
    assert.match(errors[0] ?? '', /429/);
    const polls = server.requests.filter((r) => r.path.endsWith('/posts') && r.method === 'GET');
    assert.deepEqual(
      polls.map((r) => r.status),
      [429, 200],
    );
  });

  it('a refusal (401) ends polling with its error; a server that is down is tried again', async () => {
    const reader = new ChannelReader({ client, serverUrl: server.url, token: 'wrong', channelId: server.channel.id });
    await assert.rejects(
      pollUntil(() => reader.read(1, new Set()).then(() => undefined), { intervalMs: 2_000, deadline: Date.now() + 60_000, sleep: async () => undefined }),
      /401/,
    );
    const good = new ChannelReader({ client, serverUrl: server.url, token: server.bot.token, channelId: server.channel.id });
    server.inject({ kind: 'status', status: 503 }, 2);
    let calls = 0;
    const got = await pollUntil(
      async () => {
        calls++;
        await good.read(1, new Set());
        return 'read';
      },
      { intervalMs: 2_000, deadline: Date.now() + 60_000, sleep: async () => undefined },
    );
    assert.equal(got, 'read');
    assert.equal(calls, 3);
  });
});
