/**
 * A thin Mattermost client over undici: only the calls announcements need, with every failure
 * classified for the outbox (retry, wait for the rate limit, or give up). Client4 is not used
 * because it loses the status of non-JSON errors such as the plain-text 429 body.
 */
import type { Agent, Dispatcher } from 'undici';

/**
 * undici is loaded on first use: most claimboard processes (every hook call) never post, and
 * loading it at start-up would cost them its module graph.
 */
function undici(): typeof import('undici') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('undici') as typeof import('undici');
}
import type { Post, PostList } from '@mattermost/types/posts';
import type { UserProfile } from '@mattermost/types/users';
import type { Channel } from '@mattermost/types/channels';
import type { Reaction } from '@mattermost/types/reactions';
import { maskSecrets } from './secrets';

export type FailureKind =
  /** Connection refused/reset, timeout, 5xx: try again later. */
  | 'retry'
  /** 429: wait `retryAfterMs`, then try again. */
  | 'rate-limited'
  /** Any other 4xx: a configuration problem; retrying the same request cannot help. */
  | 'rejected';

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface CreatePostInput {
  channel_id: string;
  message: string;
  root_id?: string;
  pending_post_id?: string;
  props?: Record<string, string>;
}

export interface ClientOptions {
  /** Secrets to mask in any error text (the token, the webhook id). */
  secrets: string[];
  /** Connection timeout: a server that does not accept is treated like one that is down. */
  connectTimeoutMs?: number;
}

/** Errors a socket can raise that mean "try again", as opposed to a bug. */
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
]);

export class MattermostClient {
  private readonly agent: Agent;

