import type * as vscode from 'vscode';
import type { BoardView } from './board-model';
import type { DecorationInfo } from './decorations';
import type { GutterInfo } from './gutter';
import type { OpenWarning } from './open-warning';
import type { Refusal } from './commands';
import type { TreeItemInfo } from './claims-view';

/** The environment variable that the integration test runner sets to reach `testing`. */
export const TEST_API_ENV = 'CLAIMBOARD_TEST_API';

/**
 * The extension's state as plain values, so integration tests ask the providers instead of
 * reading pixels. Not part of the public API: present on the exports as `testing` only when
 * the extension host runs with CLAIMBOARD_TEST_API=1.
 */
export interface ClaimboardTestApi {
  /** How long `activate()` took, in ms (docs/benchmarks.md). */
  activationMs: number;
  readonly boardPath: string;
  readonly sessionName: string;
  /** The board as last read. */
  view(): BoardView;
  /** How many times the board has been read (wait for it to move after a write). */
  reads(): number;
  /** Re-reads the board now. */
  refresh(): void;
  /** Resolves after the next board read (e.g. the watcher noticed a CLI write). */
  nextRead(timeoutMs?: number): Promise<void>;
  keyFor(uri: vscode.Uri): string | undefined;
  decorationFor(uri: vscode.Uri): DecorationInfo | undefined;
  gutterFor(uri: vscode.Uri): GutterInfo | undefined;
  statusBarText(): string;
  statusBarTooltip(): string;
  statusBarWarning(): boolean;
  claimsTreeItems(): TreeItemInfo[];
  /** The Claims view's badge (on the Explorer icon), if any. */
  claimsViewBadge(): number | undefined;
  /** The text beside the Claims view's title (the board path when there is no board). */
  claimsViewDescription(): string | undefined;
  /** The status bar's pick of claims, labels in order. */
  claimsPickLabels(): string[];
  lastWarning(): OpenWarning | undefined;
  /** Distinct open warnings shown this session (a tab switch must not add one). */
  warningsShown(): number;
  lastRefusal(): Refusal | undefined;
  /** Title of the ETA prompt while it is open. */
  etaPrompt(): string | undefined;
  waitingFor(): string[];
  freedWhileWaiting(): string[];
  heartbeats(): number;
  /** Renews now, as the heartbeat timer would. */
  heartbeat(): Promise<void>;
  /** Notices shown about the board or the session name changing or being ignored, oldest first. */
  identityNotes(): string[];
  /** Warnings shown on the first edit or save of a held file, oldest first. */
  editWarnings(): string[];
  /** Files (URIs) made writeable again after their holder released them. */
  freedReadOnly(): string[];
  /** One notification per open question a session asked the person, oldest first. */
  questionNotifications(): string[];
  /** How the Explorer and tab menus take a file: `other` (Ask), `mine` (Release), undefined (Claim). */
  menuClaimOf(uri: vscode.Uri): 'other' | 'mine' | undefined;
  /** The board line Show on Board highlighted last. */
  boardHighlight(): number | undefined;
  /** Diagnostics on the board file (Problems panel): 1-based line and message. */
  boardDiagnostics(): { line: number; message: string }[];
}
