import * as vscode from 'vscode';
import type { Claim } from '../../core/model';
import type { BoardModel } from '../board-model';
import type { ChatController } from '../chat';
import { ChatNotConfiguredError } from '../chat';
import { COMMANDS } from '../ids';
import { parseCommandArgs } from './args';
import { CONFIRMATION_MS, registerCommand } from './register';
import type { CommandTargets } from './targets';

/** Asking a holder, the recap, and the Mattermost secrets. */
export class MattermostCommands implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly targets: CommandTargets,
    private readonly chat: ChatController,
    log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      registerCommand(COMMANDS.askHolder, (...a) => this.askHolder(a), log),
      registerCommand(COMMANDS.showRecap, () => this.showRecap(), log),
      registerCommand(COMMANDS.setMattermostToken, (kind, value) => this.setToken(kind, value), log),
    );
  }

  async askHolder(args: unknown[]): Promise<string | undefined> {
    const { targets, options: opts } = parseCommandArgs(args);
    let holder: Claim | undefined;
    const [first] = targets;
    if (first?.kind === 'claim') holder = first.claim;
    else {
      const keys = targets.length === 0 ? [this.targets.activeKey()].filter((k): k is string => !!k) : this.targets.keysOf(targets);
      holder = keys.flatMap((k) => this.model.covering(k)).find((c) => !this.model.isMine(c));
      if (!holder && opts.interactive !== false) {
        const others = this.model.view.claims.filter((c) => !this.model.isMine(c));
        if (others.length === 0) {
          void vscode.window.showInformationMessage('Nobody else holds a claim.');
          return undefined;
        }
        const picked = await vscode.window.showQuickPick(
          others.map((c) => ({ label: c.path, description: c.session, claim: c })),
          {
            title: 'Ask which holder?',
          },
        );
        holder = picked?.claim;
      }
    }
    if (!holder) return undefined;
    // Before asking for the question: what the person types must not be lost to a missing set-up.
    this.requireChat();
    const message =
      opts.message ??
      (opts.interactive === false ? undefined : await vscode.window.showInputBox({ title: `Ask ${holder.session} about ${holder.path}`, prompt: 'What you need (optional)', ignoreFocusOut: true }));
    const r = await this.chat.ask(holder, message || undefined);
    const text = r.error ? `Question queued; Mattermost said: ${r.error}` : `Asked ${holder.session} in Mattermost.`;
    vscode.window.setStatusBarMessage(`$(comment-discussion) ${text}`, CONFIRMATION_MS);
    return text;
  }

  private requireChat(): void {
    if (!this.chat.configured) throw new ChatNotConfiguredError(this.chat.notConfiguredReason);
  }

  async showRecap(): Promise<string> {
    this.requireChat();
    const text = await this.chat.recap();
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: true });
    return text;
  }

  async setToken(kindArg: unknown, valueArg: unknown): Promise<void> {
    this.targets.requireTrust();
    let kind: 'token' | 'webhook' | undefined = kindArg === 'token' || kindArg === 'webhook' ? kindArg : undefined;
    if (!kind) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'Personal access or bot token', description: 'with claimboard.mattermost.serverUrl and channel', secret: 'token' as const },
          { label: 'Incoming webhook URL', description: 'posts only; no recap from the channel', secret: 'webhook' as const },
        ],
        { title: 'How does claimboard post to Mattermost?' },
      );
      kind = picked?.secret;
    }
    if (!kind) return;
    const value =
      typeof valueArg === 'string'
        ? valueArg
        : await vscode.window.showInputBox({
            title: kind === 'token' ? 'Mattermost token' : 'Mattermost incoming webhook URL',
            prompt: 'Kept in VS Code secret storage, never in settings. Empty removes it.',
            password: true,
            ignoreFocusOut: true,
          });
    if (value === undefined) return;
    await this.chat.storeSecret(kind, value.trim());
    vscode.window.setStatusBarMessage(`$(key) Mattermost ${kind} ${value.trim() ? 'saved' : 'removed'}`, CONFIRMATION_MS);
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
