import * as vscode from 'vscode';
import type { Claim } from '../core/model';
import type { BoardModel } from './board-model';
import type { ChatController } from './chat';
import { claimIdentity, heldText } from './claim-text';
import { registerCommand } from './commands/register';
import { InputError } from '../core/errors';
import { COMMANDS, CONTEXT_KEYS } from './ids';
import type { PathKeys } from './path-keys';
import type { ReadOnlyFiles } from './read-only';

const SHOW = 'Show on Board';
const READ_ONLY = 'Make Read-only';
export const ASK = 'Ask in Mattermost';
export const SET_UP_MATTERMOST = 'Set up Mattermost…';

/** One held file with unsaved changes, for the status bar. */
export interface HeldEdit {
  key: string;
  holder: Claim;
}

/** The holder's claim on a file, if someone else holds it. */
export function otherHolder(model: BoardModel, key: string): Claim | undefined {
  return model.covering(key).find((c) => !model.isMine(c));
}

/** Ask the holder when Mattermost is set up; otherwise the way to set it up, never a dead end. */
export function askAction(chat: ChatController): string {
  return chat.configured ? ASK : SET_UP_MATTERMOST;
}

export async function runAskAction(choice: string | undefined, holder: Claim): Promise<boolean> {
  if (choice === ASK) await vscode.commands.executeCommand(COMMANDS.askHolder, holder);
  else if (choice === SET_UP_MATTERMOST) await vscode.commands.executeCommand(COMMANDS.setMattermostToken);
  else return false;
  return true;
}

/**
 * Protects the edit, not only the open: the first edit or save of a file someone else holds
 * warns once per claim (a notification, never a modal), the status bar stays in
 * a warning state while such a file has unsaved changes, and the `claimboard.activeFileClaim`
 * context key keeps Make Read-only (editor title) and Claim/Release menus to where they apply.
 */
export class HeldEditsController implements vscode.Disposable {
  private readonly warned = new Set<string>();
  private readonly messages: string[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the set of held files with unsaved changes may have changed. */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private context: string | undefined;

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    private readonly chat: ChatController,
    private readonly readOnly: ReadOnlyFiles,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      this.emitter,
      registerCommand(COMMANDS.makeReadOnly, () => this.makeActiveReadOnly(), log),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // A change of the dirty state alone arrives as an event without content changes.
        this.emitter.fire();
        if (e.contentChanges.length > 0) this.warn(e.document, 'edit');
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        this.emitter.fire();
        this.warn(doc, 'save');
      }),
      vscode.workspace.onDidCloseTextDocument(() => this.emitter.fire()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      model.onDidChange(() => {
        this.updateContext();
        this.emitter.fire();
      }),
    );
    this.updateContext();
  }

  /** Edit and save warnings shown this session, oldest first (tests read them). */
  get shown(): readonly string[] {
    return this.messages;
  }

  /** Files someone else holds that have unsaved changes here. */
  heldUnsaved(): HeldEdit[] {
    const out: HeldEdit[] = [];
    for (const doc of vscode.workspace.textDocuments) {
      if (!doc.isDirty) continue;
      const key = this.keys.keyFor(doc.uri);
      const holder = key === undefined ? undefined : otherHolder(this.model, key);
      if (key !== undefined && holder) out.push({ key, holder });
    }
    return out;
  }

  /** Make Read-only from the editor title, for as long as someone else holds the file. */
  private async makeActiveReadOnly(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const key = editor ? this.keys.keyFor(editor.document.uri) : undefined;
    const holder = key === undefined ? undefined : otherHolder(this.model, key);
    if (!editor || key === undefined || !holder) throw new InputError('nobody else holds the file in this editor');
    await this.readOnly.lock(editor, holder);
  }

  private updateContext(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const key = uri ? this.keys.keyFor(uri) : undefined;
    const claims = key === undefined ? [] : this.model.covering(key);
    const value = claims.some((c) => !this.model.isMine(c)) ? 'other' : claims.length > 0 ? 'mine' : 'free';
    if (value === this.context) return;
    this.context = value;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.activeFileClaim, value);
  }

  private warn(doc: vscode.TextDocument, what: 'edit' | 'save'): void {
    const key = this.keys.keyFor(doc.uri);
    if (key === undefined) return;
    const holder = otherHolder(this.model, key);
    if (!holder) return;
    // One warning per file and claim, on whichever comes first: with auto-save (the default in
    // VS Code for the Web) every edit is saved a second later, and one warning is enough.
    const seen = `${doc.uri.toString()}|${claimIdentity(holder)}`;
    if (this.warned.has(seen)) return;
    this.warned.add(seen);
    const message =
      what === 'edit'
        ? `${heldText(key, holder)}. You are editing it: your changes may collide with theirs.`
        : `${heldText(key, holder)}. You saved changes to it: tell ${holder.session}, or wait for their release before you commit.`;
    this.messages.push(message);
    this.log.info(message);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const actions = [askAction(this.chat), SHOW, ...(editor && !this.readOnly.has(doc.uri) ? [READ_ONLY] : [])];
    void vscode.window.showWarningMessage(message, ...actions).then(async (choice) => {
      if (await runAskAction(choice, holder)) return;
      if (choice === SHOW) await vscode.commands.executeCommand(COMMANDS.showOnBoard, holder.line);
      else if (choice === READ_ONLY && editor) await this.readOnly.lock(editor, holder);
    });
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
