import * as vscode from 'vscode';
import { loadAnnounceConfig, type LoadedAnnounceConfig } from '../announce/config';
import { createAnnouncer, formatRecap, RECAP_WINDOW_MS, type AnnounceResult, type Announcer } from '../announce';
import type { BoardEvent, Claim } from '../core/model';
import type { ClaimStore } from '../core/claim-store';
import type { JournalLine } from '../announce/outbox';
import type { OpenQuestion } from '../announce/answers';
import { WEBHOOK_ONLY_ANSWER } from '../announce/announcer';
import { answerQuestion, type AnswerOutcome } from '../announce/answer-here';
import type { Settings, SettingsChange } from './config';
import { debounce, type Debounced } from './debounce';

/** SecretStorage keys: the token and webhook never go to settings.json. */
export const SECRET_TOKEN = 'claimboard.mattermost.token';
export const SECRET_WEBHOOK = 'claimboard.mattermost.webhook';

/** `announce()` may deliver inline this long; the rest goes to the background flush. */
const ANNOUNCE_BUDGET_MS = 1500;
/** Retry what is still queued this often: the outbox honours backoff and Retry-After itself. */
const FLUSH_RETRY_MS = 5000;
/** Let a burst of writes (claim several paths, then renew) queue up before delivering them. */
const FLUSH_START_MS = 100;

/**
 * The Mattermost side as the person sees it: announcing what this window did, asking a holder,
 * the recap, and whether announcements are failing. VS Code's settings and secrets override the
 * CLI's config file field by field, through the same loader (and outbox) the CLI uses.
 */
/** Mattermost is needed and not (or wrongly) configured: the command offers the way to fix it. */
export class ChatNotConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatNotConfiguredError';
  }
}

const NOT_CONFIGURED = 'Mattermost is not configured: set claimboard.mattermost.serverUrl and channel, then run "Claimboard: Set Mattermost Token"';

