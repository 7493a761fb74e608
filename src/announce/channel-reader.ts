/**
 * Reading the channel back by REST polling alone (a websocket is blocked on some networks):
 * `GET …/posts?since=<cursor>` returns the posts created or changed since then (a reaction
 * changes its post), the reactions of the posts we watch are read only when such a post comes
 * back, and user names are looked up once per id. A 429 comes back as a `DeliveryError` of kind
 * `rate-limited` with the server's `Retry-After`, which every caller waits out.
 */
import type { Post } from '@mattermost/types/posts';
import type { Reaction } from '@mattermost/types/reactions';
import type { MattermostClient } from './mattermost-client';
import { sleep as outboxSleep } from './outbox';
import { wakeOnChannelEvents, type ChannelWake } from './channel-wake';
import { normalizeUsername, parseDecision, reactionDecision, type Decision } from './decision';

export interface HeardPost {
  id: string;
  /** The thread's root when this is a reply. */
  rootId?: string;
  /** Lowercase username, or the user id when the server would not name it. */
  user: string;
  text: string;
  /** Server time (ms). */
  at: number;
  /** Posted by claimboard itself (its props say so): never an answer, whoever's token posted it. */
  fromClaimboard: boolean;
}

export interface HeardReaction {
  postId: string;
  user: string;
  emoji: string;
  at: number;
}

export interface ReadResult {
  posts: HeardPost[];
  reactions: HeardReaction[];
  /** Where the next read starts (server ms): the newest change seen. */
  cursor: number;
}

export interface ChannelReaderOptions {
  client: MattermostClient;
  serverUrl: string;
  token: string;
  channelId: string;
}

export class ChannelReader {
  private readonly names = new Map<string, string>();

  constructor(private readonly o: ChannelReaderOptions) {}

  /**
   * What changed since `cursor`: new posts (oldest first), and the reactions of the posts in
   * `watched` that came back changed. Throws `DeliveryError` (429 included) like every call.
   */
  async read(cursor: number, watched: ReadonlySet<string>, signal?: AbortSignal): Promise<ReadResult> {
    const { client, serverUrl, token, channelId } = this.o;
    const list = await client.getPostsSince(serverUrl, token, channelId, cursor, signal);
    const changed: Post[] = [];
    for (const id of list.order ?? []) {
      const p = list.posts?.[id];
      if (p && !p.delete_at) changed.push(p);
    }
    let next = cursor;
    for (const p of changed) next = Math.max(next, p.update_at || 0, p.create_at || 0);
    const fresh = changed.filter((p) => p.create_at >= cursor).sort((a, b) => a.create_at - b.create_at);
    const reactions: HeardReaction[] = [];
    const reactionsRaw: Reaction[] = [];
    for (const p of changed.filter((x) => watched.has(x.id))) {
      const inline = (p.metadata as { reactions?: Reaction[] } | undefined)?.reactions;
      if (inline) {
        reactionsRaw.push(...inline);
        continue;
      }
      // The post's metadata usually carries them; ask only when a post that may have some does not.
      if (!(p as { has_reactions?: boolean }).has_reactions && p.update_at <= p.create_at) continue;
      reactionsRaw.push(...(await client.getReactions(serverUrl, token, p.id, signal)));
    }
    await this.resolveNames([...fresh.map((p) => p.user_id), ...reactionsRaw.map((r) => r.user_id)], signal);
    for (const r of reactionsRaw) reactions.push({ postId: r.post_id, user: this.name(r.user_id), emoji: r.emoji_name, at: r.create_at });
    const posts = fresh.map((p) => ({
      id: p.id,
      rootId: p.root_id || undefined,
      user: this.name(p.user_id),
      text: p.message,
      at: p.create_at,
      fromClaimboard: (p.props as Record<string, unknown> | undefined)?.from_claimboard === 'true',
    }));
    return { posts, reactions, cursor: next };
  }

  /** The websocket speed-up (optional): `onEvent` when a post or a reaction lands in this channel. */
  wake(o: { retryMs: number; onEvent: () => void; onError?: (message: string) => void }): ChannelWake {
    return wakeOnChannelEvents({ serverUrl: this.o.serverUrl, token: this.o.token, channelId: this.o.channelId, ...o });
  }

  private name(userId: string): string {
    return this.names.get(userId) ?? userId;
  }

