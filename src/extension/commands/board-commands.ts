import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Claim } from '../../core/model';
import type { BoardModel } from '../board-model';
import type { ClaimsNode } from '../claims-view';
import { tildify, when } from '../claim-text';
import { COMMANDS } from '../ids';
import type { PathKeys } from '../path-keys';
import { parseCommandArgs } from './args';
import { registerCommand } from './register';
import type { CommandTargets } from './targets';

const UNDO = 'Undo';
const CREATE_BOARD = 'Create Board';
const CHOOSE_BOARD = 'Choose Board…';

type PickAction = 'reveal' | 'release' | 'ask' | 'board';
type PickButton = vscode.QuickInputButton & { action: PickAction };
type PickItem = vscode.QuickPickItem & { claim: Claim };

const BUTTONS = {
  release: { iconPath: new vscode.ThemeIcon('unlock'), tooltip: 'Release', action: 'release' },
  ask: { iconPath: new vscode.ThemeIcon('comment-discussion'), tooltip: 'Ask Holder', action: 'ask' },
  board: { iconPath: new vscode.ThemeIcon('book'), tooltip: 'Show on Board', action: 'board' },
} as const satisfies Record<string, PickButton>;

/** Documents of this scheme are the board as a read-only view (Show on Board). */
export const BOARD_VIEW_SCHEME = 'claimboard-board';

