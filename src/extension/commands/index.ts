import type * as vscode from 'vscode';
import type { BoardModel } from '../board-model';
import type { ChatController } from '../chat';
import type { Settings } from '../config';
import type { PathKeys } from '../path-keys';
import type { WaitQueue } from '../wait-queue';
import { BoardCommands } from './board-commands';
import { ClaimCommands, type Refusal } from './claim-commands';
import { MattermostCommands } from './mattermost-commands';
import { CommandTargets } from './targets';

export type { Refusal } from './claim-commands';
export type { CommandOptions } from './args';

/**
 * Every command of the extension, by area (claims; board and notes; Mattermost). Each accepts
 * what its menus pass (a URI and the selected URIs, a Claims view node) and also plain values
 * plus a trailing `CommandOptions`, so tests and other commands drive it without prompts.
 */
export class CommandsController implements vscode.Disposable {
  private readonly claims: ClaimCommands;
  private readonly board: BoardCommands;
  private readonly areas: vscode.Disposable[];

  constructor(model: BoardModel, keys: PathKeys, settings: Settings, chat: ChatController, waits: WaitQueue, label: (key: string) => string, log: vscode.LogOutputChannel) {
    const targets = new CommandTargets(keys);
    this.claims = new ClaimCommands(model, targets, settings, waits, chat, log);
    this.board = new BoardCommands(model, keys, targets, label, log);
    this.areas = [this.claims, this.board, new MattermostCommands(model, targets, chat, log)];
  }

  /** Labels of the status bar's pick of claims, in its order. */
  pickLabels(): string[] {
    return this.board.pickItems().map((i) => i.label);
  }

  /** The board line Show on Board highlighted last. */
  get boardHighlight(): number | undefined {
    return this.board.highlighted;
  }

  get refusal(): Refusal | undefined {
    return this.claims.refusal;
  }

  /** Title of the ETA prompt while it is open (tests answer it), else undefined. */
  get openEtaPrompt(): string | undefined {
    return this.claims.openEtaPrompt;
  }

  dispose(): void {
    for (const d of this.areas.reverse()) d.dispose();
  }
}
