import * as vscode from 'vscode';
import type { Claim } from '../core/model';
import type { BoardModel } from './board-model';
import { when } from './claim-text';
import type { Settings } from './config';
import type { PathKeys } from './path-keys';
import { COMMANDS } from './ids';

/** The last warning shown, for tests and for the person's log. */
export interface OpenWarning {
  uri: string;
  holder: string;
  path: string;
  eta?: string;
  message: string;
  readOnly: boolean;
}

const ASK = 'Ask in Mattermost';
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
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((e) => this.check(e)),
      // A claim that arrives while the file is open counts as well.
      model.onDidChange(() => this.check(vscode.window.activeTextEditor)),
    );
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
    const seen = `${uri.toString()}|${holder.id ?? `${holder.session}|${holder.path}|${holder.started.getTime()}`}`;
    if (this.warned.has(seen)) return;
    this.warned.add(seen);
    void this.warn(editor, key, holder);
  }

  private async warn(editor: vscode.TextEditor, key: string, holder: Claim): Promise<void> {
    const eta = holder.eta ? when(holder.eta) : undefined;
    const readOnly = this.settings.value.readOnlyOnOpen;
    const message =
      `${key} is claimed by ${holder.session}${eta ? ` until about ${eta}` : ''}` +
      `${holder.reason ? ` (${holder.reason})` : ''}. Edits now may collide with theirs.` +
      (readOnly ? ' This editor is read-only for this session.' : '');
    this.log.info(`warned: ${message}`);
    if (readOnly) await this.makeReadOnly(editor);
    // Recorded once the editor is read-only, so whoever reads the warning can rely on what it says.
    this.last = { uri: editor.document.uri.toString(), holder: holder.session, path: key, ...(eta ? { eta } : {}), message, readOnly };
    const actions = readOnly ? [ASK, SHOW] : [ASK, SHOW, READ_ONLY];
    const choice = await vscode.window.showWarningMessage(message, ...actions);
    if (choice === ASK) await vscode.commands.executeCommand(COMMANDS.askHolder, holder);
    else if (choice === SHOW) await vscode.commands.executeCommand(COMMANDS.openBoard, holder.line);
    else if (choice === READ_ONLY) await this.makeReadOnly(editor);
  }

  private async makeReadOnly(editor: vscode.TextEditor): Promise<void> {
    // The command acts on the active editor: show ours first if the person moved on.
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
