import * as vscode from 'vscode';
import { ClaimIndex } from '../core/matcher';
import { createBoardIfMissing } from '../core/board-store';
import type { BoardView, ClaimResult, ClaimService, Conflict } from '../core/claim-service';
import type { Claim } from '../core/model';
import type { HandOverRequest, HandOverResult } from '../core/claim-store';
import { BoardWatcher } from './board-watcher';
import type { Settings, SettingsChange } from './config';

export type { BoardView, ClaimResult, Conflict } from '../core/claim-service';

export interface ClaimOptions {
  eta?: Date;
  ttlMs?: number;
  reason?: string;
  force?: boolean;
}

export type ServiceFactory = (boardPath: string, ttlMs: number) => ClaimService;

/**
 * Nothing writes the board when a lease simply runs out (or a holder process dies), so the
 * window re-reads on its own: just after the next lease ends, and at least this often.
 */
const REREAD_AT_LEAST_EVERY_MS = 60_000;
/** Re-read this long after a lease's end, so the claim is past it when we look. */
const AFTER_LEASE_END_MS = 50;

const EMPTY: BoardView = { boardPath: '', exists: false, claims: [], expired: [], releases: [], notes: [], sessions: [], problems: [] };

/**
 * The board as the window knows it: the last view read, an index of who covers which path key,
 * and the writes the person makes. Re-read when the board file changes (watcher) and right
 * after each write from this window; every UI surface listens to `onDidChange`.
 */
export class BoardModel implements vscode.Disposable {
  private service!: ClaimService;
  private watcher: BoardWatcher | undefined;
  private current: BoardView = EMPTY;
  private index: CoverIndex = new CoverIndex([]);
  private readError: string | undefined;
  private readonly emitter = new vscode.EventEmitter<BoardView>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readCount = 0;
  private rereadTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly createService: ServiceFactory,
    private readonly ttlMs: () => number,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(settings.onDidChange((e) => this.onConfigurationChanged(e)));
    this.onConfigurationChanged();
  }

  private onConfigurationChanged(e?: SettingsChange): void {
    if (!e || e.affects('boardPath', 'ttl')) this.open();
    // Whose claims are "mine" changed: every surface redraws.
    else if (e.affects('sessionName')) this.emitter.fire(this.current);
  }

  /** (Re)opens the board named by the settings: a new service and a new watcher. */
  private open(): void {
    this.watcher?.dispose();
    const boardPath = this.settings.value.boardPath;
    this.service = this.createService(boardPath, this.ttlMs());
    this.watcher = new BoardWatcher(
      boardPath,
      () => this.refresh(),
      (m) => this.log.debug(m),
    );
    this.watcher.start();
    this.refresh();
  }

  get boardPath(): string {
    return this.settings.value.boardPath;
  }

  get session(): string {
    return this.settings.value.sessionName;
  }

  get view(): BoardView {
    return this.current;
  }

  /** Why the board could not be read last time, if it could not. */
  get error(): string | undefined {
    return this.readError;
  }

  /** How many times the board has been read (tests wait on it). */
  get reads(): number {
    return this.readCount;
  }

  isMine(c: Claim): boolean {
    return c.session === this.session;
  }

  /** Live claims covering a path key, in board order. */
  covering(key: string): Claim[] {
    return this.index.covering(key);
  }

  /** Live claims strictly inside the folder with this key (for the lighter folder mark). */
  inside(folderKey: string): Claim[] {
    return this.index.inside(folderKey);
  }

  /** Re-reads the board (a plain read, no lock: writers rename whole files into place). */
  refresh(): void {
    try {
      const view = this.service.status();
      this.current = view;
      this.index = new CoverIndex(view.claims);
      this.readError = undefined;
    } catch (err) {
      this.readError = err instanceof Error ? err.message : String(err);
      this.log.warn(`could not read the board ${this.boardPath}: ${this.readError}`);
    }
    this.readCount++;
    this.scheduleReread();
    this.emitter.fire(this.current);
  }

  private scheduleReread(): void {
    if (this.rereadTimer) clearTimeout(this.rereadTimer);
    const now = Date.now();
    let next = now + REREAD_AT_LEAST_EVERY_MS;
    for (const c of this.current.claims) next = Math.min(next, c.expires.getTime() + AFTER_LEASE_END_MS);
    this.rereadTimer = setTimeout(() => this.refresh(), Math.max(0, next - now));
  }

  async claim(paths: string[], opts: ClaimOptions): Promise<ClaimResult> {
    const out = await this.service.claim(this.session, { paths, ttlMs: this.ttlMs(), ...opts });
    this.refresh();
    return out;
  }

  async release(paths: string[] | 'all'): Promise<{ released: Claim[]; notHeld: string[] }> {
    const out = await this.service.release(this.session, paths);
    this.refresh();
    return out;
  }

  /** Renews each of the person's claims by its own lease length (the setting is for new claims). */
  async renew(): Promise<Claim[]> {
    const out = await this.service.renew(this.session);
    this.refresh();
    return out.renewed;
  }

  /** The person said yes to a question about a held path (answered from this window). */
  async handOver(req: HandOverRequest): Promise<HandOverResult> {
    const out = await this.service.handOver(req);
    this.refresh();
    return out;
  }

  /** Read-only: who would refuse these keys to the person. */
  check(keys: string[]): Conflict[] {
    return this.service.check(this.session, keys);
  }

  /** Writes the seed's empty board at the board path unless a file is there; true when it did. */
  async createBoard(): Promise<boolean> {
    const created = await createBoardIfMissing(this.boardPath);
    this.refresh();
    return created;
  }

  async addNote(text: string): Promise<void> {
    await this.service.addNote(text);
    this.refresh();
  }

  async removeNote(n: number): Promise<void> {
    await this.service.removeNote(n);
    this.refresh();
  }

  dispose(): void {
    if (this.rereadTimer) clearTimeout(this.rereadTimer);
    this.watcher?.dispose();
    for (const d of this.subscriptions) d.dispose();
    this.emitter.dispose();
  }
}

/**
 * The core's ClaimIndex answers "who covers this key" and "who is inside this folder" (for the
 * lighter folder mark), with the same matcher as the CLI, hooks and git guard.
 */
class CoverIndex {
  private readonly index: ClaimIndex<Claim>;

  constructor(claims: Claim[]) {
    this.index = new ClaimIndex(claims);
  }

  covering(key: string): Claim[] {
    return this.index.size === 0 ? [] : this.index.covering(key);
  }

  inside(folderKey: string): Claim[] {
    return this.index.size === 0 ? [] : this.index.inside(folderKey);
  }
}
