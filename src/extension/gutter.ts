import * as vscode from 'vscode';
import type { BoardModel } from './board-model';
import { claimTooltip } from './claim-text';
import { COLOR_HELD_BY_ME, COLOR_HELD_BY_OTHER } from './decorations';
import type { PathKeys } from './path-keys';

export interface GutterInfo {
  kind: 'other' | 'mine';
  hover: string;
}

/**
 * Editor marks on a claimed file: a lock in the gutter of the first line, a mark in the
 * overview ruler, and a hover naming the holder. Someone else's claim and your own differ.
 */
export class GutterController implements vscode.Disposable {
  private readonly other: vscode.TextEditorDecorationType;
  private readonly mine: vscode.TextEditorDecorationType;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    extensionUri: vscode.Uri,
  ) {
    const mark = (who: 'other' | 'mine', color: string, lane: vscode.OverviewRulerLane) =>
      vscode.window.createTextEditorDecorationType({
        light: { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', `gutter-${who}-light.svg`) },
        dark: { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', `gutter-${who}-dark.svg`) },
        gutterIconSize: 'contain',
        overviewRulerColor: new vscode.ThemeColor(color),
        overviewRulerLane: lane,
        isWholeLine: true,
      });
    this.other = mark('other', COLOR_HELD_BY_OTHER, vscode.OverviewRulerLane.Full);
    this.mine = mark('mine', COLOR_HELD_BY_ME, vscode.OverviewRulerLane.Left);
    this.subscriptions.push(
      this.other,
      this.mine,
      vscode.window.onDidChangeVisibleTextEditors((editors) => this.paint(editors)),
      model.onDidChange(() => this.paint(vscode.window.visibleTextEditors)),
    );
    this.paint(vscode.window.visibleTextEditors);
  }

  gutterFor(uri: vscode.Uri): GutterInfo | undefined {
    const key = this.keys.keyFor(uri);
    if (key === undefined) return undefined;
    const claims = this.model.covering(key);
    if (claims.length === 0) return undefined;
    const now = new Date();
    const other = claims.some((c) => !this.model.isMine(c));
    return {
      kind: other ? 'other' : 'mine',
      hover: claims.map((c) => claimTooltip(c, this.model.isMine(c), now)).join('\n\n'),
    };
  }

  private paint(editors: readonly vscode.TextEditor[]): void {
    for (const editor of editors) {
      const info = this.gutterFor(editor.document.uri);
      const first = editor.document.lineAt(0).range;
      const marks: vscode.DecorationOptions[] = info ? [{ range: first, hoverMessage: new vscode.MarkdownString().appendText(info.hover) }] : [];
      editor.setDecorations(this.other, info?.kind === 'other' ? marks : []);
      editor.setDecorations(this.mine, info?.kind === 'mine' ? marks : []);
    }
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
