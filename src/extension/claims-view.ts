import * as vscode from 'vscode';
import type { Claim, PinnedNote, Problem, Release } from '../core/model';
import type { BoardModel } from './board-model';
import { claimTooltip, tildify, when } from './claim-text';
import { COLOR_HELD_BY_ME, COLOR_HELD_BY_OTHER } from './decorations';
import { COMMANDS, CONTEXT_KEYS, VIEWS, VIEW_ITEMS } from './ids';
import type { WaitQueue } from './wait-queue';
import type { Settings } from './config';
import type { QuestionNode, QuestionsController } from './questions';
import { CONFIRMATION_MS, registerCommand } from './commands/register';

function isClaimsNode(x: unknown): x is ClaimsNode {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string';
}

const GROUP_ITEMS = {
  expired: VIEW_ITEMS.groupExpired,
  releases: VIEW_ITEMS.groupReleases,
  notes: VIEW_ITEMS.groupNotes,
  problems: VIEW_ITEMS.groupProblems,
  waiting: VIEW_ITEMS.groupWaiting,
  questions: VIEW_ITEMS.groupQuestions,
} as const;

/** The Delete key's argument (package.json): VS Code passes the row that has the keyboard focus. */
const FOCUSED_ROW = { $treeViewId: VIEWS.claims, $focusedTreeItem: true } as const;
/** Asked again at most this often: the rows come back level by level (sessions and groups, then their rows). */
const FOCUSED_ROW_ATTEMPTS = 3;
/** The longest wait for the workbench to fetch rows again before asking anyway. */
const ROWS_FETCHED_WAIT_MS = 1000;

/** A node of the Claims view; `contextValue` drives the inline actions in package.json. */
export type ClaimsNode =
  | { kind: 'session'; session: string; claims: Claim[] }
  | { kind: 'claim'; claim: Claim; expired: boolean }
  | { kind: 'group'; group: 'questions' | 'waiting' | 'expired' | 'releases' | 'notes' | 'problems' }
  | QuestionNode
  | { kind: 'waiting'; key: string }
  | { kind: 'release'; release: Release }
  | { kind: 'note'; note: PinnedNote; index: number }
  | { kind: 'problem'; problem: Problem };

/** Plain description of a tree item, for tests. */
export interface TreeItemInfo {
  label: string;
  description?: string;
  contextValue?: string;
  children?: TreeItemInfo[];
}

