import * as vscode from 'vscode';
import { ChatNotConfiguredError } from '../chat';
import { COMMANDS, type CommandId } from '../ids';

/** A done action is confirmed in the status bar, not a notification: gone after a few seconds. */
export const CONFIRMATION_MS = 4000;

const SET_UP = 'Set up Mattermost…';
const OPEN_SETTINGS = 'Open Settings';

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Registers one command so that any failure is logged and shown as one line, with the way to
 * set up Mattermost when that is what is missing, and never escapes to VS Code as an
 * unhandled rejection.
 */
export function registerCommand(id: CommandId, fn: (...args: unknown[]) => unknown, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (err) {
      const text = errorText(err);
      log.error(`${id}: ${text}`);
      if (err instanceof ChatNotConfiguredError) {
        // Not an error of the person's: the set-up is missing, and the way to it comes first.
        void vscode.window.showWarningMessage(`Claimboard: ${text}`, SET_UP, OPEN_SETTINGS).then((choice) => {
          if (choice === SET_UP) void vscode.commands.executeCommand(COMMANDS.setMattermostToken);
          else if (choice === OPEN_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', 'claimboard.mattermost');
        });
      } else {
        void vscode.window.showErrorMessage(`Claimboard: ${text}`);
      }
      return undefined;
    }
  });
}
