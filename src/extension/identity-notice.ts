import * as vscode from 'vscode';
import type { ExtensionConfig, Settings, SettingsChange } from './config';
import { tildify } from './claim-text';

const OPEN_SETTINGS = 'Open Settings';

/** A notice shown to the person, for tests. */
export interface IdentityNote {
  message: string;
  /** The setting its Open Settings button goes to. */
  setting: string;
}

/**
 * Says so, once and visibly, whenever the board or the person's name on it changes under them
 * (every badge and "mine" depends on both), and when a value they set is not used: a remote
 * window that stops reading a User setting must not quietly turn the person into someone else.
 */
export class IdentityNoticeController implements vscode.Disposable {
  private readonly shown = new Set<string>();
  private readonly notes: IdentityNote[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly settings: Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(settings.onDidChange((e) => this.onConfigurationChanged(e)));
    this.onConfigurationChanged();
  }

  /** Every notice shown this session, oldest first. */
  get shownNotes(): readonly IdentityNote[] {
    return this.notes;
  }

  private onConfigurationChanged(e?: SettingsChange): void {
    const now = this.settings.value;
    const before = e?.previous;
    for (const text of now.ignored) {
      if (!before?.ignored.includes(text)) this.notify(text, text.startsWith('claimboard.boardPath') ? 'boardPath' : 'sessionName', true);
    }
    if (!e || !e.affects('boardPath', 'sessionName') || !before) return;
    this.notify(...this.changeText(before, now));
  }

  private changeText(before: ExtensionConfig, now: ExtensionConfig): [string, string, boolean] {
    const parts: string[] = [];
    const sessionChanged = before.sessionName !== now.sessionName;
    const boardChanged = before.boardPath !== now.boardPath;
    if (sessionChanged) parts.push(`you are now ${now.sessionName} (was ${before.sessionName})`);
    if (boardChanged) parts.push(`the board is now ${tildify(now.boardPath)} (was ${tildify(before.boardPath)})`);
    const key = sessionChanged ? 'sessionName' : 'boardPath';
    const from = now.sources[key];
    const lost = before.sources[key] !== '' && from === '';
    const origin = from ? `from ${from}` : key === 'sessionName' ? 'claimboard.sessionName is not set, so your OS user name' : 'claimboard.boardPath is not set, so the default board';
    // A value that vanished is the surprising case: say where to put it so it sticks.
    const fix = lost ? ` If you set claimboard.${key}, set it again${vscode.env.remoteName ? ' in User or Remote settings' : ''}.` : '';
    return [`Claimboard: ${parts.join('; ')}: ${origin}.${fix}`, key, lost];
  }

  private notify(message: string, setting: string, warn: boolean): void {
    if (this.shown.has(message)) return;
    this.shown.add(message);
    this.notes.push({ message, setting: `claimboard.${setting}` });
    this.log.info(message);
    const show = warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(message, OPEN_SETTINGS).then((choice) => {
      if (choice === OPEN_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', `claimboard.${setting}`);
    });
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
