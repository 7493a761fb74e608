import * as vscode from 'vscode';
import type { BoardModel } from './board-model';
import type { ChatController } from './chat';
import { claimLine, heldText } from './claim-text';
import type { HeldEditsController } from './held-edits';
import type { WaitQueue } from './wait-queue';
import { COMMANDS, STATUS_ITEM } from './ids';

/**
 * `$(lock) 3 claims · 1 mine` at the left of the status bar; the tooltip lists the claims, a
 * click opens the claims quick pick. Turns to a warning when the board has problems, cannot
 * be read, or announcements have failed.
 */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private plainTooltip = '';

  constructor(
    private readonly model: BoardModel,
    private readonly chat: ChatController,
    private readonly edits: HeldEditsController,
    private readonly waits: WaitQueue,
  ) {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM, vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Claimboard';
    this.item.command = COMMANDS.showClaims;
    this.subscriptions.push(
      this.item,
      model.onDidChange(() => this.update()),
      chat.onDidChange(() => this.update()),
      edits.onDidChange(() => this.update()),
      waits.onDidChange(() => this.update()),
    );
    this.update();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  /** The tooltip as plain text (the item holds it as markdown). */
  get tooltipText(): string {
    return this.plainTooltip;
  }

  get warning(): boolean {
    return this.item.backgroundColor !== undefined;
  }

  private update(): void {
    const view = this.model.view;
    const live = view.claims.length;
    const mine = view.claims.filter((c) => this.model.isMine(c)).length;
    const failed = this.chat.failedCount;
    const problems = view.problems.length;
    const trouble: string[] = [];
    if (this.model.error) trouble.push(`The board cannot be read: ${this.model.error}`);
    if (problems > 0) trouble.push(`${problems} line${problems === 1 ? '' : 's'} of the board could not be understood`);
    if (failed > 0) trouble.push(`${failed} announcement${failed === 1 ? '' : 's'} failed to post`);
    const unsaved = this.edits.heldUnsaved();
    for (const { key, holder } of unsaved) trouble.push(`Unsaved changes: ${heldText(key, holder, new Date())}`);

    const icon = trouble.length > 0 ? '$(warning)' : '$(lock)';
    const waiting = this.waits.keys;
    this.item.text =
      `${icon} ${live} claim${live === 1 ? '' : 's'} · ${mine} mine` + `${waiting.length > 0 ? ` · $(watch) ${waiting.length} waiting` : ''}${unsaved.length > 0 ? ' · editing a held file' : ''}`;
    this.item.backgroundColor = trouble.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;

    const now = new Date();
    const lines = [`Claimboard — you are ${this.model.session}`, ''];
    if (live === 0) lines.push('No live claims.');
    for (const c of view.claims) {
      const mine = this.model.isMine(c);
      lines.push(`${mine ? '$(check)' : '$(lock)'} ${claimLine(c, mine, now)}`);
    }
    for (const key of waiting) lines.push(`$(watch) you wait for ${key} (Stop Waiting in the Claims view)`);
    if (view.expired.length > 0) lines.push('', `${view.expired.length} expired, not yet pruned.`);
    for (const t of trouble) lines.push('', `$(warning) ${t}`);
    lines.push('', this.model.boardPath);
    this.plainTooltip = lines.join('\n');
    const md = new vscode.MarkdownString(undefined, true);
    for (const line of lines) {
      // Icons stay icons; everything else is the board's text, shown as written.
      const icon = /^(\$\([a-z-]+\)) /.exec(line);
      if (icon) md.appendMarkdown(`${icon[1]} `);
      md.appendText(icon ? line.slice(icon[0].length) : line);
      md.appendMarkdown('  \n');
    }
    this.item.tooltip = md;
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
