/**
 * The announcements layer's one entry point. Adapters call `announce(events)` after each board
 * write; it appends to the persistent outbox and then delivers (inline within a short budget, or
 * by handing over to a background flusher), and it never throws: a claim must not fail because
 * the channel is unreachable.
 *
 * @example
 * const announcer = createAnnouncer({ boardPath, ...loadAnnounceConfig() });
 * await announcer.announce(events);          // queued, delivered within ~1 s when possible
 * announcer.status();                         // { pending, failed, lastError, … }
 * await announcer.close();
 */
import type { BoardEvent } from '../core/model';
import { type AnnounceConfig, deciders, describeDestination, secretsOf } from './config';
import { announcementsFor, askAnnouncement, needsYouAnnouncement, type Announcement, type AskInput } from './messages';
import { DeliveryError, MattermostClient } from './mattermost-client';
import { Outbox, newPostId, sleep, type JournalLine, type OutboxEntry, type OutboxState } from './outbox';
import { ChannelReader } from './channel-reader';
import { normalizeUsername } from './decision';
import { maskSecrets } from './secrets';
import { readRecap, type Recap } from './recap';
import { readAnswers } from './answers';
import { checkDestination, type CheckLine } from './check';
import { DEFAULT_TTL_MS } from '../core/duration';
import { must } from '../core/errors';

export type { CheckLine };

export interface RetryPolicy {
  /** First wait after a failed attempt; doubles per attempt, with jitter. */
  baseMs: number;
  /** Longest wait between attempts, so a returning server is noticed soon. */
  capMs: number;
}

export interface AnnouncerOptions {
  boardPath: string;
  /** Undefined: nothing is configured, so nothing is queued or posted. */
  config?: AnnounceConfig;
  /** Set when settings exist but are broken: announcements are queued, not sent, and status says why. */
  error?: string;
  /** Lease length, for the expiry text. Default 60 min. */
  ttlMs?: number;
  /** How long `announce()` may spend delivering before it returns. Default 1000 ms; 0 = queue only. */
  budgetMs?: number;
  /** Longest single request when there is no tighter budget. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Called when messages remain and no process is delivering (the CLI starts a detached `flush`). */
  startFlusher?: () => void;
  now?: () => Date;
}

export interface AnnounceResult {
  queued: number;
  delivered: number;
  pending: number;
  /** A one-line problem (never thrown, never containing a secret). */
  error?: string;
  /** The question's outbox id (`ask`): its journal line, once posted, carries the post id. */
  id?: string;
}

export interface FlushOptions {
  /** Give up after this long (waiting for the rate limit and backoff included). Default 60 s. */
  budgetMs?: number;
  /** Wait this long for a process that is already delivering. Default 0: leave it to that process. */
  waitForLockMs?: number;
  /** Put messages that were refused (4xx) back in line first, e.g. after fixing the config. */
  retryFailed?: boolean;
  /** Sleep through backoff and Retry-After within the budget (default true). */
  wait?: boolean;
}

export interface FlushResult {
  delivered: number;
  pending: number;
  failed: number;
  /** Another process held the delivery lock, and is delivering in order. */
  busy: boolean;
  lastError?: string;
}

export interface AnnounceStatus {
  configured: boolean;
  destination?: string;
  error?: string;
  pending: number;
  failed: number;
  oldestPendingAt?: string;
  lastDeliveredAt?: string;
  lastError?: string;
  delivering: boolean;
  failedMessages: { text: string; error?: string }[];
}

export interface Announcer {
  announce(events: readonly BoardEvent[], options?: { budgetMs?: number }): Promise<AnnounceResult>;
  ask(input: Omit<AskInput, 'mention'>, options?: { budgetMs?: number }): Promise<AnnounceResult>;
  /** `[session] @person needs you — <what>`: the session has waited for the person too long. */
  needsYou(input: { session: string; what: string }, options?: { budgetMs?: number }): Promise<AnnounceResult>;
  flush(options?: FlushOptions): Promise<FlushResult>;
  status(): AnnounceStatus;
  /** Reads the channel (or the journal); gives up after `budgetMs` in all (default 15 s). */
  recap(options: { since: Date; budgetMs?: number }): Promise<Recap>;
  /** `claimboard mattermost test`: who am I, can I post to that channel. */
  check(): Promise<CheckLine[]>;
  /** What this machine posted (each delivered post, with its post id). */
  journal(): JournalLine[];
  /** A reader of the channel (REST only: a webhook cannot read); undefined with a webhook. */
  reader(signal?: AbortSignal): Promise<ChannelReader | undefined>;
  /** The people whose replies and reactions decide (mention + humans). */
  deciders(): Set<string>;
  /**
   * Posts the person's own words in a question's thread with the configured token (VS Code's
   * answers), at once rather than through the outbox: the person waits to see it land. Not
   * marked as claimboard's, so it reads in the channel, and to every reader, as the person's reply.
   */
  reply(rootPostId: string, text: string, signal?: AbortSignal): Promise<{ postId: string; at: number; by: string }>;
  close(): Promise<void>;
}

