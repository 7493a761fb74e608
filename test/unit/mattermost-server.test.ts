/**
 * The test server must speak Mattermost, or every announcement test proves nothing: its JSON
 * is validated against the official OpenAPI schemas (Post, PostList, AppError) with ajv, and
 * the official client (Client4) is run against it as an independent check.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { request } from 'undici';
import { Client4 } from '@mattermost/client';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';
import { must } from '../../src/core/errors';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'mattermost-api');

interface OpenApiFragment {
  [path: string]: Record<string, { parameters?: { name: string; in: string }[]; responses?: Record<string, unknown> }>;
}

function loadSchemas(): { Post: ValidateFunction; PostList: ValidateFunction; AppError: ValidateFunction; User: ValidateFunction; Reaction: ValidateFunction } {
  const defs = parseYaml(fs.readFileSync(path.join(FIXTURES, 'definitions.yaml'), 'utf8')) as { components: { schemas: Record<string, unknown> } };
  // OpenAPI 3.0 adds `example`/`nullable` and number formats; ajv reads the rest as JSON Schema.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://claimboard.test/mattermost/definitions.json', components: defs.components });
  const get = (name: string) => {
    const v = ajv.getSchema(`https://claimboard.test/mattermost/definitions.json#/components/schemas/${name}`);
    assert.ok(v, `schema ${name} is in definitions.yaml`);
    return v;
  };
  return { Post: get('Post'), PostList: get('PostList'), AppError: get('AppError'), User: get('User'), Reaction: get('Reaction') };
}

function loadPaths(file: string): OpenApiFragment {
  return parseYaml(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as OpenApiFragment;
}

function valid(v: ValidateFunction, data: unknown): void {
  assert.ok(v(data), JSON.stringify(v.errors));
}

async function call(server: MattermostTestServer, method: 'GET' | 'POST' | 'DELETE', p: string, body?: unknown, token: string | null = server.bot.token) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(`${server.url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

describe('Mattermost test server', () => {
  const schemas = loadSchemas();
  let server: MattermostTestServer;

  beforeEach(async () => {
    server = await startMattermostServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('the validator is real: it refuses a Post whose create_at is a string', () => {
    assert.equal(schemas.Post({ id: 'x', create_at: 'yesterday' }), false);
    assert.equal(schemas.PostList({ order: 'not-an-array' }), false);
  });

  it('creates posts (201, a Post) and reads them back as a PostList, newest first, with paging', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await call(server, 'POST', '/api/v4/posts', { channel_id: server.channel.id, message: `m${i}` });
      assert.equal(r.status, 201);
      valid(schemas.Post, r.json());
      assert.ok(r.headers['x-request-id'] && r.headers['x-version-id']);
    }
    const page0 = await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?page=0&per_page=2`);
    assert.equal(page0.status, 200);
    const list = page0.json() as { order: string[]; posts: Record<string, { message: string }>; has_next: boolean };
    valid(schemas.PostList, list);
    assert.deepEqual(
      list.order.map((id) => list.posts[id]?.message),
      ['m4', 'm3'],
    );
    assert.equal(list.has_next, true);
    const page2 = (await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?page=2&per_page=2`)).json() as typeof list;
    assert.deepEqual(
      page2.order.map((id) => page2.posts[id]?.message),
      ['m0'],
    );
    assert.equal(page2.has_next, false);
  });

  it('answers a retried create with the same pending_post_id with the first post, not a second', async () => {
    const body = { channel_id: server.channel.id, message: 'once', pending_post_id: 'abc123' };
    const a = (await call(server, 'POST', '/api/v4/posts', body)).json() as { id: string };
    const b = (await call(server, 'POST', '/api/v4/posts', body)).json() as { id: string };
    assert.equal(a.id, b.id);
    assert.deepEqual(server.messages(), ['once']);
  });

  it('keeps a reply in its thread and refuses a reply to an unknown root', async () => {
    const root = (await call(server, 'POST', '/api/v4/posts', { channel_id: server.channel.id, message: 'root' })).json() as { id: string };
    const reply = await call(server, 'POST', '/api/v4/posts', { channel_id: server.channel.id, message: 'reply', root_id: root.id });
    assert.equal(reply.status, 201);
    assert.equal((reply.json() as { root_id: string }).root_id, root.id);
    const bad = await call(server, 'POST', '/api/v4/posts', { channel_id: server.channel.id, message: 'x', root_id: 'nope' });
    assert.equal(bad.status, 400);
    valid(schemas.AppError, bad.json());
  });

  it('answers auth, permission and not-found problems with AppError JSON', async () => {
    const noToken = await call(server, 'GET', '/api/v4/users/me', undefined, null);
    assert.equal(noToken.status, 401);
    valid(schemas.AppError, noToken.json());
    assert.equal((noToken.json() as { id: string }).id, 'api.context.session_expired.app_error');
    const outsider = await call(server, 'POST', '/api/v4/posts', { channel_id: server.channel.id, message: 'x' }, server.outsider.token);
    assert.equal(outsider.status, 403);
    valid(schemas.AppError, outsider.json());
    const missing = await call(server, 'GET', '/api/v4/teams/name/team/channels/name/nope');
    assert.equal(missing.status, 404);
    valid(schemas.AppError, missing.json());
    const tooLong = await call(server, 'POST', '/api/v4/posts', { channel_id: server.channel.id, message: 'x'.repeat(16384) });
    assert.equal((tooLong.json() as { id: string }).id, 'model.post.is_valid.message_length.app_error');
  });

  it('incoming webhook: 200 text/plain "ok", 400 AppError for an unknown hook or no text', async () => {
    const ok = await call(server, 'POST', `/hooks/${server.hookId}`, { text: 'hello' }, null);
    assert.equal(ok.status, 200);
    assert.equal(ok.text, 'ok');
    assert.match(String(ok.headers['content-type']), /text\/plain/);
    assert.deepEqual(server.messages(), ['hello']);
    const unknown = await call(server, 'POST', '/hooks/nope', { text: 'x' }, null);
    assert.equal(unknown.status, 400);
    valid(schemas.AppError, unknown.json());
    const empty = await call(server, 'POST', `/hooks/${server.hookId}`, {}, null);
    assert.equal((empty.json() as { id: string }).id, 'web.incoming_webhook.text.app_error');
  });

  it('faults: 429 is plain text with Retry-After, 500 is AppError, reset drops the socket, hang never answers', async () => {
    server.inject({ kind: 'rate-limit', retryAfterS: 3 }, 1);
    const limited = await call(server, 'GET', '/api/v4/users/me');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.equal(limited.headers['x-ratelimit-reset'], '3');
    assert.throws(() => limited.json(), SyntaxError, 'a 429 body is not JSON');
    server.inject({ kind: 'status', status: 503 }, 1);
    const down = await call(server, 'GET', '/api/v4/users/me');
    assert.equal(down.status, 503);
    valid(schemas.AppError, down.json());
    server.inject({ kind: 'reset' }, 1);
    await assert.rejects(call(server, 'GET', '/api/v4/users/me'));
    server.inject({ kind: 'hang' }, 1);
    await assert.rejects(request(`${server.url}/api/v4/users/me`, { signal: AbortSignal.timeout(300) }));
    assert.equal((await call(server, 'GET', '/api/v4/users/me')).status, 200, 'faults with a count run out');
  });

  it('down refuses connections; up listens again on the same port', async () => {
    const port = server.port;
    await server.down();
    await assert.rejects(call(server, 'GET', '/api/v4/users/me'), /ECONNREFUSED|connect/);
    await server.up();
    assert.equal(server.port, port);
    assert.equal((await call(server, 'GET', '/api/v4/users/me')).status, 200);
  });

  it('answers with the status codes and accepts the parameters the OpenAPI paths declare', async () => {
    const posts = loadPaths('posts.yaml');
    const channels = loadPaths('channels.yaml');
    const create = must(posts['/api/v4/posts']?.post, 'spec: create post');
    assert.ok(create.responses?.['201'], 'spec: create post answers 201');
    const list = must(posts['/api/v4/channels/{channel_id}/posts']?.get, 'spec: list posts');
    const names = (list.parameters ?? []).map((p) => p.name);
    for (const n of ['page', 'per_page', 'since']) assert.ok(names.includes(n), `spec lists ${n}`);
    const r = await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?since=1&page=0&per_page=60`);
    assert.ok(list.responses?.[String(r.status)], `status ${r.status} is one the spec declares`);
    assert.ok(channels['/api/v4/teams/name/{team_name}/channels/name/{channel_name}'], 'spec has the channel lookup');
  });

  it('several users, each with its own token: me, by id, by ids, by username (User schema)', async () => {
    for (const u of [server.bot, server.alice, server.bob]) {
      const me = await call(server, 'GET', '/api/v4/users/me', undefined, u.token);
      valid(schemas.User, me.json());
      assert.equal((me.json() as { username: string }).username, u.username);
    }
    const byId = await call(server, 'GET', `/api/v4/users/${server.alice.id}`);
    valid(schemas.User, byId.json());
    assert.equal((byId.json() as { username: string }).username, 'alice');
    const byIds = await call(server, 'POST', '/api/v4/users/ids', [server.alice.id, server.bob.id, 'x'.repeat(26)]);
    assert.equal(byIds.status, 200);
    const users = byIds.json() as { username: string }[];
    for (const u of users) valid(schemas.User, u);
    assert.deepEqual(users.map((u) => u.username).sort(), ['alice', 'bob'], 'unknown ids are left out');
    const byName = await call(server, 'GET', '/api/v4/users/username/bob');
    assert.equal((byName.json() as { id: string }).id, server.bob.id);
    const missing = await call(server, 'GET', '/api/v4/users/username/nobody');
    assert.equal(missing.status, 404);
    valid(schemas.AppError, missing.json());
    const badBody = await call(server, 'POST', '/api/v4/users/ids', { ids: [] });
    assert.equal(badBody.status, 400);
  });

  it('posts since a time: new posts and posts a reaction changed; before/after paging', async () => {
    const q = await server.postAs(server.bot, 'question');
    const since = q.create_at + 1;
    const reply = await server.postAs(server.alice, 'yes', q.id);
    let list = (await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?since=${since}`)).json() as {
      order: string[];
      posts: Record<string, { id: string; message: string; metadata?: { reactions?: unknown[] } }>;
    };
    valid(schemas.PostList, list);
    assert.deepEqual(list.order, [reply.id], 'only what is new since then');
    assert.ok(list.posts[q.id], 'the thread root comes along');
    // The server's clock only goes up: anything after the reply is newer than it.
    const mark = reply.update_at + 1;
    const reaction = await server.reactAs(server.alice, q.id, '+1');
    valid(schemas.Reaction, reaction);
    list = (await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?since=${mark}`)).json() as typeof list;
    assert.deepEqual(list.order, [q.id], 'a reaction changes the post, so since sees it again');
    assert.equal(list.posts[q.id]!.metadata?.reactions?.length, 1);
    // before / after, anchored on a post id, newest first
    const more = [] as string[];
    for (let i = 0; i < 4; i++) more.push((await server.postAs(server.bob, `m${i}`)).id);
    const before = (await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?before=${more[2]}&per_page=2`)).json() as typeof list & { has_next: boolean };
    assert.deepEqual(before.order, [more[1], more[0]]);
    const afterList = (await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?after=${more[0]}&per_page=2`)).json() as typeof list;
    assert.deepEqual(afterList.order, [more[2], more[1]]);
  });

  it('a thread (PostList of the root and its replies, from the root or a reply) and its reactions', async () => {
    const root = await server.postAs(server.bot, 'root');
    const r1 = await server.postAs(server.alice, 'one', root.id);
    const r2 = await server.postAs(server.bob, 'two', root.id);
    await server.postAs(server.bob, 'elsewhere');
    for (const from of [root.id, r1.id]) {
      const t = await call(server, 'GET', `/api/v4/posts/${from}/thread`);
      assert.equal(t.status, 200);
      valid(schemas.PostList, t.json());
      assert.deepEqual((t.json() as { order: string[] }).order, [r2.id, r1.id, root.id]);
    }
    await server.reactAs(server.alice, root.id, 'thumbsup');
    await server.reactAs(server.alice, root.id, 'thumbsup');
    const reactions = await call(server, 'GET', `/api/v4/posts/${root.id}/reactions`);
    const got = reactions.json() as { user_id: string; emoji_name: string }[];
    for (const r of got) valid(schemas.Reaction, r);
    assert.deepEqual(
      got.map((r) => [r.user_id, r.emoji_name]),
      [[server.alice.id, 'thumbsup']],
      'the same reaction twice is one',
    );
    const asOther = await call(server, 'POST', '/api/v4/reactions', { user_id: server.alice.id, post_id: root.id, emoji_name: '-1' }, server.bob.token);
    assert.equal(asOther.status, 403, 'a token reacts only as its own user');
    valid(schemas.AppError, asOther.json());
    const removed = await call(server, 'DELETE', `/api/v4/users/${server.alice.id}/posts/${root.id}/reactions/thumbsup`, undefined, server.alice.token);
    assert.equal(removed.status, 200);
    assert.deepEqual((await call(server, 'GET', `/api/v4/posts/${root.id}/reactions`)).json(), []);
    const unknown = await call(server, 'GET', `/api/v4/posts/${'x'.repeat(26)}/thread`);
    assert.equal(unknown.status, 404);
    valid(schemas.AppError, unknown.json());
    const spec = must(loadPaths('posts.yaml')['/api/v4/posts/{post_id}/thread']?.get, 'spec: a thread');
    assert.ok(spec.responses?.['200'], 'spec: a thread answers 200');
    assert.ok((spec.parameters ?? []).some((p) => p.name === 'post_id' && p.in === 'path'));
    const withParams = await call(server, 'GET', `/api/v4/posts/${root.id}/thread?perPage=60&direction=down&skipFetchThreads=false&collapsedThreads=false`);
    assert.ok(spec.responses?.[String(withParams.status)], `status ${withParams.status} is one the spec declares`);
  });

  it('satisfies the official client (Client4) for reading: posts since, thread, reactions, users', async () => {
    const bot = new Client4();
    bot.setUrl(server.url);
    bot.setToken(server.bot.token);
    const alice = new Client4();
    alice.setUrl(server.url);
    alice.setToken(server.alice.token);
    const q = await bot.createPost({ channel_id: server.channel.id, message: 'OK to interrupt?' } as Parameters<Client4['createPost']>[0]);
    const reply = await alice.createPost({ channel_id: server.channel.id, message: 'yes', root_id: q.id } as Parameters<Client4['createPost']>[0]);
    const since = await bot.getPostsSince(server.channel.id, q.create_at + 1);
    assert.deepEqual(since.order, [reply.id]);
    const thread = await bot.getPostThread(q.id);
    assert.deepEqual(thread.order, [reply.id, q.id]);
    const reaction = await alice.addReaction(server.alice.id, q.id, '+1');
    assert.equal(reaction.emoji_name, '+1');
    assert.deepEqual(
      (await bot.getReactionsForPost(q.id)).map((r) => r.user_id),
      [server.alice.id],
    );
    assert.equal((await bot.getUser(server.alice.id)).username, 'alice');
    assert.deepEqual((await bot.getProfilesByIds([server.alice.id, server.bob.id])).map((u) => u.username).sort(), ['alice', 'bob']);
    assert.equal((await bot.getUserByUsername('bob')).id, server.bob.id);
    assert.equal((await alice.getMe()).username, 'alice');
  });

  it('satisfies the official client (Client4): users/me, channel lookup, create post, read posts', async () => {
    const client = new Client4();
    client.setUrl(server.url);
    client.setToken(server.bot.token);
    const me = await client.getMe();
    assert.equal(me.username, 'claimbot');
    const ch = await client.getChannelByNameAndTeamName('team', 'claims');
    assert.equal(ch.id, server.channel.id);
    const post = await client.createPost({ channel_id: ch.id, message: 'from Client4' } as Parameters<Client4['createPost']>[0]);
    assert.equal(post.message, 'from Client4');
    const list = await client.getPosts(ch.id, 0, 60);
    assert.deepEqual(list.order, [post.id]);
    client.setToken('wrong');
    await assert.rejects(client.getMe(), (err: { status_code?: number }) => err.status_code === 401);
  });
});
