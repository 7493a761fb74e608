import * as vscode from 'vscode';
import { parseEta } from '../core/duration';
import { when } from './claim-text';

/**
 * The "when will you be done?" quick input of a claim: the suggestions with the time each one
 * means, or the person's own `45m` / `19:45`, checked before it is accepted.
 */
export class EtaPrompt {
  private open: vscode.QuickPick<vscode.QuickPickItem> | undefined;

  /** Title of the prompt while it is open (tests answer it), else undefined. */
  get openTitle(): string | undefined {
    return this.open?.title;
  }

  /** Resolves with the ETA as typed (`30m`, `19:45`), or undefined when the person cancels. */
  ask(keys: string[], suggestions: string[]): Promise<string | undefined> {
    const now = new Date();
    const item = (label: string): vscode.QuickPickItem => {
      try {
        return { label, description: `until ${when(parseEta(label, now), now)}` };
      } catch {
        return { label };
      }
    };
    return new Promise((resolve) => {
      const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
      qp.title = `Claim ${keys.length === 1 ? keys[0] : `${keys.length} paths`}: ETA`;
      qp.placeholder = 'When will you be done? 30m, 1h, 19:45…';
      qp.items = suggestions.map(item);
      qp.ignoreFocusOut = true;
      let done = false;
      const finish = (v: string | undefined) => {
        if (done) return;
        done = true;
        this.open = undefined;
        resolve(v);
        qp.dispose();
      };
      qp.onDidChangeValue((v) => {
        const typed = v.trim();
        const base = suggestions.map(item);
        qp.items = typed && !suggestions.includes(typed) ? [item(typed), ...base] : base;
      });
      qp.onDidAccept(() => {
        const picked = qp.selectedItems[0]?.label ?? qp.value.trim();
        try {
          parseEta(picked, new Date());
          finish(picked);
        } catch (err) {
          // Stay open and say why: the person fixes the ETA rather than starting over.
          qp.placeholder = err instanceof Error ? err.message : String(err);
          qp.value = '';
        }
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
      this.open = qp;
    });
  }
}
