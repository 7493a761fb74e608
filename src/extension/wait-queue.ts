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
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a path is added, freed or no longer waited for (the Claims view and status bar show them). */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly model: BoardModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(model.onDidChange(() => this.check()));
  }

  add(keys: string[], eta?: string): void {
    for (const k of keys) this.waiting.set(k, eta === undefined ? {} : { eta });
    this.log.info(`waiting for ${keys.join(', ')}`);
    this.emitter.fire();
  }

  /** Stops waiting for these paths (Stop Waiting in the Claims view). */
  cancel(keys: string[]): string[] {
    const stopped = keys.filter((k) => this.waiting.delete(k));
    if (stopped.length > 0) {
      this.log.info(`stopped waiting for ${stopped.join(', ')}`);
      this.emitter.fire();
    }
    return stopped;
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
    const before = this.waiting.size;
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
    if (this.waiting.size !== before) this.emitter.fire();
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
    this.emitter.dispose();
  }
}