const MAX_MESSAGE = 16_000;

/** Why nothing can be answered from here with a webhook only. */
export const WEBHOOK_ONLY_ANSWER = 'answers need a Mattermost token (a webhook can only post, so no answer can be read back or threaded)';

const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, capMs: 5000 };

export function createAnnouncer(options: AnnouncerOptions): Announcer {
  return new OutboxAnnouncer(options);
}

class OutboxAnnouncer implements Announcer {
  private readonly outbox: Outbox;
  private readonly secrets: string[];
  private readonly retry: RetryPolicy;
  private readonly now: () => Date;
  private client?: MattermostClient;

  constructor(private readonly options: AnnouncerOptions) {
    this.outbox = new Outbox(options.boardPath);
    this.secrets = secretsOf(options.config);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.now = options.now ?? (() => new Date());
  }

  private get enabled(): boolean {
    return Boolean(this.options.config || this.options.error);
  }

  private mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  async announce(events: readonly BoardEvent[], options: { budgetMs?: number } = {}): Promise<AnnounceResult> {
    if (!this.enabled || events.length === 0) return { queued: 0, delivered: 0, pending: 0 };
    const anns = announcementsFor(events, { now: this.now(), mention: this.options.config?.mention, ttlMs: this.options.ttlMs ?? DEFAULT_TTL_MS });
    return this.enqueueAndDeliver(anns, options.budgetMs);
  }

  async ask(input: Omit<AskInput, 'mention'>, options: { budgetMs?: number } = {}): Promise<AnnounceResult> {
    if (!this.enabled) return { queued: 0, delivered: 0, pending: 0 };
    const id = newPostId();
    return { ...(await this.enqueueAndDeliver([{ ...askAnnouncement({ ...input, mention: this.options.config?.mention }), id }], options.budgetMs)), id };
  }

  async needsYou(input: { session: string; what: string }, options: { budgetMs?: number } = {}): Promise<AnnounceResult> {
    if (!this.enabled) return { queued: 0, delivered: 0, pending: 0 };
    return this.enqueueAndDeliver([needsYouAnnouncement({ ...input, mention: this.options.config?.mention })], options.budgetMs);
  }

  private async enqueueAndDeliver(anns: Announcement[], budgetMs = this.options.budgetMs ?? 1000): Promise<AnnounceResult> {
    const started = Date.now();
    // Mattermost refuses a message over 16383 characters; a pasted essay must not block the queue.
    for (const a of anns) if (a.text.length > MAX_MESSAGE) a.text = `${a.text.slice(0, MAX_MESSAGE - 1)}…`;
    let pending: number;
    try {
      const queued = await this.outbox.enqueue(anns, this.now().toISOString());
      // Spooled (the outbox lock was busy): the flusher started below merges and delivers it.
      pending = queued ?? anns.length;
    } catch (err) {
      return { queued: 0, delivered: 0, pending: 0, error: this.mask(`could not queue announcements: ${(err as Error).message}`) };
    }
    let delivered = 0;
    let error: string | undefined = this.options.error;
    if (this.options.config && budgetMs > 0) {
      try {
        const r = await this.flush({ budgetMs: Math.max(1, budgetMs - (Date.now() - started)), wait: false });
        delivered = r.delivered;
        pending = r.pending;
        error = r.lastError;
      } catch (err) {
        error = this.mask((err as Error).message);
      }
    }
    if (pending > 0 && this.options.config && this.options.startFlusher && !this.outbox.isDelivering()) {
      try {
        this.options.startFlusher();
      } catch (err) {
        error = this.mask(`could not start the background flusher: ${(err as Error).message}`);
      }
    }
    return { queued: anns.length, delivered, pending, error };
  }

  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    const budgetMs = options.budgetMs ?? 60_000;
    const deadline = Date.now() + budgetMs;
    const wait = options.wait ?? true;
    let delivered = 0;
    let busy = false;
    // Announcements queued aside while the outbox lock was busy join the outbox first, in order.
    if (this.outbox.spooledCount() > 0) await this.outbox.update(() => undefined);
    if (options.retryFailed) {
      await this.outbox.update((s) => {
        for (const e of s.entries) if (e.state === 'failed') Object.assign(e, { state: 'pending', attempts: 0, notBefore: undefined });
      });
    }
    if (!this.options.config) return { ...this.counts(), delivered, busy, lastError: this.options.error };