  constructor(private readonly options: ClientOptions) {
    this.agent = new (undici().Agent)({
      connect: { timeout: options.connectTimeoutMs ?? 5000 },
      // Each CLI process makes a handful of calls; idle sockets must not keep it alive.
      keepAliveTimeout: 1000,
      keepAliveMaxTimeout: 2000,
    });
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  /** Incoming webhook: 200 `ok` (text/plain). No post id comes back, so no threads. */
  async postWebhook(webhookUrl: string, body: { text: string; channel?: string; props?: Record<string, string> }, signal?: AbortSignal): Promise<void> {
    await this.call('POST', webhookUrl, undefined, body, signal);
  }

  async createPost(serverUrl: string, token: string, post: CreatePostInput, signal?: AbortSignal): Promise<Post> {
    return (await this.call('POST', `${serverUrl}/api/v4/posts`, token, post, signal)) as Post;
  }

  async getMe(serverUrl: string, token: string, signal?: AbortSignal): Promise<UserProfile> {
    return (await this.call('GET', `${serverUrl}/api/v4/users/me`, token, undefined, signal)) as UserProfile;
  }

  async getChannelByName(serverUrl: string, token: string, team: string, channel: string, signal?: AbortSignal): Promise<Channel> {
    const url = `${serverUrl}/api/v4/teams/name/${encodeURIComponent(team)}/channels/name/${encodeURIComponent(channel)}`;
    return (await this.call('GET', url, token, undefined, signal)) as Channel;
  }

  async getChannel(serverUrl: string, token: string, channelId: string, signal?: AbortSignal): Promise<Channel> {
    return (await this.call('GET', `${serverUrl}/api/v4/channels/${encodeURIComponent(channelId)}`, token, undefined, signal)) as Channel;
  }

  /** 404 when the token's user is not a member (and so cannot post there). */
  async memberOfChannel(serverUrl: string, token: string, channelId: string, signal?: AbortSignal): Promise<void> {
    await this.call('GET', `${serverUrl}/api/v4/channels/${encodeURIComponent(channelId)}/members/me`, token, undefined, signal);
  }

  async getChannelPosts(serverUrl: string, token: string, channelId: string, q: { page: number; perPage: number }, signal?: AbortSignal): Promise<PostList> {
    const url = `${serverUrl}/api/v4/channels/${encodeURIComponent(channelId)}/posts?page=${q.page}&per_page=${q.perPage}`;
    return (await this.call('GET', url, token, undefined, signal)) as PostList;
  }

  /** Posts created or changed (an edit, a reaction) since `since` (server ms), newest first. */
  async getPostsSince(serverUrl: string, token: string, channelId: string, since: number, signal?: AbortSignal): Promise<PostList> {
    const url = `${serverUrl}/api/v4/channels/${encodeURIComponent(channelId)}/posts?since=${Math.max(1, Math.floor(since))}`;
    return (await this.call('GET', url, token, undefined, signal)) as PostList;
  }

  async getPostThread(serverUrl: string, token: string, postId: string, signal?: AbortSignal): Promise<PostList> {
    return (await this.call('GET', `${serverUrl}/api/v4/posts/${encodeURIComponent(postId)}/thread`, token, undefined, signal)) as PostList;
  }

  async getReactions(serverUrl: string, token: string, postId: string, signal?: AbortSignal): Promise<Reaction[]> {
    // The server answers `null` rather than `[]` for a post without reactions.
    return ((await this.call('GET', `${serverUrl}/api/v4/posts/${encodeURIComponent(postId)}/reactions`, token, undefined, signal)) as Reaction[] | null) ?? [];
  }

  async getUsersByIds(serverUrl: string, token: string, ids: readonly string[], signal?: AbortSignal): Promise<UserProfile[]> {
    return ((await this.call('POST', `${serverUrl}/api/v4/users/ids`, token, ids, signal)) as UserProfile[] | null) ?? [];
  }

  private async call(method: 'GET' | 'POST', url: string, token: string | undefined, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const mask = (s: string) => maskSecrets(s, this.options.secrets);
    const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Dispatcher.ResponseData;
    try {
      res = await undici().request(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        dispatcher: this.agent,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
    } catch (err) {
      throw networkError(err, mask);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw networkError(err, mask);
    }
    const status = res.statusCode;
    if (status >= 200 && status < 300) {
      if (!text) return undefined;
      const type = String(res.headers['content-type'] ?? '');
      if (!type.includes('json')) return text; // the webhook's `ok`
      try {
        return JSON.parse(text);
      } catch {
        throw new DeliveryError(`${method} ${mask(url)}: ${status} with a body that is not JSON`, 'retry', status);
      }
    }
    const detail = errorDetail(text, String(res.headers['content-type'] ?? ''));
    const where = `${method} ${mask(url)}`;
    if (status === 429) {
      const retryAfterMs = retryAfter(res.headers);
      throw new DeliveryError(mask(`${where}: 429 rate limited (${detail || 'limit exceeded'}), retry in ${Math.ceil(retryAfterMs / 1000)} s`), 'rate-limited', status, retryAfterMs);
    }
    if (status >= 500 || status === 408) throw new DeliveryError(mask(`${where}: ${status} ${detail}`.trim()), 'retry', status);
    throw new DeliveryError(mask(`${where}: ${status} ${detail}`.trim()), 'rejected', status);
  }
}

/** AppError JSON gives `message`; a 429 (or a proxy) gives plain text. Never assume JSON. */
function errorDetail(text: string, contentType: string): string {
  if (contentType.includes('json')) {
    try {
      const e = JSON.parse(text) as { message?: unknown; id?: unknown };
      if (typeof e.message === 'string') return typeof e.id === 'string' ? `${e.message} (${e.id})` : e.message;
    } catch {
      // fall through to the raw text
    }
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** `Retry-After` (seconds, or an HTTP date) else `X-RateLimit-Reset` (seconds until reset, per the server's code). */
export function retryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const ra = first(headers['retry-after'])?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Math.round(Number(ra) * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = first(headers['x-ratelimit-reset'])?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.round(Number(reset) * 1000);
  return 1000;
}

function networkError(err: unknown, mask: (s: string) => string): DeliveryError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const aborted = e.name === 'AbortError' || e.name === 'TimeoutError' || code === 'UND_ERR_ABORTED';
  const msg = aborted ? 'no answer in time' : `${code ?? e.name ?? 'error'}: ${e.cause?.message ?? e.message ?? String(err)}`;
  if (aborted || (code && RETRYABLE_CODES.has(code))) return new DeliveryError(mask(msg), 'retry');
  // Anything else (a bad URL, say) will not get better by retrying the same request.
  return new DeliveryError(mask(msg), e.name === 'InvalidArgumentError' ? 'rejected' : 'retry');
}