/** Serves the board's text read-only, and follows the board as it changes. */
class BoardView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;
  private readonly shown = new Set<string>();

  constructor(model: BoardModel) {
    this.sub = model.onDidChange(() => {
      for (const u of this.shown) this.changed.fire(vscode.Uri.parse(u));
    });
  }

  uriFor(board: string): vscode.Uri {
    const uri = vscode.Uri.file(board).with({ scheme: BOARD_VIEW_SCHEME });
    this.shown.add(uri.toString());
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    try {
      return fs.readFileSync(uri.fsPath, 'utf8');
    } catch (e) {
      return `The board cannot be read: ${(e as Error).message}`;
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

/** The board line a Claims view node or a claim stands for. */
function lineOf(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x !== 'object' || x === null) return undefined;
  const node = x as Partial<ClaimsNode> & { line?: unknown };
  if (typeof node.line === 'number') return node.line;
  switch (node.kind) {
    case 'claim':
      return node.claim?.line;
    case 'note':
      return node.note?.line;
    case 'problem':
      return node.problem?.line;
    case 'release':
      return node.release?.line;
    default:
      return undefined;
  }
}

/** The board itself and its pinned notes; the status bar's pick of claims; revealing a claim. */
export class BoardCommands implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly boardView: BoardView;
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    private readonly targets: CommandTargets,
    private readonly label: (key: string) => string,
    log: vscode.LogOutputChannel,
  ) {
    this.boardView = new BoardView(model);
    this.subscriptions.push(
      registerCommand(COMMANDS.openBoard, (line) => this.openBoard(typeof line === 'number' ? line : undefined), log),
      registerCommand(COMMANDS.createBoard, () => this.createBoard(), log),
      registerCommand(COMMANDS.chooseBoard, (uri) => this.chooseBoard(uri instanceof vscode.Uri ? uri : undefined), log),
      registerCommand(COMMANDS.showOnBoard, (x) => this.showOnBoard(lineOf(x)), log),
      vscode.workspace.registerTextDocumentContentProvider(BOARD_VIEW_SCHEME, this.boardView),
      this.boardView,
      this.highlight,
      registerCommand(COMMANDS.addNote, (text) => this.addNote(typeof text === 'string' ? text : undefined), log),
      registerCommand(COMMANDS.removeNote, (node, options) => this.removeNote(node, options), log),
      registerCommand(COMMANDS.showClaims, () => this.showClaims(), log),
      registerCommand(COMMANDS.revealClaim, (x) => this.reveal(x), log),
      registerCommand(COMMANDS.refresh, () => this.model.refresh(), log),
      registerCommand(COMMANDS.showLog, () => log.show(), log),
    );
  }

  async openBoard(line?: number): Promise<void> {
    if (!(await this.boardThere())) return;
    const board = this.model.boardPath;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(board));
    const at = line !== undefined && line > 0 ? new vscode.Position(Math.min(line - 1, doc.lineCount - 1), 0) : undefined;
    await vscode.window.showTextDocument(doc, at ? { selection: new vscode.Range(at, at) } : {});
  }

  /**
   * Open Board and Show on Board with no board file: the Claims view's offer (Create Board,
   * Choose Board…), then true when there is a board to open.
   */
  private async boardThere(): Promise<boolean> {
    if (fs.existsSync(this.model.boardPath)) return true;
    const choice = await vscode.window.showInformationMessage(
      `No board file yet at ${tildify(this.model.boardPath)}. Sessions coordinate through this file: create it there, or choose the board your sessions already use.`,
      CREATE_BOARD,
      CHOOSE_BOARD,
    );
    if (choice === CREATE_BOARD) await this.createBoard();
    else if (choice === CHOOSE_BOARD) await this.chooseBoard();
    else return false;
    return fs.existsSync(this.model.boardPath);
  }

  /** The Claims view's Create Board: the core's empty board, never over a file that is there. */
  async createBoard(): Promise<void> {
    const board = this.model.boardPath;
    const created = await this.model.createBoard();
    vscode.window.setStatusBarMessage(created ? `$(check) Created the board ${tildify(board)}` : `$(info) The board ${tildify(board)} was already there: left as it was`, 5000);
  }

  /**
   * The Claims view's Choose Board…: a board file the person's sessions already use, kept in
   * the User settings (\`claimboard.boardPath\` is one board for every window, as for the CLI).
   * A test may pass the file instead of picking it.
   */
  async chooseBoard(picked?: vscode.Uri): Promise<void> {
    const current = this.model.boardPath;
    const near = [path.dirname(current), os.homedir()].find((d) => fs.existsSync(d));
    const uri =
      picked ??
      (
        await vscode.window.showOpenDialog({
          title: 'Choose the coordination board your sessions use',
          openLabel: 'Use This Board',
          canSelectFiles: true,
          canSelectFolders: false,
          canSelectMany: false,
          filters: { Markdown: ['md', 'markdown'], 'All files': ['*'] },
          ...(near ? { defaultUri: vscode.Uri.file(near) } : {}),
        })
      )?.[0];
    if (!uri) return;
    await vscode.workspace.getConfiguration('claimboard').update('boardPath', uri.fsPath, vscode.ConfigurationTarget.Global);
  }

  /**
   * The board as a read-only view, in its own tab (the preview tab keeps the file the person was
   * looking at), with the line highlighted: looking up a claim must not risk an edit of the board.
   * Open Board is the way to edit it.
   */
  async showOnBoard(line?: number): Promise<void> {
    if (!(await this.boardThere())) return;
    const board = this.model.boardPath;
    const doc = await vscode.workspace.openTextDocument(this.boardView.uriFor(board));
    const at = line !== undefined && line > 0 ? Math.min(line - 1, doc.lineCount - 1) : undefined;
    const range = at === undefined ? undefined : doc.lineAt(at).range;
    const editor = await vscode.window.showTextDocument(doc, { preview: false, ...(range ? { selection: new vscode.Range(range.start, range.start) } : {}) });
    if (range) editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.setDecorations(this.highlight, range ? [range] : []);
    this.highlighted = at === undefined ? undefined : at + 1;
  }

  /** The board line Show on Board highlighted last (tests read it). */
  highlighted: number | undefined;

  async addNote(text?: string): Promise<void> {
    this.targets.requireTrust();
    const note = text ?? (await vscode.window.showInputBox({ title: 'Add a pinned note to the board', prompt: 'One line every session will see', ignoreFocusOut: true }));
    if (!note) return;
    await this.model.addNote(note);
  }

  /** Removes the pinned note given as a view node or a 1-based number, or the one picked. */
  async removeNote(arg: unknown, options?: unknown): Promise<void> {
    this.targets.requireTrust();
    let index: number | undefined;
    const { targets, options: opts } = parseCommandArgs([arg, options]);
    const [target] = targets;
    if (target?.kind === 'note') index = target.index;
    else if (typeof arg === 'number') index = arg;
    else {
      const notes = this.model.view.notes;
      const picked = await vscode.window.showQuickPick(
        notes.map((n, i) => ({ label: n.text, i })),
        { title: 'Remove which pinned note?' },
      );
      if (!picked) return;
      index = picked.i + 1;
    }
    const note = this.model.view.notes[index - 1];
    await this.model.removeNote(index);
    // A pinned note speaks to every session and may not be the person's own: it can come back.
    if (note && opts.interactive !== false) {
      void vscode.window.showInformationMessage(`Removed the pinned note "${note.text}".`, UNDO).then(async (choice) => {
        if (choice === UNDO) await this.model.addNote(note.text);
      });
    }
  }

  async showClaims(): Promise<void> {
    const claims = this.model.view.claims;
    if (claims.length === 0) {
      const choice = await vscode.window.showInformationMessage('No live claims on the board.', 'Claim…', 'Open Board');
      if (choice === 'Claim…') await vscode.commands.executeCommand(COMMANDS.claim);
      else if (choice === 'Open Board') await this.openBoard();
      return;
    }
    const picked = await this.pickClaim();
    if (!picked) return;
    const { claim: c, button } = picked;
    const mine = this.model.isMine(c);
    if (button) return this.runPickAction(button, c);
    const action = await vscode.window.showQuickPick(
      [
        { label: '$(go-to-file) Reveal', id: 'reveal' as const },
        mine ? { label: '$(unlock) Release', id: 'release' as const } : { label: '$(comment-discussion) Ask in Mattermost', id: 'ask' as const },
        { label: '$(book) Show on Board', id: 'board' as const },
      ],
      { title: c.path },
    );
    if (action) await this.runPickAction(action.id, c);
  }

  private async runPickAction(id: PickAction, c: Claim): Promise<void> {
    if (id === 'reveal') await this.reveal(c);
    else if (id === 'release') await vscode.commands.executeCommand(COMMANDS.releasePath, c);
    else if (id === 'ask') await vscode.commands.executeCommand(COMMANDS.askHolder, c);
    else await this.showOnBoard(c.line);
  }

  /** The pick of claims; each row also has buttons (Release or Ask, Show on Board) that act at once. */
  private pickClaim(): Promise<{ claim: Claim; button?: PickAction } | undefined> {
    const pick = vscode.window.createQuickPick<PickItem>();
    pick.title = 'Claims on the board';
    pick.placeholder = 'Pick a claim to reveal it, release it (yours) or ask its holder';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = this.pickItems();
    return new Promise((resolve) => {
      let done: { claim: Claim; button?: PickAction } | undefined;
      pick.onDidTriggerItemButton((e) => {
        done = { claim: e.item.claim, button: (e.button as PickButton).action };
        pick.hide();
      });
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        if (item) done = { claim: item.claim };
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(done);
      });
      pick.show();
    });
  }

  /** The status bar's pick, ordered as the Claims view: your own claims first, then the others in board order. */
  pickItems(): PickItem[] {
    const claims = this.model.view.claims;
    const ordered = [...claims.filter((c) => this.model.isMine(c)), ...claims.filter((c) => !this.model.isMine(c))];
    return ordered.map((c) => ({
      buttons: [this.model.isMine(c) ? BUTTONS.release : BUTTONS.ask, BUTTONS.board],
      label: `${this.model.isMine(c) ? '$(check)' : '$(lock)'} ${this.label(c.path)}`,
      description: `${this.model.isMine(c) ? 'you' : c.session}${c.eta ? ` · eta ${when(c.eta)}` : ''}`,
      ...(c.reason ? { detail: c.reason } : {}),
      claim: c,
    }));
  }

  async reveal(x: unknown): Promise<void> {
    const [target] = parseCommandArgs([x]).targets;
    const claim: Claim | undefined = target?.kind === 'claim' ? target.claim : undefined;
    if (!claim) return;
    const where = this.keys.pathForKey(claim.path);
    if (where && fs.existsSync(where)) {
      const uri = vscode.Uri.file(where);
      if (fs.statSync(where).isDirectory()) await vscode.commands.executeCommand('revealInExplorer', uri);
      // Focus stays where the person clicked (the Claims view): a key pressed next is meant for it, not the file.
      else await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true });
      return;
    }
    await this.showOnBoard(claim.line);
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
