import type * as vscode from 'vscode';
import type { BoardView } from './board-model';

/**
 * What other extensions get from `vscode.extensions.getExtension('claimboard.claimboard')`:
 * the board as this window reads it, and who the person is on it. Read-only: claiming and
 * releasing go through the commands, which ask the person.
 *
 * @example
 * const cb = vscode.extensions.getExtension<ClaimboardApi>('claimboard.claimboard');
 * const api = cb && (await cb.activate());
 * api?.onDidChangeBoard((board) => console.log(`${board.claims.length} live claims`));
 */
export interface ClaimboardApi {
  /** The API's version; grows only when members are added. */
  readonly version: 1;
  /** The board file this window reads and writes. */
  readonly boardPath: string;
  /** The person's session name on the board. */
  readonly sessionName: string;
  /** The board as last read: live claims, expired ones, releases, pinned notes, problems. */
  board(): Readonly<BoardView>;
  /** Fires after every read of the board that this window makes. */
  readonly onDidChangeBoard: vscode.Event<Readonly<BoardView>>;
  /** The board key of a file (`<repo>/<path in the repo>`), or undefined off disk. */
  keyFor(uri: vscode.Uri): string | undefined;
}
