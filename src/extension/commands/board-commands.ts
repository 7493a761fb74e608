import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Claim } from '../../core/model';
import type { BoardModel } from '../board-model';
import { when } from '../claim-text';
import { COMMANDS } from '../ids';
import type { PathKeys } from '../path-keys';
import { parseCommandArgs } from './args';
import { registerCommand } from './register';
import type { CommandTargets } from './targets';

const UNDO = 'Undo';

/** The board itself and its pinned notes; the status bar's pick of claims; revealing a claim. */
export class BoardCommands implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    private readonly targets: CommandTargets,
    log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      registerCommand(COMMANDS.openBoard, (line) => this.openBoard(typeof line === 'number' ? line : undefined), log),
      registerCommand(COMMANDS.addNote, (text) => this.addNote(typeof text === 'string' ? text : undefined), log),
      registerCommand(COMMANDS.removeNote, (node, options) => this.removeNote(node, options), log),
      registerCommand(COMMANDS.showClaims, () => this.showClaims(), log),
      registerCommand(COMMANDS.revealClaim, (x) => this.reveal(x), log),
      registerCommand(COMMANDS.refresh, () => this.model.refresh(), log),
      registerCommand(COMMANDS.showLog, () => log.show(), log),
    );
  }

  async openBoard(line?: number): Promise<void> {
    const board = this.model.boardPath;
    if (!fs.existsSync(board)) {
      void vscode.window.showInformationMessage(`There is no board yet at ${board}: the first claim creates it.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(board));
    const at = line !== undefined && line > 0 ? new vscode.Position(Math.min(line - 1, doc.lineCount - 1), 0) : undefined;
    await vscode.window.showTextDocument(doc, at ? { selection: new vscode.Range(at, at) } : {});
  }

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
    const picked = await vscode.window.showQuickPick(this.pickItems(), {
      title: 'Claims on the board',
      placeHolder: 'Pick a claim to reveal it, release it (yours) or ask its holder',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    const c = picked.claim;
    const mine = this.model.isMine(c);
    const action = await vscode.window.showQuickPick(
      [
        { label: '$(go-to-file) Reveal', id: 'reveal' },
        mine ? { label: '$(unlock) Release', id: 'release' } : { label: '$(comment-discussion) Ask in Mattermost', id: 'ask' },
        { label: '$(book) Show on Board', id: 'board' },
      ],
      { title: c.path },
    );
    if (action?.id === 'reveal') await this.reveal(c);
    else if (action?.id === 'release') await vscode.commands.executeCommand(COMMANDS.releasePath, c);
    else if (action?.id === 'ask') await vscode.commands.executeCommand(COMMANDS.askHolder, c);
    else if (action?.id === 'board') await this.openBoard(c.line);
  }

  /** The status bar's pick, ordered as the Claims view: your own claims first, then the others in board order. */
  pickItems(): (vscode.QuickPickItem & { claim: Claim })[] {
    const claims = this.model.view.claims;
    const ordered = [...claims.filter((c) => this.model.isMine(c)), ...claims.filter((c) => !this.model.isMine(c))];
    return ordered.map((c) => ({
      label: `${this.model.isMine(c) ? '$(pass)' : '$(lock)'} ${c.path}`,
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
    await this.openBoard(claim.line);
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