/** The Claims view in the Explorer: live claims by session, expired, recent releases, pinned notes. */
export class ClaimsViewController implements vscode.TreeDataProvider<ClaimsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClaimsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ClaimsNode>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly waits: WaitQueue,
    private readonly settings: Settings,
    private readonly label: (key: string) => string,
    log: vscode.LogOutputChannel,
    private readonly questions?: QuestionsController,
  ) {
    this.view = vscode.window.createTreeView(VIEWS.claims, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(
      this.view,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible) this.drawOnFirstShow();
      }),
      registerCommand(COMMANDS.removeSelected, (...args) => this.removeSelected(...args), log),
      model.onDidChange(() => this.update()),
      waits.onDidChange(() => this.update()),
      ...(questions ? [questions.onDidChange(() => this.update())] : []),
      settings.onDidChange((e) => {
        if (e.affects('viewBadge')) this.update();
      }),
    );
    this.update();
    if (this.view.visible) this.drawOnFirstShow();
  }

  /**
   * The workbench lays out a tree view it shows for the first time only 2 s after the view's
   * activation event (VS Code's custom tree view waits \`timeout(2000)\` before its first
   * \`updateMessage()\`), so the rows stayed blank ~2.5 s on first expand while the status bar was
   * long filled (docs/benchmarks.md). A change of the view's message lays it out at once.
   */
  private drawOnFirstShow(): void {
    if (this.shownOnce) return;
    this.shownOnce = true;
    const message = this.view.message;
    this.view.message = '\u200b';
    this.view.message = message;
  }

  private update(): void {
    const n = this.model.view.claims.length;
    // The view's badge lands on the Explorer icon, in place of VS Code's unsaved-files count: opt-in.
    this.view.badge = this.settings.value.viewBadge && n > 0 ? { value: n, tooltip: `${n} live claim${n === 1 ? '' : 's'}` } : undefined;
    this.view.message = this.model.error ? `The board cannot be read: ${this.model.error}` : undefined;
    // A tree view's welcome text is fixed in the manifest: the path it speaks of is shown beside the title.
    const noBoard = !this.model.error && !this.model.view.exists;
    // The welcome text claims the board is empty: shown only once that is known, not while the
    // workbench has not yet fetched the first rows (it would take the focus, then vanish with it).
    const noClaims = !this.model.error && this.model.view.exists && this.children().length === 0;
    if (noClaims !== this.noClaims) {
      this.noClaims = noClaims;
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.noClaims, noClaims);
    }
    this.view.description = noBoard ? tildify(this.model.boardPath) : undefined;
    if (noBoard !== this.noBoard) {
      this.noBoard = noBoard;
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.noBoard, noBoard);
    }
    // The board is re-read after every write, ours included, mostly unchanged: redrawing anyway
    // drops the rows' commands VS Code holds, and a click at that moment fails ("command not found").
    const drawn = JSON.stringify(this.items());
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    this.changed.fire(undefined);
  }

  private drawn = '';
  private shownOnce = false;
  private noBoard: boolean | undefined;
  private noClaims: boolean | undefined;
  /** Who waits for the workbench's next fetch of rows. */
  private waitingForRows: (() => void)[] = [];

  /**
   * Delete in the view: releases your claim, removes a pinned note (with Undo), stops a wait.
   * Acts on the focused row (the keybinding's arguments ask the extension host for it), else on
   * the selection; never on the file in the editor.
   *
   * After every change of the board the view is redrawn, and VS Code's extension host forgets
   * every row until the workbench has fetched them again: a Delete pressed meanwhile (the next
   * Delete right after one, or just after another session wrote) arrives with no row. It is asked
   * for again once the rows are back, never guessed from the selection (another row).
   */
  async removeSelected(...args: unknown[]): Promise<void> {
    const [x, attempt] = args;
    const fromKey = args.length > 0 && (x === undefined || x === null);
    const node = isClaimsNode(x) ? x : fromKey ? undefined : this.view.selection[0];
    if (!node) {
      const done = typeof attempt === 'number' ? attempt : 0;
      if (!fromKey || done >= FOCUSED_ROW_ATTEMPTS) return;
      await this.rowsFetched();
      // Through the workbench, so that the extension host looks up the focused row again.
      await vscode.commands.executeCommand('runCommands', { commands: [{ command: COMMANDS.removeSelected, args: [FOCUSED_ROW, done + 1] }] });
      return;
    }
    if (node.kind === 'claim' && !node.expired && this.model.isMine(node.claim)) await vscode.commands.executeCommand(COMMANDS.releasePath, node);
    else if (node.kind === 'note') await vscode.commands.executeCommand(COMMANDS.removeNote, node);
    else if (node.kind === 'waiting') await vscode.commands.executeCommand(COMMANDS.stopWaiting, node);
    else if (node.kind === 'claim' && !node.expired) vscode.window.setStatusBarMessage(`$(lock) ${node.claim.session} holds ${node.claim.path}: only they can release it`, CONFIRMATION_MS);
  }

  get badge(): number | undefined {
    return this.view.badge?.value;
  }
  get description(): string | undefined {
    return this.view.description;
  }

  /** The workbench's fetch of rows (VS Code's TreeDataProvider): once answered, the extension host knows them again. */
  getChildren(node?: ClaimsNode): ClaimsNode[] {
    const children = this.children(node);
    if (this.waitingForRows.length > 0) {
      const waiting = this.waitingForRows;
      this.waitingForRows = [];
      // The extension host records the rows after this returns and their items resolve.
      setTimeout(() => waiting.forEach((resolve) => resolve()), 0);
    }
    return children;
  }

  private rowsFetched(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ROWS_FETCHED_WAIT_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waitingForRows.push(done);
    });
  }

  private children(node?: ClaimsNode): ClaimsNode[] {
    const v = this.model.view;
    if (!node) {
      const bySession = new Map<string, Claim[]>();
      for (const c of v.claims) bySession.set(c.session, [...(bySession.get(c.session) ?? []), c]);
      // The person's own session first, then the others in board order.
      const sessions = [...bySession.keys()].sort((a, b) => Number(b === this.model.session) - Number(a === this.model.session));
      // A board with lines nobody can read comes first: claims written there are not seen by anyone.
      const roots: ClaimsNode[] = v.problems.length > 0 ? [{ kind: 'group', group: 'problems' }] : [];
      // Then a session waiting on the person's answer.
      if (this.questions?.hasGroup) roots.push({ kind: 'group', group: 'questions' });
      // Then what the person waits for: it is theirs, and they may want to stop waiting.
      if (this.waits.keys.length > 0) roots.push({ kind: 'group', group: 'waiting' });
      roots.push(...sessions.map((s): ClaimsNode => ({ kind: 'session', session: s, claims: bySession.get(s) ?? [] })));
      if (v.expired.length > 0) roots.push({ kind: 'group', group: 'expired' });
      if (v.releases.length > 0) roots.push({ kind: 'group', group: 'releases' });
      if (v.notes.length > 0) roots.push({ kind: 'group', group: 'notes' });
      return roots;
    }
    switch (node.kind) {
      case 'session':
        return node.claims.map((claim) => ({ kind: 'claim', claim, expired: false }));
      case 'group':
        if (node.group === 'questions') return this.questions?.children() ?? [];
        if (node.group === 'waiting') return this.waits.keys.map((key) => ({ kind: 'waiting', key }));
        if (node.group === 'expired') return v.expired.map((claim) => ({ kind: 'claim', claim, expired: true }));
        if (node.group === 'releases') return v.releases.map((release) => ({ kind: 'release', release }));
        if (node.group === 'notes') return v.notes.map((note, index) => ({ kind: 'note', note, index }));
        return v.problems.map((problem) => ({ kind: 'problem', problem }));
      default:
        return [];
    }
  }

  getTreeItem(node: ClaimsNode): vscode.TreeItem {
    const now = new Date();
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'session': {
        const mine = node.session === this.model.session;
        const item = new vscode.TreeItem(node.session, C.Expanded);
        item.description = `${mine ? 'you · ' : ''}${node.claims.length} claim${node.claims.length === 1 ? '' : 's'}`;
        item.accessibilityInformation = { label: `${mine ? 'your session' : 'session'} ${node.session}, ${node.claims.length} claim${node.claims.length === 1 ? '' : 's'}` };
        item.iconPath = new vscode.ThemeIcon(mine ? 'account' : 'person');
        item.contextValue = mine ? VIEW_ITEMS.sessionMine : VIEW_ITEMS.session;
        return item;
      }
      case 'claim': {
        const c = node.claim;
        const mine = this.model.isMine(c);
        const item = new vscode.TreeItem(this.label(c.path), C.None);
        const parts = node.expired ? [`${c.session}`, `expired ${when(c.expires, now)}`] : [];
        if (!node.expired && c.eta) parts.push(`eta ${when(c.eta, now)}`);
        if (!node.expired) parts.push(`lease ${when(c.expires, now)}`);
        if (c.reason) parts.push(c.reason);
        item.description = parts.join(' · ');
        item.tooltip = `${c.path}\n${claimTooltip(c, mine, now)}`;
        // Read out first by a screen reader, and how a test finds the row among releases of the same path.
        item.accessibilityInformation = { label: `${c.path}, ${node.expired ? 'expired claim' : mine ? 'your claim' : `claimed by ${c.session}`}, ${item.description}` };
        item.contextValue = node.expired ? VIEW_ITEMS.claimExpired : mine ? VIEW_ITEMS.claimMine : VIEW_ITEMS.claimOther;
        item.iconPath = node.expired
          ? new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'))
          : new vscode.ThemeIcon(mine ? 'check' : 'lock', new vscode.ThemeColor(mine ? COLOR_HELD_BY_ME : COLOR_HELD_BY_OTHER));
        item.command = { command: COMMANDS.revealClaim, title: 'Reveal', arguments: [node] };
        return item;
      }
      case 'group': {
        const labels = { questions: 'Questions', waiting: 'Waiting for', expired: 'Expired', releases: 'Recent releases', notes: 'Pinned notes', problems: 'Problems' } as const;
        const icons = { questions: 'comment-discussion', waiting: 'watch', expired: 'history', releases: 'unlock', notes: 'pinned', problems: 'warning' } as const;
        const item = new vscode.TreeItem(labels[node.group], node.group === 'releases' ? C.Collapsed : C.Expanded);
        item.iconPath = new vscode.ThemeIcon(icons[node.group]);
        item.contextValue = GROUP_ITEMS[node.group];
        return item;
      }
      case 'waiting': {
        const item = new vscode.TreeItem(this.label(node.key), C.None);
        const holders = this.model.covering(node.key).filter((c) => !this.model.isMine(c));
        item.description = holders.length > 0 ? `held by ${[...new Set(holders.map((c) => c.session))].join(', ')}` : 'free';
        item.tooltip = `You will be told when ${node.key} is free, and asked whether to claim it.`;
        item.iconPath = new vscode.ThemeIcon('watch');
        item.contextValue = VIEW_ITEMS.waiting;
        return item;
      }
      case 'question':
      case 'questionsNeedToken':
        return this.questions?.treeItem(node) ?? new vscode.TreeItem('');
      case 'release': {
        const r = node.release;
        const item = new vscode.TreeItem(this.label(r.path), C.None);
        item.tooltip = r.path;
        item.description = `${r.session} · ${when(r.at, now)}${r.outcome ? ` · ${r.outcome}` : ''}`;
        item.accessibilityInformation = { label: `${r.path}, released by ${item.description}` };
        item.contextValue = VIEW_ITEMS.release;
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(node.note.text, C.None);
        item.tooltip = node.note.text;
        item.accessibilityInformation = { label: `pinned note: ${node.note.text}` };
        item.contextValue = VIEW_ITEMS.note;
        item.command = { command: COMMANDS.showOnBoard, title: 'Show on Board', arguments: [node.note.line] };
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(`line ${node.problem.line}: ${node.problem.message}`, C.None);
        item.contextValue = VIEW_ITEMS.problem;
        item.iconPath = new vscode.ThemeIcon('warning');
        item.command = { command: COMMANDS.showOnBoard, title: 'Show on Board', arguments: [node.problem.line] };
        return item;
      }
    }
  }

  /** The whole tree as plain values (what the person would see expanded). */
  items(node?: ClaimsNode): TreeItemInfo[] {
    return this.children(node).map((child) => {
      const item = this.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const children = item.collapsibleState === vscode.TreeItemCollapsibleState.None ? undefined : this.items(child);
      return {
        label,
        ...(typeof item.description === 'string' ? { description: item.description } : {}),
        ...(item.contextValue ? { contextValue: item.contextValue } : {}),
        ...(children ? { children } : {}),
      };
    });
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
    this.changed.dispose();
  }
}
