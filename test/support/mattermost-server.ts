/**
 * A real HTTP server on 127.0.0.1 (random port) that behaves like Mattermost for the calls the
 * announcements layer makes, following ../shared/mattermost-api/MATTERMOST.md: incoming
 * webhooks (`ok` as text/plain), posts with `pending_post_id` de-duplication and threads,
 * channel posts (paging, `since`, `before`/`after`), a thread, reactions (read, and added by
 * a person), users (me, by id, by ids, by username; several, each with its own token: the bot,
 * the human `alice`, another person `bob`), channel lookup by team/name, AppError bodies, and a
 * plain-text 429. Faults can be injected: down, slow, 5xx, 429 with Retry-After, connection
 * reset, and hang (accept the request, never answer).
 */
import * as http from 'node:http';
import * as crypto from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { Post, PostList } from '@mattermost/types/posts';
import type { Reaction } from '@mattermost/types/reactions';
import { must } from '../../src/core/errors';

export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'rate-limit'; retryAfterS: number; /** Send only X-RateLimit-Reset, no Retry-After. */ resetOnly?: boolean }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'slow'; delayMs: number };

interface ActiveFault {
  fault: Fault;
  /** How many more requests it applies to; Infinity until cleared. */
  remaining: number;
  path?: RegExp;
}

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

export interface TestChannel {
  id: string;
  name: string;
  display_name: string;
  team_id: string;
  members: Set<string>;
}

export interface RequestRecord {
  method: string;
  path: string;
  status?: number;
  fault?: Fault['kind'];
}

export const MAX_MESSAGE = 16383;

export function mmId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(26);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

