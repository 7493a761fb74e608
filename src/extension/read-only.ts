import * as vscode from 'vscode';
import type { Claim } from '../core/model';
import type { BoardModel } from './board-model';
import { CONTEXT_KEYS } from './ids';
import type { PathKeys } from './path-keys';

/** VS Code's own commands: read-only "in session" is kept per file by the workbench, for the active editor. */
const SET_READ_ONLY = 'workbench.action.files.setActiveEditorReadonlyInSession';
const SET_WRITEABLE = 'workbench.action.files.setActiveEditorWriteableInSession';

interface Locked {
  key: string;
  holder: string;
}

/**
 * Files the person made read-only because someone else holds them, made writeable again once
 * nobody else does, saying so (as Wait for It does). The workbench only changes the active
 * editor's file, so a file released while in a background tab is freed when the person returns.
 */
export class ReadOnlyFiles implements vscode.Disposable {
  private readonly locked = new Map<string, Locked>();
  private readonly toLift = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly freed: string[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      model.onDidChange(() => void this.check()),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        this.updateContext();
        void this.liftIfWaiting(e);
      }),
    );
  }

  private updateContext(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.activeFileReadOnly, !!uri && this.has(uri));
  }

  has(uri: vscode.Uri): boolean {
    return this.locked.has(uri.toString());
  }

  /** Files made writeable again after their holder let go (tests read it). */
  get freedFiles(): readonly string[] {
    return this.freed;
  }

  async lock(editor: vscode.TextEditor, holder: Claim): Promise<void> {
    const key = this.keys.keyFor(editor.document.uri);
    if (key === undefined) return;
    // The command acts on the active editor: show ours first if the person moved on.
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    await vscode.commands.executeCommand(SET_READ_ONLY);
    this.locked.set(editor.document.uri.toString(), { key, holder: holder.session });
    this.updateContext();
    this.log.info(`read-only: ${key} (held by ${holder.session})`);
  }

  private async check(): Promise<void> {
    for (const [uri, { key, holder }] of [...this.locked]) {
      if (this.model.covering(key).some((c) => !this.model.isMine(c))) continue;
      this.locked.delete(uri);
      this.toLift.add(uri);
      this.updateContext();
      const active = vscode.window.activeTextEditor;
      if (active?.document.uri.toString() === uri) await this.liftIfWaiting(active);
      const message = `${key} is free again (${holder} no longer holds it): you can edit it.`;
      this.log.info(message);
      void vscode.window.showInformationMessage(message);
    }
  }

  private async liftIfWaiting(editor: vscode.TextEditor | undefined): Promise<void> {
    const uri = editor?.document.uri.toString();
    if (!uri || !this.toLift.delete(uri)) return;
    await vscode.commands.executeCommand(SET_WRITEABLE);
    this.freed.push(uri);
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
