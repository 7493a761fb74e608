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

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'mattermost-api');

interface OpenApiFragment {
  [path: string]: Record<string, { parameters?: { name: string; in: string }[]; responses?: Record<string, unknown> }>;
}

function loadSchemas(): { Post: ValidateFunction; PostList: ValidateFunction; AppError: ValidateFunction } {
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
  return { Post: get('Post'), PostList: get('PostList'), AppError: get('AppError') };
}

function loadPaths(file: string): OpenApiFragment {
  return parseYaml(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as OpenApiFragment;
}

function valid(v: ValidateFunction, data: unknown): void {
  assert.ok(v(data), JSON.stringify(v.errors));
}

async function call(server: MattermostTestServer, method: 'GET' | 'POST', p: string, body?: unknown, token: string | null = server.bot.token) {
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
    assert.deepEqual(list.order.map((id) => list.posts[id].message), ['m4', 'm3']);
    assert.equal(list.has_next, true);
    const page2 = (await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?page=2&per_page=2`)).json() as typeof list;
    assert.deepEqual(page2.order.map((id) => page2.posts[id].message), ['m0']);
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
    const create = posts['/api/v4/posts'].post;
    assert.ok(create.responses?.['201'], 'spec: create post answers 201');
    const list = posts['/api/v4/channels/{channel_id}/posts'].get;
    const names = (list.parameters ?? []).map((p) => p.name);
    for (const n of ['page', 'per_page', 'since']) assert.ok(names.includes(n), `spec lists ${n}`);
    const r = await call(server, 'GET', `/api/v4/channels/${server.channel.id}/posts?since=1&page=0&per_page=60`);
    assert.ok(list.responses?.[String(r.status)], `status ${r.status} is one the spec declares`);
    assert.ok(channels['/api/v4/teams/name/{team_name}/channels/name/{channel_name}'], 'spec has the channel lookup');
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
