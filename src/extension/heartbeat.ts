import * as vscode from 'vscode';
import type { BoardModel } from './board-model';
import type { Settings, SettingsChange } from './config';

/**
 * Renews the person's claims while this window is open, so a claim made from VS Code lives as
 * long as the window does; after it closes the lease runs out normally.
 */
export class HeartbeatController implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      settings.onDidChange((e) => this.onConfigurationChanged(e)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
    );
    this.onConfigurationChanged();
  }

  private onConfigurationChanged(e?: SettingsChange): void {
    if (e && !e.affects('heartbeatIntervalMs')) return;
    this.schedule();
  }

  /** Renewals that found something to renew (tests read it). */
  get count(): number {
    return this.beats;
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Renewing writes the board: not from an untrusted workspace.
    if (!vscode.workspace.isTrusted) return;
    this.timer = setInterval(() => void this.beat(), this.settings.value.heartbeatIntervalMs);
  }

  async beat(): Promise<void> {
    if (!this.model.view.claims.some((c) => this.model.isMine(c))) return;
    try {
      const renewed = await this.model.renew();
      if (renewed.length > 0) this.beats++;
      this.log.trace(`heartbeat renewed ${renewed.length} claim(s)`);
    } catch (err) {
      this.log.warn(`heartbeat: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