  private async resolveNames(ids: string[], signal?: AbortSignal): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => id && !this.names.has(id));
    if (unknown.length === 0) return;
    const users = await this.o.client.getUsersByIds(this.o.serverUrl, this.o.token, unknown, signal);
    for (const u of users) this.names.set(u.id, normalizeUsername(u.username));
  }
}

/** A question claimboard posted, as the answer readers track it. */
export interface QuestionRef {
  /** The question's post id: the key of everything decided about it. */
  postId: string;
  session: string;
  holder?: string;
  path?: string;
}

export interface Answer {
  /** The person's username. */
  by: string;
  text: string;
  decision: Decision;
  /** ISO time of the reply or reaction (server time). */
  at: string;
  /** What said it: `post:<id>` or `reaction:<user>:<emoji>`, so the same answer is counted once. */
  source: string;
}

/**
 * The answers in one read: replies in a question's thread and 👍/👎 reactions on it, from the
 * people who decide only. Replies from anyone else, and claimboard's own posts, are not answers.
 */
export function answersIn(read: Pick<ReadResult, 'posts' | 'reactions'>, questions: ReadonlyMap<string, QuestionRef>, deciders: ReadonlySet<string>): { question: QuestionRef; answer: Answer }[] {
  const out: { question: QuestionRef; answer: Answer; atMs: number }[] = [];
  for (const p of read.posts) {
    const q = p.rootId ? questions.get(p.rootId) : undefined;
    if (!q || p.fromClaimboard || !deciders.has(p.user)) continue;
    out.push({ question: q, atMs: p.at, answer: { by: p.user, text: p.text, decision: parseDecision(p.text), at: new Date(p.at).toISOString(), source: `post:${p.id}` } });
  }
  for (const r of read.reactions) {
    const q = questions.get(r.postId);
    const decision = reactionDecision(r.emoji);
    if (!q || !decision || !deciders.has(r.user)) continue;
    out.push({ question: q, atMs: r.at, answer: { by: r.user, text: `:${r.emoji}:`, decision, at: new Date(r.at).toISOString(), source: `reaction:${r.user}:${r.emoji}` } });
  }
  return out.sort((a, b) => a.atMs - b.atMs).map(({ question, answer }) => ({ question, answer }));
}

/** How often a reader polls by default, and the floor a setting cannot go under (the server is shared). */
export const POLL_INTERVAL_MS = 5_000;
export const MIN_POLL_INTERVAL_MS = 2_000;

export interface PollOptions {
  intervalMs: number;
  /** Give up (return undefined) at this time (ms since the epoch). */
  deadline: number;
  signal?: AbortSignal;
  /** Injected by tests to see the waits without spending them. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told about each failed read (a 429, the server down), which is waited out, not thrown. */
  onError?: (err: Error) => void;
}

/**
 * Calls `step` every `intervalMs` until it returns something or the deadline passes. A 429 waits
 * the server's Retry-After (never less than the interval); a server that is down or answers 5xx
 * is tried again next round; a refusal (401, 403, 404) ends the polling with that error.
 */
export async function pollUntil<T>(step: () => Promise<T | undefined>, o: PollOptions): Promise<T | undefined> {
  const sleep = o.sleep ?? outboxSleep;
  for (;;) {
    if (o.signal?.aborted) return undefined;
    let waitMs = o.intervalMs;
    try {
      const got = await step();
      if (got !== undefined) return got;
    } catch (err) {
      const e = err as Error & { kind?: string; retryAfterMs?: number };
      if (e.kind === 'rejected' || e.kind === undefined) throw err;
      if (e.kind === 'rate-limited') waitMs = Math.max(waitMs, e.retryAfterMs ?? 0);
      o.onError?.(e);
    }
    const left = o.deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(waitMs, left), o.signal);
  }
}

/** `CLAIMBOARD_POLL_INTERVAL` (`5s`, `30s`): how often the channel is read; never under the floor. */
export function pollIntervalFromEnv(env: NodeJS.ProcessEnv, parse: (s: string) => number): number {
  const raw = env.CLAIMBOARD_POLL_INTERVAL?.trim();
  if (!raw) return POLL_INTERVAL_MS;
  return Math.max(MIN_POLL_INTERVAL_MS, parse(raw));
}
