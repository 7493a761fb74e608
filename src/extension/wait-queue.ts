import * as vscode from 'vscode';
import type { BoardModel } from './board-model';
import { COMMANDS } from './ids';

/**
 * "Wait for it": paths the person was refused, watched until nobody else holds them, then a
 * notification offering to claim. Checked on every board change, read-only.
 */
export class WaitQueue implements vscode.Disposable {
  private readonly waiting = new Map<string, { eta?: string }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private freed: string[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(model.onDidChange(() => this.check()));
  }

  add(keys: string[], eta?: string): void {
    for (const k of keys) this.waiting.set(k, eta === undefined ? {} : { eta });
    this.log.info(`waiting for ${keys.join(', ')}`);
  }

  get keys(): string[] {
    return [...this.waiting.keys()];
  }

  /** Paths that became free while waited for (most recent last). */
  get freedKeys(): string[] {
    return this.freed;
  }

  private check(): void {
    if (this.waiting.size === 0) return;
    try {
      for (const [key, { eta }] of [...this.waiting]) {
        const conflicts = this.model.check([key]);
        if (conflicts.length > 0) continue;
        this.waiting.delete(key);
        this.freed.push(key);
        void vscode.window.showInformationMessage(`${key} is free now.`, 'Claim It').then((choice) => {
          if (choice) void vscode.commands.executeCommand(COMMANDS.claim, key, eta === undefined ? {} : { eta });
        });
      }
    } catch (err) {
      this.log.warn(`wait queue: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
