import * as vscode from 'vscode';
import type { Claim } from '../core/model';
import type { BoardModel } from './board-model';
import { CONTAINS_BADGE, OWN_BADGE, claimLine, claimTooltip, holderBadge } from './claim-text';
import type { PathKeys } from './path-keys';
import { COLORS } from './ids';
import type { Settings } from './config';

export const COLOR_HELD_BY_OTHER = COLORS.heldByOther;
export const COLOR_HELD_BY_ME = COLORS.heldByMe;
export const COLOR_CONTAINS = COLORS.containsClaims;

/** What the explorer shows for one resource, in plain values the tests can compare. */
export interface DecorationInfo {
  badge: string;
  tooltip: string;
  /** The theme colour meant for it (`claimboard.heldByOther`…). */
  color: string;
  /** Whether the name is drawn in that colour: only with claimboard.explorer.colors, so git's colours stay. */
  colored: boolean;
  /** `other`/`mine`: the resource is claimed; `contains`: a folder with claims inside. */
  kind: 'other' | 'mine' | 'contains';
}

/**
 * Explorer badges: the holder's letters on every claimed file and folder (globs included),
 * your own claims in their own colour, and a lighter mark on folders that contain claims.
 */
export class DecorationController implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** One tooltip per claim per board read, shared by every file the claim covers. */
  private tooltips = new WeakMap<Claim, string>();

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    private readonly settings: Settings,
  ) {
    this.subscriptions.push(
      vscode.window.registerFileDecorationProvider(this),
      settings.onDidChange((e) => {
        if (e.affects('colorExplorer')) this.changed.fire(undefined);
      }),
      // Any board change can move any badge: let VS Code ask again for what it shows.
      model.onDidChange(() => {
        this.tooltips = new WeakMap();
        this.changed.fire(undefined);
      }),
    );
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const info = this.decorationFor(uri);
    if (!info) return undefined;
    // Without a colour VS Code keeps git's (modified, untracked…) on the name; the letter still shows the claim.
    return new vscode.FileDecoration(info.badge, info.tooltip, info.colored ? new vscode.ThemeColor(info.color) : undefined);
  }

  decorationFor(uri: vscode.Uri): DecorationInfo | undefined {
    const key = this.keys.keyFor(uri);
    if (key === undefined) return undefined;
    const claims = this.model.covering(key);
    if (claims.length > 0) return this.claimed(claims);
    const inside = this.model.inside(key);
    if (inside.length > 0) {
      const holders = [...new Set(inside.map((c) => c.session))];
      const othersInside = inside.some((c) => !this.model.isMine(c));
      return {
        badge: CONTAINS_BADGE,
        // What is held inside, as the status bar lists it: the folder's hover answers "may I touch this?".
        tooltip: [`Contains claims by ${holders.join(', ')}:`, ...inside.map((c) => claimLine(c, this.model.isMine(c)))].join('\n'),
        color: othersInside ? COLOR_CONTAINS : COLOR_HELD_BY_ME,
        colored: this.settings.value.colorExplorer,
        kind: 'contains',
      };
    }
    return undefined;
  }

  private claimed(claims: Claim[]): DecorationInfo {
    // Someone else's claim matters more to the person than their own on the same file.
    const other = claims.find((c) => !this.model.isMine(c));
    const now = new Date();
    return {
      badge: other ? holderBadge(other.session) : OWN_BADGE,
      tooltip: claims.map((c) => this.tooltipOf(c, now)).join('\n'),
      color: other ? COLOR_HELD_BY_OTHER : COLOR_HELD_BY_ME,
      colored: this.settings.value.colorExplorer,
      kind: other ? 'other' : 'mine',
    };
  }

  private tooltipOf(c: Claim, now: Date): string {
    let t = this.tooltips.get(c);
    if (t === undefined) {
      t = claimTooltip(c, this.model.isMine(c), now);
      this.tooltips.set(c, t);
    }
    return t;
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
    this.changed.dispose();
  }
}
