import * as vscode from 'vscode';
import type { BoardModel } from './board-model';
import type { ChatController } from './chat';
import { claimSummary } from './claim-text';

/**
 * `$(lock) 3 claims · 1 mine` at the left of the status bar; the tooltip lists the claims, a
 * click opens the claims quick pick. Turns to a warning when the board has problems, cannot
 * be read, or announcements have failed.
 */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly chat: ChatController,
  ) {
    this.item = vscode.window.createStatusBarItem('claimboard.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Claimboard';
    this.item.command = 'claimboard.showClaims';
    this.subscriptions.push(
      this.item,
      model.onDidChange(() => this.update()),
      chat.onDidChange(() => this.update()),
    );
    this.update();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
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

    const icon = trouble.length > 0 ? '$(warning)' : '$(lock)';
    this.item.text = `${icon} ${live} claim${live === 1 ? '' : 's'} · ${mine} mine`;
    this.item.backgroundColor = trouble.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;

    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Claimboard** — you are \`${this.model.session}\`\n\n`);
    if (live === 0) md.appendMarkdown('No live claims.\n\n');
    const now = new Date();
    for (const c of view.claims) {
      md.appendMarkdown(`- ${this.model.isMine(c) ? '$(check)' : '$(lock)'} `);
      md.appendText(claimSummary(c, now));
      md.appendMarkdown('\n');
    }
    if (view.expired.length > 0) md.appendMarkdown(`\n${view.expired.length} expired, not yet pruned.\n`);
    for (const t of trouble) {
      md.appendMarkdown('\n$(warning) ');
      md.appendText(t);
      md.appendMarkdown('\n');
    }
    md.appendMarkdown(`\n\n${this.model.boardPath}`);
    this.item.tooltip = md;
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
