// Issue 15, "respect VS Code's own signals": the Explorer icon's badge stays VS Code's count of
// unsaved files, and claimed files keep git's colours (the badge letter shows the claim; colour
// is opt-in).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, clearBoard, cli, closeEditors, fileUri, waitFor, waitForAsync } from './support';
import { ui } from './ui';

const A = 'session-a';

/** Badges on the activity bar's icons, as drawn. */
async function activityBadges(): Promise<string[]> {
  return ui ? (await ui.texts('.part.activitybar .badge-content')).map((t) => t.trim()).filter((t) => t !== '') : [];
}

describe("VS Code's own signals", function () {
  this.timeout(60_000);
  const config = () => vscode.workspace.getConfiguration('claimboard');
  const files = () => vscode.workspace.getConfiguration('files');

  // VS Code for the Web saves a second after each edit: the unsaved file must stay unsaved here.
  before(async () => files().update('autoSave', 'off', vscode.ConfigurationTarget.Global));

  beforeEach(async () => {
    await closeEditors();
    await clearBoard([A]);
  });

  after(async () => {
    await files().update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await closeEditors();
    await clearBoard([A]);
  });

  it("the Explorer icon keeps VS Code's unsaved-files count; the claim count there is opt-in", async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    await cli(A, 'claim', 'demo-repo/docs/**', '--eta', '30m');
    a.refresh();
    assert.equal(a.claimsViewBadge(), undefined);
    const editor = await vscode.window.showTextDocument(fileUri('src/index.ts'));
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// unsaved\n'));
    if (ui) {
      // One unsaved file: VS Code's own "1", not the 2 claims.
      assert.deepEqual(
        await waitForAsync('the unsaved-files badge', async () => {
          const b = await activityBadges();
          return b.includes('1') && b;
        }),
        ['1'],
      );
      await ui.shot('explorer-badge-unsaved');
    }
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await config().update('claimsView.badge', true, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the opt-in badge', () => a.claimsViewBadge() === 2);
    } finally {
      await config().update('claimsView.badge', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the badge gone again', () => a.claimsViewBadge() === undefined);
  });

  it("a claimed file shows the holder's letter without taking over the name's colour; colour is opt-in", async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    a.refresh();
    const routes = fileUri('src/api/routes.ts');
    const d = a.decorationFor(routes);
    assert.equal(d?.badge, 'A');
    assert.equal(d?.colored, false, "git's colour of a modified file must stay");
    assert.equal(a.decorationFor(fileUri('src'))?.colored, false);
    await config().update('explorer.colors', true, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the opt-in colour', () => a.decorationFor(routes)?.colored === true);
      assert.equal(a.decorationFor(routes)?.color, 'claimboard.heldByOther');
    } finally {
      await config().update('explorer.colors', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