export class MattermostTestServer {
  readonly team = { id: mmId(), name: 'team', display_name: 'Team' };
  readonly bot: TestUser = { id: mmId(), username: 'claimbot', token: mmId() };
  /** A user who is in the team but not in the channel. */
  readonly outsider: TestUser = { id: mmId(), username: 'outsider', token: mmId() };
  /** The person the sessions mention (`CLAIMBOARD_MENTION=alice`): a member of the channel. */
  readonly alice: TestUser = { id: mmId(), username: 'alice', token: mmId() };
  /** Another person in the channel, not among the humans who decide unless a test says so. */
  readonly bob: TestUser = { id: mmId(), username: 'bob', token: mmId() };
  readonly reactions: Reaction[] = [];
  readonly channel: TestChannel;
  readonly otherChannel: TestChannel;
  readonly hookId = mmId();
  readonly posts: Post[] = [];
  readonly requests: RequestRecord[] = [];
  /** Requests accepted in hang mode and never answered. */
  readonly hung = new Set<http.ServerResponse>();
  private readonly faults: ActiveFault[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly pendingIds = new Map<string, Post>();
  private server: http.Server;
  private clock = 0;
  port = 0;

  constructor() {
    this.channel = { id: mmId(), name: 'claims', display_name: 'Claims', team_id: this.team.id, members: new Set([this.bot.id, this.alice.id, this.bob.id]) };
    this.otherChannel = { id: mmId(), name: 'elsewhere', display_name: 'Elsewhere', team_id: this.team.id, members: new Set([this.bot.id, this.outsider.id]) };
    this.server = this.createServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get hookUrl(): string {
    return `${this.url}/hooks/${this.hookId}`;
  }

  /** Messages posted to the claims channel, oldest first. */
  messages(channelId = this.channel.id): string[] {
    return this.posts.filter((p) => p.channel_id === channelId).map((p) => p.message);
  }

  /** Apply `fault` to the next `times` requests (default: until cleared), optionally only on matching paths. */
  inject(fault: Fault, times = Infinity, path?: RegExp): void {
    this.faults.push({ fault, remaining: times, path });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** End the hung requests by dropping their connections (the client sees a reset). */
  dropHung(): void {
    for (const res of this.hung) res.socket?.destroy();
    this.hung.clear();
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stop accepting connections and drop the open ones: clients see "connection refused". */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.hung.clear();
    await closed;
    this.server = this.createServer();
  }

  /** Listen again on the same port. */
  async up(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await this.down();
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) this.appError(res, 500, 'api.context.unknown.app_error', String(err));
      });
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => this.upgrade(req, socket));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private takeFault(path: string): Fault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const f = must(this.faults[i], 'the fault');
      if (f.path && !f.path.test(path)) continue;
      if (--f.remaining <= 0) this.faults.splice(i, 1);
      return f.fault;
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname };
    this.requests.push(record);
    res.setHeader('X-Request-Id', mmId());
    res.setHeader('X-Version-Id', '10.5.0.test');
    res.on('finish', () => (record.status = res.statusCode));
    const body = await readBody(req);

    const fault = this.takeFault(url.pathname);
    if (fault) {
      record.fault = fault.kind;
      switch (fault.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          this.hung.add(res);
          res.on('close', () => this.hung.delete(res));
          return;
        case 'status':
          return this.appError(res, fault.status, 'api.context.unknown.app_error', 'injected failure');
        case 'rate-limit':
          // The real limiter answers with plain text, not AppError JSON.
          res.setHeader('X-RateLimit-Limit', '10');
          res.setHeader('X-RateLimit-Remaining', '0');
          res.setHeader('X-RateLimit-Reset', String(fault.retryAfterS));
          if (!fault.resetOnly) res.setHeader('Retry-After', String(fault.retryAfterS));
          res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('limit exceeded\n');
          return;
        case 'slow':
          await new Promise((r) => setTimeout(r, fault.delayMs));
          break;
      }
    }
    return this.route(req.method ?? 'GET', url, req, res, body);
  }

  private route(method: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/hooks\/([^/]+)$/.exec(p))) return this.webhook(must(m[1], 'the webhook key'), req, res, body);
    if (!p.startsWith('/api/v4/')) return this.appError(res, 404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
    const user = this.authenticate(req);
    if (!user) return this.appError(res, 401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.');

    if (method === 'GET' && p === '/api/v4/users/me') return json(res, 200, userJson(user));
    if (method === 'POST' && p === '/api/v4/users/ids') {
      let ids: unknown;
      try {
        ids = JSON.parse(body);
      } catch {
        ids = undefined;
      }
      if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return this.appError(res, 400, 'api.context.invalid_body_param.app_error', 'Invalid or missing user_ids in request body.');
      // Unknown ids are left out, not an error.
      return json(
        res,
        200,
        this.users()
          .filter((u) => ids.includes(u.id))
          .map(userJson),
      );
    }
    if (method === 'GET' && (m = /^\/api\/v4\/users\/username\/([^/]+)$/.exec(p))) {
      const found = this.users().find((u) => u.username === decodeURIComponent(m![1] ?? ''));
      return found ? json(res, 200, userJson(found)) : this.appError(res, 404, 'app.user.get_by_username.app_error', 'Unable to find an existing account matching your username for this team.');
    }
    if (method === 'GET' && (m = /^\/api\/v4\/users\/([a-z0-9]{26})$/.exec(p))) {
      const found = this.users().find((u) => u.id === m![1]);
      return found ? json(res, 200, userJson(found)) : this.appError(res, 404, 'app.user.missing_account.const', 'Unable to find the user.');
    }
    if (method === 'POST' && p === '/api/v4/posts') return this.createPost(user, res, body);
    if (method === 'POST' && p === '/api/v4/reactions') return this.addReaction(user, res, body);
    if (method === 'DELETE' && (m = /^\/api\/v4\/users\/([^/]+)\/posts\/([^/]+)\/reactions\/([^/]+)$/.exec(p))) {
      if (m[1] !== user.id) return this.appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      const i = this.reactions.findIndex((r) => r.user_id === m![1] && r.post_id === m![2] && r.emoji_name === decodeURIComponent(m![3] ?? ''));
      if (i >= 0) {
        this.reactions.splice(i, 1);
        this.touch(m[2] ?? '');
      }
      return json(res, 200, { status: 'OK' });
    }
    if ((m = /^\/api\/v4\/posts\/([^/]+)(\/thread|\/reactions)?$/.exec(p)) && method === 'GET') {
      const post = this.posts.find((x) => x.id === m![1] && !x.delete_at);
      const ch = post && [this.channel, this.otherChannel].find((c) => c.id === post.channel_id);
      if (!post || !ch) return this.appError(res, 404, 'app.post.get.app_error', 'Unable to get the post.');
      if (!ch.members.has(user.id)) return this.appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      if (m[2] === '/reactions')
        return json(
          res,
          200,
          this.reactions.filter((r) => r.post_id === post.id),
        );
      if (m[2] === '/thread') return this.thread(post, res);
      return json(res, 200, this.withMetadata(post));
    }
    if (method === 'GET' && (m = /^\/api\/v4\/teams\/name\/([^/]+)\/channels\/name\/([^/]+)$/.exec(p))) {
      const ch = m[1] === this.team.name ? this.channelByName(decodeURIComponent(must(m[2], 'the channel name'))) : undefined;
      if (!ch) return this.appError(res, 404, 'app.channel.get_by_name.missing.app_error', 'Channel does not exist.');
      return json(res, 200, channelJson(ch));
    }
    if ((m = /^\/api\/v4\/channels\/([^/]+)(\/.*)?$/.exec(p))) {
      const ch = [this.channel, this.otherChannel].find((c) => c.id === m![1]);
      if (!ch) return this.appError(res, 404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.');
      if (!ch.members.has(user.id)) return this.appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      const rest = m[2] ?? '';
      if (method === 'GET' && rest === '') return json(res, 200, channelJson(ch));
      if (method === 'GET' && rest === '/members/me') return json(res, 200, { channel_id: ch.id, user_id: user.id, roles: 'channel_user' });
      if (method === 'GET' && rest === '/posts') return this.channelPosts(ch, url, res);
    }
    return this.appError(res, 404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
  }

  private authenticate(req: http.IncomingMessage): TestUser | undefined {
    const h = req.headers.authorization ?? '';
    const m = /^bearer\s+(\S+)$/i.exec(h) ?? /^token\s+(\S+)$/i.exec(h);
    const token = m?.[1] ?? (req.headers.token as string | undefined);
    return this.users().find((u) => u.token === token);
  }

  users(): TestUser[] {
    return [this.bot, this.alice, this.bob, this.outsider];
  }

  /** A person writes in the channel, through the API as any client would (a reply when `rootId` is given). */
  async postAs(user: TestUser, message: string, rootId?: string): Promise<Post> {
    return (await this.callAs(user, 'POST', '/api/v4/posts', { channel_id: this.channel.id, message, ...(rootId ? { root_id: rootId } : {}) })) as Post;
  }

  /** A person reacts to a post (`+1`, `-1`, `thumbsup`, …), through the API. */
  async reactAs(user: TestUser, postId: string, emoji: string): Promise<Reaction> {
    return (await this.callAs(user, 'POST', '/api/v4/reactions', { user_id: user.id, post_id: postId, emoji_name: emoji })) as Reaction;
  }

  private async callAs(user: TestUser, method: string, p: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${p}`, { method, headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} as ${user.username}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  }

  private addReaction(user: TestUser, res: http.ServerResponse, body: string): void {
    let input: Partial<Reaction>;
    try {
      input = JSON.parse(body) as Partial<Reaction>;
    } catch {
      return this.appError(res, 400, 'api.context.invalid_body_param.app_error', 'Invalid or missing reaction in request body.');
    }
    if (!input.user_id || !input.post_id || !input.emoji_name || !/^[a-z0-9_+-]{1,64}$/.test(input.emoji_name)) {
      return this.appError(res, 400, 'api.context.invalid_body_param.app_error', 'Invalid or missing reaction in request body.');
    }
    // A token can only react as its own user.
    if (input.user_id !== user.id) return this.appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
    const post = this.posts.find((x) => x.id === input.post_id && !x.delete_at);
    const ch = post && [this.channel, this.otherChannel].find((c) => c.id === post.channel_id);
    if (!post || !ch || !ch.members.has(user.id)) return this.appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
    const same = this.reactions.find((r) => r.user_id === user.id && r.post_id === post.id && r.emoji_name === input.emoji_name);
    if (same) return json(res, 201, same);
    const reaction = { user_id: user.id, post_id: post.id, emoji_name: input.emoji_name, create_at: this.tick(), update_at: this.clock, delete_at: 0, remote_id: '', channel_id: ch.id } as Reaction;
    this.reactions.push(reaction);
    // A reaction changes the post: `since` polling sees it again.
    this.touch(post.id);
    this.broadcast('reaction_added', ch.id, { reaction: JSON.stringify(reaction) });
    json(res, 201, reaction);
  }

  /**
   * Off by default, so every other test reads by REST polling alone (websockets are blocked on
   * some networks): on, `/api/v4/websocket` takes a Bearer token on the upgrade and sends
   * `posted` and `reaction_added` events as Mattermost does (text frames, unmasked).
   */
  websocket = false;
  /** Open websocket connections (for tests: one listener opens one). */
  readonly wsSockets = new Set<Socket>();
  private wsSeq = 0;

  private upgrade(req: http.IncomingMessage, socket: Socket): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = /^bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const user = this.users().find((u) => u.token === token);
    const key = req.headers['sec-websocket-key'];
    this.requests.push({ method: 'GET', path: url.pathname, status: this.websocket && user && key ? 101 : 404 });
    if (!this.websocket || url.pathname !== '/api/v4/websocket' || !user || typeof key !== 'string') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.wsSockets.add(socket);
    socket.on('close', () => this.wsSockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Client frames (pings, close) are not read: a close from the client ends the socket.
    socket.on('data', (d: Buffer) => {
      if (((d[0] ?? 0) & 0x0f) === 0x8) socket.destroy();
    });
    this.sendWs(socket, { event: 'hello', data: { server_version: '10.5.0.test' }, broadcast: {}, seq: this.wsSeq++ });
  }

  private sendWs(socket: Socket, message: unknown): void {
    const payload = Buffer.from(JSON.stringify(message));
    const n = payload.length;
    const head = n < 126 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.from([0x81, 126, n >> 8, n & 0xff]) : Buffer.concat([Buffer.from([0x81, 127]), bigLength(n)]);
    socket.write(Buffer.concat([head, payload]));
  }

  private broadcast(event: string, channelId: string, data: Record<string, unknown>): void {
    for (const s of this.wsSockets) this.sendWs(s, { event, data, broadcast: { channel_id: channelId }, seq: this.wsSeq++ });
  }

  private touch(postId: string): void {
    const post = this.posts.find((x) => x.id === postId);
    if (post) post.update_at = this.tick();
  }

  private tick(): number {
    // Strictly increasing times, so ordering by create_at is the order of arrival.
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  /** The post as the server sends it: `has_reactions` and `metadata.reactions` when it has any. */
  private withMetadata(p: Post): Post {
    const reactions = this.reactions.filter((r) => r.post_id === p.id);
    if (reactions.length === 0) return p;
    return { ...p, has_reactions: true, metadata: { ...p.metadata, reactions } } as Post;
  }

  private thread(post: Post, res: http.ServerResponse): void {
    const rootId = post.root_id || post.id;
    const inThread = this.posts.filter((p) => (p.id === rootId || p.root_id === rootId) && !p.delete_at).sort((a, b) => b.create_at - a.create_at);
    const list = { order: inThread.map((p) => p.id), posts: {} as Record<string, Post>, next_post_id: '', prev_post_id: '', has_next: false };
    for (const p of inThread) list.posts[p.id] = this.withMetadata(p);
    json(res, 200, list);
  }

  private channelByName(name: string): TestChannel | undefined {
    return [this.channel, this.otherChannel].find((c) => c.name === name);
  }

  private webhook(id: string, req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    if (id !== this.hookId) return this.appError(res, 400, 'web.incoming_webhook.invalid.app_error', 'Invalid webhook.');
    let payload: { text?: string; channel?: string; props?: Record<string, unknown>; attachments?: unknown[] };
    try {
      const type = String(req.headers['content-type'] ?? '');
      payload = type.includes('application/x-www-form-urlencoded') ? JSON.parse(new URLSearchParams(body).get('payload') ?? '') : JSON.parse(body);
    } catch {
      return this.appError(res, 400, 'model.incoming_hook.parse_data.app_error', 'Unable to parse incoming data.');
    }
    if (!payload.text && !payload.attachments?.length) return this.appError(res, 400, 'web.incoming_webhook.text.app_error', 'No text specified.');
    let ch = this.channel;
    if (payload.channel) {
      const found = this.channelByName(payload.channel.replace(/^#/, ''));
      if (!found) return this.appError(res, 404, 'web.incoming_webhook.channel.app_error', `Couldn't find the channel.`);
      ch = found;
    }
    const text = payload.text ?? '';
    // The server splits long webhook text rather than refusing it.
    for (let i = 0; i < Math.max(1, text.length); i += MAX_MESSAGE) {
      this.addPost({ user_id: this.bot.id, channel_id: ch.id, message: text.slice(i, i + MAX_MESSAGE), props: { ...(payload.props ?? {}), from_webhook: 'true' } });
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  }

  private createPost(user: TestUser, res: http.ServerResponse, body: string): void {
    let input: Partial<Post>;
    try {
      input = JSON.parse(body) as Partial<Post>;
    } catch {
      return this.appError(res, 400, 'api.context.invalid_body_param.app_error', 'Invalid or missing post in request body.');
    }
    if (!input.channel_id) return this.appError(res, 400, 'api.context.invalid_param.app_error', 'Invalid or missing channel_id parameter in request URL.');
    const ch = [this.channel, this.otherChannel].find((c) => c.id === input.channel_id);
    if (!ch || !ch.members.has(user.id)) return this.appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
    if ((input.message ?? '').length > MAX_MESSAGE) return this.appError(res, 400, 'model.post.is_valid.message_length.app_error', 'Invalid Message property.');
    if (input.root_id) {
      const root = this.posts.find((p) => p.id === input.root_id);
      if (!root || root.channel_id !== ch.id || root.root_id || root.delete_at) {
        return this.appError(res, 400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
      }
    }
    // A retried create whose first attempt arrived returns the first post, not a second one.
    const key = input.pending_post_id ? `${user.id}:${input.pending_post_id}` : undefined;
    const seen = key ? this.pendingIds.get(key) : undefined;
    if (seen) return json(res, 201, seen);
    const post = this.addPost({
      user_id: user.id,
      channel_id: ch.id,
      message: input.message ?? '',
      root_id: input.root_id ?? '',
      props: input.props ?? {},
      pending_post_id: input.pending_post_id ?? '',
    });
    if (key) this.pendingIds.set(key, post);
    json(res, 201, post);
  }

  private addPost(p: Partial<Post> & Pick<Post, 'user_id' | 'channel_id' | 'message'>): Post {
    this.tick();
    const post = {
      id: mmId(),
      create_at: this.clock,
      update_at: this.clock,
      edit_at: 0,
      delete_at: 0,
      is_pinned: false,
      user_id: p.user_id,
      channel_id: p.channel_id,
      root_id: p.root_id ?? '',
      original_id: '',
      message: p.message,
      type: '',
      props: p.props ?? {},
      hashtags: '',
      pending_post_id: p.pending_post_id ?? '',
      reply_count: 0,
      metadata: {},
    } as unknown as Post;
    if (post.root_id) {
      const root = this.posts.find((x) => x.id === post.root_id);
      if (root) {
        root.reply_count = (root.reply_count ?? 0) + 1;
        root.last_reply_at = post.create_at;
      }
    }
    this.posts.push(post);
    this.broadcast('posted', post.channel_id, { post: JSON.stringify(post) });
    return post;
  }

  private channelPosts(ch: TestChannel, url: URL, res: http.ServerResponse): void {
    const int = (name: string, dflt: number) => {
      const v = url.searchParams.get(name);
      return v === null || v === '' ? dflt : Number(v);
    };
    const page = int('page', 0);
    const perPage = Math.min(int('per_page', 60), 200);
    const since = int('since', 0);
    if (![page, perPage, since].every((n) => Number.isInteger(n) && n >= 0)) {
      return this.appError(res, 400, 'api.context.invalid_url_param.app_error', 'Invalid or missing parameter in request URL.');
    }
    const newestFirst = this.posts.filter((p) => p.channel_id === ch.id && !p.delete_at).sort((a, b) => b.create_at - a.create_at);
    const after = url.searchParams.get('after') || '';
    const before = url.searchParams.get('before') || '';
    // The real server's precedence: since, then after, then before, then page.
    let selected: Post[];
    let hasNext: boolean;
    if (since > 0) {
      // Created or changed (an edit, a reaction) since then; the server caps the answer at 1000.
      selected = newestFirst.filter((p) => p.create_at >= since || p.update_at >= since).slice(0, 1000);
      hasNext = false;
    } else if (after || before) {
      const i = newestFirst.findIndex((p) => p.id === (after || before));
      const side = i < 0 ? [] : after ? newestFirst.slice(0, i) : newestFirst.slice(i + 1);
      // `after` pages count from the anchor upwards (the oldest newer posts first), `before` downwards.
      const window = after ? side.slice(Math.max(0, side.length - (page + 1) * perPage), side.length - page * perPage) : side.slice(page * perPage, (page + 1) * perPage);
      selected = window;
      hasNext = side.length > (page + 1) * perPage;
    } else {
      selected = newestFirst.slice(page * perPage, (page + 1) * perPage);
      hasNext = newestFirst.length > (page + 1) * perPage;
    }
    const list: Omit<PostList, 'first_inaccessible_post_time'> & { has_next: boolean } = { order: selected.map((p) => p.id), posts: {}, next_post_id: '', prev_post_id: '', has_next: hasNext };
    for (const p of selected) {
      list.posts[p.id] = this.withMetadata(p);
      // Thread roots come along even when they are not on this page.
      const root = p.root_id ? this.posts.find((x) => x.id === p.root_id) : undefined;
      if (root) list.posts[root.id] = this.withMetadata(root);
    }
    json(res, 200, list);
  }

  appError(res: http.ServerResponse, status: number, id: string, message: string): void {
    json(res, status, { id, message, detailed_error: '', request_id: String(res.getHeader('X-Request-Id') ?? ''), status_code: status, is_oauth: false });
  }
}

function userJson(u: TestUser) {
  return {
    id: u.id,
    username: u.username,
    email: `${u.username}@example.com`,
    first_name: '',
    last_name: '',
    nickname: '',
    roles: 'system_user',
    locale: 'en',
    create_at: 0,
    update_at: 0,
    delete_at: 0,
    is_bot: u.username === 'claimbot',
  };
}

function channelJson(ch: TestChannel) {
  return { id: ch.id, name: ch.name, display_name: ch.display_name, team_id: ch.team_id, type: 'O', create_at: 0, update_at: 0, delete_at: 0, header: '', purpose: '' };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startMattermostServer(): Promise<MattermostTestServer> {
  return new MattermostTestServer().listen();
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
