import * as vscode from 'vscode';
import type { Claim } from '../core/model';
import type { BoardModel } from './board-model';
import type { ChatController } from './chat';
import { claimIdentity, heldText, when } from './claim-text';
import type { Settings } from './config';
import { askAction, runAskAction } from './held-edits';
import type { PathKeys } from './path-keys';
import type { ReadOnlyFiles } from './read-only';
import { COMMANDS } from './ids';

/** The last warning shown, for tests and for the person's log. */
export interface OpenWarning {
  uri: string;
  holder: string;
  path: string;
  eta?: string;
  message: string;
  readOnly: boolean;
  /** The buttons it offered. */
  actions: string[];
}

const SHOW = 'Show on Board';
const READ_ONLY = 'Make Read-only';

/**
 * Warns once when the person opens (or is looking at) a file someone else holds: the holder,
 * the path and the ETA, with Ask / Show on Board / read-only. Once per file and claim, so tab
 * switches stay quiet; a new claim on the same file warns again.
 */
export class OpenWarningController implements vscode.Disposable {
  private readonly warned = new Set<string>();
  private last: OpenWarning | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    private readonly settings: Settings,
    private readonly chat: ChatController,
    private readonly readOnly: ReadOnlyFiles,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A claim that arrives while a file is open does not pop up over whatever the person is doing
    // (the editor may be a background tab, or focus in the terminal): its badge and gutter change
    // at once, and the warning comes when they switch to the file or edit it (HeldEditsController).
    this.subscriptions.push(vscode.window.onDidChangeActiveTextEditor((e) => this.check(e)));
    this.check(vscode.window.activeTextEditor);
  }

  get lastWarning(): OpenWarning | undefined {
    return this.last;
  }

  /** How many distinct warnings were shown this session. */
  get count(): number {
    return this.warned.size;
  }

  private check(editor: vscode.TextEditor | undefined): void {
    if (!editor || !this.settings.value.warnOnOpen) return;
    const uri = editor.document.uri;
    const key = this.keys.keyFor(uri);
    if (key === undefined) return;
    const holder = this.model.covering(key).find((c) => !this.model.isMine(c));
    if (!holder) return;
    const seen = `${uri.toString()}|${claimIdentity(holder)}`;
    if (this.warned.has(seen)) return;
    this.warned.add(seen);
    void this.warn(editor, key, holder);
  }

  private async warn(editor: vscode.TextEditor, key: string, holder: Claim): Promise<void> {
    const eta = holder.eta ? when(holder.eta) : undefined;
    const makeReadOnly = this.settings.value.readOnlyOnOpen && !this.readOnly.has(editor.document.uri);
    if (makeReadOnly) await this.readOnly.lock(editor, holder);
    const readOnly = this.readOnly.has(editor.document.uri);
    const message = `${heldText(key, holder)}. Edits now may collide with theirs.` + (readOnly ? ' This editor is read-only for this session.' : '');
    this.log.info(`warned: ${message}`);
    // A file that already is read-only is not offered Make Read-only again.
    const actions = readOnly ? [askAction(this.chat), SHOW] : [askAction(this.chat), SHOW, READ_ONLY];
    // Recorded once the editor is read-only, so whoever reads the warning can rely on what it says.
    this.last = { uri: editor.document.uri.toString(), holder: holder.session, path: key, ...(eta ? { eta } : {}), message, readOnly, actions };
    const choice = await vscode.window.showWarningMessage(message, ...actions);
    if (await runAskAction(choice, holder)) return;
    if (choice === SHOW) await vscode.commands.executeCommand(COMMANDS.showOnBoard, holder.line);
    else if (choice === READ_ONLY) await this.readOnly.lock(editor, holder);
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
