import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { literalPrefix } from '../core/overlap';
import type { BoardModel } from './board-model';
import { debounce } from './debounce';
import { CONTEXT_KEYS } from './ids';
import type { PathKeys } from './path-keys';

/**
 * Paths looked at under a claimed folder or glob at most, per board change: the Explorer and tab
 * menus must know every file a folder claim covers, and a huge tree must not stall the window.
 * Past it, a file shows Claim, and claiming it is refused with the holder's words, as before.
 */
const MAX_WALKED = 5000;
/** Folders never walked: nobody claims inside them, and they are the biggest. */
const SKIPPED = new Set(['.git', 'node_modules']);
/** Tabs open and close in bursts (Close All): one update after the burst. */
const TABS_SETTLE_MS = 50;

export type MenuClaim = 'other' | 'mine';

/**
 * Sets `claimboard.heldByOther` and `claimboard.heldByMe` (fsPath → true) so that the Explorer's
 * and the editor tab's context menus offer Claim on a free path, Release on yours and Ask on
 * someone else's: a menu's `when` clause can only test `resourcePath in <context key>`.
 * Covered: each claimed path, what lies under it (bounded), the folders above a claim, and
 * every open tab.
 */
export class MenuContextController implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private held = new Map<string, MenuClaim>();
  private lastSet = '';

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
  ) {
    const later = debounce(() => this.update(), TABS_SETTLE_MS);
    this.subscriptions.push(
      { dispose: () => later.cancel() },
      model.onDidChange(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabs(() => later()),
    );
    this.update();
  }

  /** What the menus take a path for (tests read it). */
  claimOf(fsPath: string): MenuClaim | undefined {
    return this.held.get(fsPath);
  }

  private classify(fsPath: string): MenuClaim | undefined {
    const key = this.keys.keyForPath(fsPath);
    const covering = this.model.covering(key);
    if (covering.some((c) => !this.model.isMine(c))) return 'other';
    if (covering.length > 0) return 'mine';
    // A folder with someone else's claim inside cannot be claimed whole: offer Ask there too.
    if (this.model.inside(key).some((c) => !this.model.isMine(c))) return 'other';
    return undefined;
  }

  private update(): void {
    const held = new Map<string, MenuClaim>();
    const note = (p: string): void => {
      if (held.has(p)) return;
      const kind = this.classify(p);
      if (kind) held.set(p, kind);
    };
    let budget = MAX_WALKED;
    const walk = (dir: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (budget-- <= 0) return;
        const p = path.join(dir, e.name);
        note(p);
        if (e.isDirectory() && !SKIPPED.has(e.name)) walk(p);
      }
    };
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    // A key names a repository, and a workspace folder may be any checkout of it: look in each.
    const rootKeys = roots.map((r) => ({ root: r, key: this.keys.keyForPath(r) }));
    for (const c of this.model.view.claims) {
      const literal = literalPrefix(c.path).replace(/\/+$/, '');
      const places = rootKeys.flatMap(({ root, key }) => (literal === key || literal.startsWith(`${key}/`) ? [path.join(root, literal.slice(key.length))] : []));
      for (const where of places) {
        if (!fs.existsSync(where)) continue;
        note(where);
        if (fs.statSync(where).isDirectory()) walk(where);
        // The folders above, up to the workspace folder.
        for (let up = path.dirname(where); roots.some((r) => up.startsWith(r)) && up !== path.dirname(up); up = path.dirname(up)) note(up);
      }
    }
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
        if (uri?.scheme === 'file') note(uri.fsPath);
      }
    }
    this.held = held;
    const other: Record<string, true> = {};
    const mine: Record<string, true> = {};
    for (const [p, kind] of held) (kind === 'other' ? other : mine)[p] = true;
    const serial = JSON.stringify([other, mine]);
    if (serial === this.lastSet) return;
    this.lastSet = serial;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.heldByOther, other);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.heldByMe, mine);
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
