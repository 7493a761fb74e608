import * as vscode from 'vscode';
import { ChatNotConfiguredError } from '../chat';
import { COMMANDS, type CommandId } from '../ids';

/** A done action is confirmed in the status bar, not a notification: gone after a few seconds. */
export const CONFIRMATION_MS = 4000;

const SET_TOKEN = 'Set Mattermost Token';
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
        void vscode.window.showErrorMessage(`Claimboard: ${text}`, SET_TOKEN, OPEN_SETTINGS).then((choice) => {
          if (choice === SET_TOKEN) void vscode.commands.executeCommand(COMMANDS.setMattermostToken);
          else if (choice === OPEN_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', 'claimboard.mattermost');
        });
      } else {
        void vscode.window.showErrorMessage(`Claimboard: ${text}`);
      }
      return undefined;
    }
  });
}
