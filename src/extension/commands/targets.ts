import * as vscode from 'vscode';
import { InputError } from '../../core/errors';
import { resolvePathKey } from '../../core/path-key';
import type { PathKeys } from '../path-keys';
import type { CommandTarget } from './args';

/** Board keys of what a command was pointed at, shared by every command area. */
export class CommandTargets {
  constructor(private readonly keys: PathKeys) {}

  /** Path keys named by the targets: Explorer selection, URIs, claims, typed paths. */
  keysOf(targets: readonly CommandTarget[]): string[] {
    const uris = targets.flatMap((t) => (t.kind === 'uri' ? [t.uri] : []));
    if (uris.length === targets.length && uris.length > 0) return this.uniqueKeys(uris);
    return targets.flatMap((t) => {
      if (t.kind === 'uri') return this.uniqueKeys([t.uri]);
      if (t.kind === 'claim') return [t.claim.path];
      if (t.kind === 'text') {
        const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
        return [resolvePathKey(t.text, cwd)];
      }
      return [];
    });
  }

  private uniqueKeys(uris: vscode.Uri[]): string[] {
    const keys = uris.map((u) => this.keys.keyFor(u));
    if (keys.some((k) => k === undefined)) throw new InputError('only files on disk can be claimed');
    return [...new Set(keys as string[])];
  }

  /** The key of the file in the active editor, if it is on disk. */
  activeKey(): string | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri ? this.keys.keyFor(uri) : undefined;
  }

  requireTrust(): void {
    if (!vscode.workspace.isTrusted) throw new InputError('claiming and releasing need a trusted workspace');
  }
}