export class ChatController implements vscode.Disposable {
  private announcer: Announcer | undefined;
  private loaded: LoadedAnnounceConfig = { configured: false, configPath: '' };
  private failed = 0;
  private token: string | undefined;
  private webhook: string | undefined;
  private readonly flushSoon: Debounced;
  private readonly flushLater: Debounced;
  private flushing = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly boardPath: () => string,
    private readonly session: () => string,
    private readonly settings: Settings,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    boardChanged: vscode.Event<unknown>,
  ) {
    // The window is long-lived: it delivers in-process instead of starting the CLI's detached flusher.
    this.flushSoon = debounce(() => void this.flush(), FLUSH_START_MS);
    this.flushLater = debounce(() => void this.flush(), FLUSH_RETRY_MS);
    this.subscriptions.push(
      boardChanged(() => this.readStatus()),
      settings.onDidChange((e) => this.onConfigurationChanged(e)),
      secrets.onDidChange((e) => {
        if (e.key === SECRET_TOKEN || e.key === SECRET_WEBHOOK) void this.loadSecrets();
      }),
    );
    this.onConfigurationChanged();
    void this.loadSecrets();
  }

  private onConfigurationChanged(e?: SettingsChange): void {
    if (e && !e.affects('boardPath', 'mattermost')) return;
    this.reload();
  }

  /** Announcements the outbox gave up on (a warning in the status bar). */
  get failedCount(): number {
    return this.failed;
  }

  get configured(): boolean {
    return this.loaded.config !== undefined;
  }

  /** Why Mattermost cannot be used, in one sentence with the fix. */
  get notConfiguredReason(): string {
    return this.loaded.error ?? NOT_CONFIGURED;
  }

  private async loadSecrets(): Promise<void> {
    this.token = await this.secrets.get(SECRET_TOKEN);
    this.webhook = await this.secrets.get(SECRET_WEBHOOK);
    this.reload();
  }

  private reload(): void {
    void this.announcer?.close();
    this.loaded = this.config();
    this.announcer = createAnnouncer({
      boardPath: this.boardPath(),
      config: this.loaded.config,
      error: this.loaded.error,
      ttlMs: undefined,
      budgetMs: ANNOUNCE_BUDGET_MS,
      startFlusher: () => this.flushSoon(),
    });
    if (this.loaded.error) this.log.warn(`Mattermost: ${this.loaded.error}`);
    this.readStatus();
    // What can be answered from here depends on the set-up (a token, or a webhook only).
    this.emitter.fire();
  }

  /** The CLI's config file, with VS Code's settings and secrets taking precedence. */
  config(): LoadedAnnounceConfig {
    const m = this.settings.value.mattermost;
    return loadAnnounceConfig({
      overrides: {
        from: 'VS Code settings',
        url: m.serverUrl,
        channel: m.channel,
        mention: m.username,
        token: this.token,
        webhook: this.webhook,
      },
    });
  }

  /** Re-reads the outbox's failed count (the board changed, or we just delivered). */
  readStatus(): void {
    let failed = 0;
    try {
      failed = this.announcer?.status().failed ?? 0;
    } catch (err) {
      this.log.debug(`outbox: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (failed !== this.failed) {
      this.failed = failed;
      this.emitter.fire();
    }
  }

  /** Hands a write's events to the outbox; never throws and never holds up the write. */
  announce(events: BoardEvent[]): void {
    if (!this.announcer) return;
    void this.announcer.announce(events).then(
      (r) => this.after(r),
      (err) => this.log.warn(`announce: ${String(err)}`),
    );
  }

  private after(r: AnnounceResult): void {
    if (r.error) this.log.warn(`Mattermost: ${r.error}`);
    this.readStatus();
  }

  private async flush(): Promise<void> {
    if (!this.announcer || this.flushing) return;
    this.flushing = true;
    try {
      const r = await this.announcer.flush({ budgetMs: 30_000 });
      if (r.lastError) this.log.warn(`Mattermost: ${r.lastError}`);
      if (r.pending > 0 && !r.busy) this.flushLater();
    } catch (err) {
      this.log.warn(`flush: ${String(err)}`);
    } finally {
      this.flushing = false;
    }
    this.readStatus();
  }

  /** Posts a question to a holder through the outbox. */
  async ask(holder: Claim, message?: string): Promise<AnnounceResult> {
    if (!this.announcer || !this.loaded.config) {
      throw new ChatNotConfiguredError(this.loaded.error ?? NOT_CONFIGURED);
    }
    const r = await this.announcer.ask({ session: this.session(), holder: holder.session, path: holder.path, ...(message ? { message } : {}) });
    this.after(r);
    return r;
  }

  /** With a webhook only, nothing can be read back, so no question can be answered from here. */
  get webhookOnly(): boolean {
    return this.loaded.config?.destination.kind === 'webhook';
  }

  /** What this machine posted (the journal beside the board): where open questions are found. */
  journal(): JournalLine[] {
    return this.announcer?.journal() ?? [];
  }

  /** The person's answer, posted in the question's thread and decided as a reply from the phone. */
  async answer(question: OpenQuestion, text: string, store: () => Pick<ClaimStore, 'handOver'>): Promise<AnswerOutcome> {
    if (!this.announcer || !this.loaded.config) throw new ChatNotConfiguredError(this.loaded.error ?? NOT_CONFIGURED);
    if (this.webhookOnly) throw new ChatNotConfiguredError(`Mattermost: ${WEBHOOK_ONLY_ANSWER}`);
    const out = await answerQuestion({ announcer: this.announcer, boardPath: this.boardPath(), question, text, service: store, signal: AbortSignal.timeout(15_000) });
    this.readStatus();
    return out;
  }

  /** What happened in the channel lately, as text. */
  async recap(): Promise<string> {
    if (!this.announcer || !this.loaded.config) throw new ChatNotConfiguredError(this.loaded.error ?? NOT_CONFIGURED);
    const r = await this.announcer.recap({ since: new Date(Date.now() - RECAP_WINDOW_MS) });
    return formatRecap(r);
  }

  async storeSecret(kind: 'token' | 'webhook', value: string): Promise<void> {
    const key = kind === 'token' ? SECRET_TOKEN : SECRET_WEBHOOK;
    if (value) await this.secrets.store(key, value);
    else await this.secrets.delete(key);
    await this.loadSecrets();
  }

  dispose(): void {
    this.flushSoon.cancel();
    this.flushLater.cancel();
    void this.announcer?.close();
    for (const d of this.subscriptions.reverse()) d.dispose();
    this.emitter.dispose();
  }
}
