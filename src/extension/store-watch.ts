import type * as vscode from 'vscode';
import { markSharedViewStale, StoreUnavailableError, type ClaimStore, type StoreChoice } from '../core/claim-store';

/** A changeless store is still re-read this often (a lease that ran out announces nothing). */
const REREAD_MS = 30_000;
/** While the database cannot be reached, it is tried again this often. */
const RETRY_MS = 2_000;

/**
 * Over a shared store (CLAIMBOARD_STORE / store.url), the window's board file is this machine's
 * view of the store: this keeps it current. It LISTENs for any machine's change and rewrites the
 * view from the database (the store's `status`), which the board watcher then reads like any
 * write to the board, so a claim made on another machine shows here within a moment. While the
 * database is down the view stays as last written (the last known view) and this says so once.
 */
export class SharedStoreWatch implements vscode.Disposable {
  private disposed = false;
  private store: ClaimStore | undefined;
  private wake: (() => void) | undefined;
  /** Since when the database has not answered (undefined while it answers). */
  unreachableSince: Date | undefined;
  private answeredAt: Date | undefined;
  /** How many times the view was rewritten from the store: the tests' handle. */
  rewrites = 0;

  constructor(
    private readonly choice: Extract<StoreChoice, { kind: 'postgres' }>,
    private readonly boardPath: () => string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  start(): void {
    void this.loop();
  }

  private async loop(): Promise<void> {
    let board = '';
    while (!this.disposed) {
      try {
        if (board !== this.boardPath()) {
          await this.store?.close();
          board = this.boardPath();
          // Its own chunk of the bundle, evaluated only when a shared store is set.
          const { openPgStore } = await import('../store-pg');
          this.store = openPgStore(this.choice, { boardPath: board });
          this.log.info(`board ${board} is the view of ${this.store.where}`);
        }
        const store = this.store;
        if (!store) break;
        await store.status();
        this.rewrites++;
        this.answeredAt = new Date();
        if (this.unreachableSince) this.log.info(`${store.where} answers again`);
        this.unreachableSince = undefined;
        await Promise.race([store.changed?.(REREAD_MS), new Promise<void>((r) => (this.wake = r))]);
      } catch (e) {
        if (!this.unreachableSince) {
          this.unreachableSince = this.answeredAt ?? new Date();
          const why = e instanceof StoreUnavailableError ? e.message : String(e);
          this.log.warn(`${why}; the board shows the last known view, marked stale, until it answers`);
          // The view's header says so: the window re-reads it like any change to the board.
          if (this.store) await markSharedViewStale(board, this.store.where, this.unreachableSince);
        }
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, RETRY_MS);
        });
      }
    }
  }

  /** The board file changed (a person's edit, a claim from this window): share what is new now. */
  poke(): void {
    this.wake?.();
  }

  dispose(): void {
    this.disposed = true;
    this.wake?.();
    void this.store?.close();
  }
}