    // Loop so a message appended while the lock was being released is not left behind.
    for (let round = 0; round < 3; round++) {
      const unlock = await this.outbox.tryLockDelivery(round === 0 ? (options.waitForLockMs ?? 0) : 0);
      if (!unlock) {
        busy = true;
        break;
      }
      try {
        delivered += await this.deliverInOrder(deadline, wait);
      } finally {
        await unlock();
      }
      const next = this.head(this.outbox.read());
      if (!next || Date.now() >= deadline || (next.notBefore && Date.parse(next.notBefore) > Date.now() && !wait)) break;
    }
    return { ...this.counts(), delivered, busy, lastError: this.outbox.read().lastError };
  }

  private head(state: OutboxState): OutboxEntry | undefined {
    return state.entries.find((e) => e.state === 'pending');
  }

  /** Holding the delivery lock: post pending messages oldest first until done or out of time. */
  private async deliverInOrder(deadline: number, wait: boolean): Promise<number> {
    let delivered = 0;
    for (;;) {
      const state = this.outbox.read();
      const entry = this.head(state);
      if (!entry) return delivered;
      const notBefore = entry.notBefore ? Date.parse(entry.notBefore) : 0;
      if (notBefore > Date.now()) {
        if (!wait || notBefore >= deadline) return delivered;
        await sleep(notBefore - Date.now());
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return delivered;
      const signal = AbortSignal.timeout(Math.min(remaining, this.options.requestTimeoutMs ?? 15_000));
      try {
        const posted = await this.send(entry, state, signal);
        await this.outbox.update((s) => {
          s.entries = s.entries.filter((e) => e.seq !== entry.seq);
          // Real time, not the injectable clock: roots age out by it.
          const at = new Date().toISOString();
          // A takeover posted in the old claim's thread continues that thread (a reply cannot be a root).
          const root = posted.rootId ?? posted.postId;
          if (root && entry.threadKey) s.roots[entry.threadKey] = { postId: root, at, session: entry.session, path: entry.path };
          if (entry.replyTo) delete s.roots[entry.replyTo];
          if (posted.endedThread) delete s.roots[posted.endedThread];
          if (posted.channelId) s.channelIds[this.channelCacheKey()] = posted.channelId;
          s.lastDeliveredAt = at;
          s.lastError = undefined;
          this.outbox.appendJournal({
            at,
            kind: entry.kind,
            session: entry.session,
            path: entry.path,
            text: entry.text,
            postId: posted.postId,
            rootId: posted.rootId,
            id: entry.id,
            postAt: posted.postAt,
          });
        });
        delivered++;
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error).message ?? err), 'retry');
        const message = this.mask(e.message);
        await this.outbox.update((s) => {
          const cur = s.entries.find((x) => x.seq === entry.seq);
          if (!cur) return;
          cur.attempts++;
          cur.lastError = message;
          s.lastError = message;
          if (e.kind === 'rejected') {
            cur.state = 'failed';
            cur.notBefore = undefined;
          } else {
            const waitMs = e.kind === 'rate-limited' ? (e.retryAfterMs ?? 1000) : this.backoff(cur.attempts);
            cur.notBefore = new Date(Date.now() + waitMs).toISOString();
          }
        });
      }
    }
  }

  /** Exponential backoff with jitter (50–100 % of the step) so many processes do not retry in step. */
  private backoff(attempt: number): number {
    const step = Math.min(this.retry.capMs, this.retry.baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(step * (0.5 + Math.random() * 0.5));
  }

  private channelCacheKey(): string {
    const d = this.options.config!.destination;
    return d.kind === 'rest' ? `${d.serverUrl}|${d.channel}` : '';
  }

  private getClient(): MattermostClient {
    this.client ??= new MattermostClient({ secrets: this.secrets });
    return this.client;
  }

  private async resolveChannel(state: OutboxState, signal?: AbortSignal): Promise<string> {
    const d = this.options.config!.destination;
    if (d.kind !== 'rest') throw new Error('no channel for a webhook');
    if (/^[a-z0-9]{26}$/.test(d.channel)) return d.channel;
    const cached = state.channelIds[this.channelCacheKey()];
    if (cached) return cached;
    // The config accepts only an id or `team/channel` (isChannelRef), so both halves are there.
    const [team, name] = d.channel.split('/');
    return (await this.getClient().getChannelByName(d.serverUrl, d.token, must(team, 'channel team'), must(name, 'channel name'), signal)).id;
  }

  private async send(entry: OutboxEntry, state: OutboxState, signal: AbortSignal): Promise<{ postId?: string; postAt?: number; rootId?: string; channelId?: string; endedThread?: string }> {
    const d = this.options.config!.destination;
    const props = { from_claimboard: 'true', claimboard_kind: entry.kind, claimboard_session: entry.session };
    if (d.kind === 'webhook') {
      await this.getClient().postWebhook(d.webhookUrl, { text: entry.text, channel: d.channel, props }, signal);
      return {};
    }
    const channelId = await this.resolveChannel(state, signal);
    const previous = entry.takenFrom ? Object.entries(state.roots).find(([, r]) => r.session === entry.takenFrom && r.path === entry.path) : undefined;
    const rootId = entry.rootPostId ?? (entry.replyTo ? state.roots[entry.replyTo]?.postId : previous?.[1].postId);
    const post = { channel_id: channelId, message: entry.text, pending_post_id: entry.id, props };
    try {
      const created = await this.getClient().createPost(d.serverUrl, d.token, rootId ? { ...post, root_id: rootId } : post, signal);
      return { postId: created.id, postAt: created.create_at, rootId, channelId, endedThread: previous?.[0] };
    } catch (err) {
      // The claim's post may have been deleted: say it in the channel rather than not at all.
      if (rootId && err instanceof DeliveryError && err.kind === 'rejected' && err.status === 400) {
        const created = await this.getClient().createPost(d.serverUrl, d.token, post, signal);
        return { postId: created.id, channelId };
      }
      throw err;
    }
  }

  private counts(): { pending: number; failed: number } {
    const s = this.outbox.read();
    // Spooled announcements are pending too: they were queued while the outbox lock was busy.
    return { pending: s.entries.filter((e) => e.state === 'pending').length + this.outbox.spooledCount(), failed: s.entries.filter((e) => e.state === 'failed').length };
  }

  status(): AnnounceStatus {
    const s = this.outbox.read();
    const pending = s.entries.filter((e) => e.state === 'pending');
    const failed = s.entries.filter((e) => e.state === 'failed');
    return {
      configured: this.enabled,
      destination: this.options.config ? describeDestination(this.options.config) : undefined,
      error: this.options.error,
      pending: pending.length + this.outbox.spooledCount(),
      failed: failed.length,
      oldestPendingAt: pending[0]?.createdAt,
      lastDeliveredAt: s.lastDeliveredAt,
      lastError: s.lastError,
      delivering: this.outbox.isDelivering(),
      failedMessages: failed.map((e) => ({ text: e.text, error: e.lastError })),
    };
  }

  async recap(options: { since: Date; budgetMs?: number }): Promise<Recap> {
    const d = this.options.config?.destination;
    if (d?.kind === 'rest') {
      // One deadline for the lookup and every page: a hung server must not hold a session start.
      const signal = AbortSignal.timeout(options.budgetMs ?? 15_000);
      const channelId = await this.resolveChannel(this.outbox.read(), signal);
      return readRecap({
        since: options.since,
        source: 'channel',
        client: this.getClient(),
        serverUrl: d.serverUrl,
        token: d.token,
        channelId,
        signal,
        answered: readAnswers(this.options.boardPath).questions,
      });
    }
    return readRecap({ since: options.since, source: 'journal', journal: this.outbox.readJournal(), answered: readAnswers(this.options.boardPath).questions });
  }

  journal(): JournalLine[] {
    return this.outbox.readJournal();
  }

  async reader(signal?: AbortSignal): Promise<ChannelReader | undefined> {
    const d = this.options.config?.destination;
    if (d?.kind !== 'rest') return undefined;
    const channelId = await this.resolveChannel(this.outbox.read(), signal);
    return new ChannelReader({ client: this.getClient(), serverUrl: d.serverUrl, token: d.token, channelId });
  }

  deciders(): Set<string> {
    return this.options.config ? deciders(this.options.config) : new Set();
  }

  private me?: Promise<string>;

  async reply(rootPostId: string, text: string, signal?: AbortSignal): Promise<{ postId: string; at: number; by: string }> {
    const d = this.options.config?.destination;
    if (d?.kind !== 'rest') throw new Error(WEBHOOK_ONLY_ANSWER);
    const client = this.getClient();
    // Who the token speaks for, once: the answer is recorded in their name, as the channel shows it.
    this.me ??= client.getMe(d.serverUrl, d.token, signal).then((u) => normalizeUsername(u.username));
    const by = await this.me.catch((err: unknown) => {
      this.me = undefined;
      throw err;
    });
    const channelId = await this.resolveChannel(this.outbox.read(), signal);
    const message = text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
    const created = await client.createPost(d.serverUrl, d.token, { channel_id: channelId, message, root_id: rootPostId, props: { claimboard_kind: 'answer' } }, signal);
    return { postId: created.id, at: created.create_at, by };
  }

  async check(): Promise<CheckLine[]> {
    return checkDestination({
      config: this.options.config,
      error: this.options.error,
      client: () => this.getClient(),
      resolveChannel: (signal) => this.resolveChannel(this.outbox.read(), signal),
      rememberChannel: (channelId) =>
        this.outbox.update((s) => {
          s.channelIds[this.channelCacheKey()] = channelId;
        }),
      mask: (t) => this.mask(t),
    });
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
