// Issue 15, "menus, keyboard and the Claims view": the editor's context menu offers Claim on a
// free file, Release on your own and Ask on someone else's; the status bar's pick is ordered
// as the Claims view; revealing a claim keeps the focus where the person clicked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, clearBoard, cli, closeEditors, fileUri, waitFor, waitForAsync } from './support';
import { ui } from './ui';

const A = 'session-a';

/** The claimboard entries of the editor's context menu, as drawn. */
async function editorMenu(): Promise<string[]> {
  if (!ui) return [];
  await ui.rightClick('.part.editor .view-lines');
  const items = await waitForAsync('the context menu', async () => {
    const texts = await ui!.texts('.monaco-menu .action-label');
    return texts.length > 0 && texts;
  });
  await ui.press('Escape');
  return items.map((t) => t.trim()).filter((t) => ['Claim Path', 'Release Claim', 'Ask Holder'].includes(t));
}

describe('menus, keyboard and the Claims view', function () {
  this.timeout(60_000);

  beforeEach(async () => {
    await closeEditors();
    await clearBoard([A]);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  after(async () => {
    await closeEditors();
    await clearBoard([A]);
  });

  it("the editor's context menu offers Claim, Release or Ask, as the file is free, yours or someone else's", async () => {
    const a = await api();
    if (!ui) return;
    await vscode.window.showTextDocument(fileUri('src/server.ts'));
    assert.deepEqual(await editorMenu(), ['Claim Path']);
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('src/server.ts'), { eta: '10m' });
    assert.deepEqual(await editorMenu(), ['Release Claim']);
    await cli(A, 'claim', 'demo-repo/src/index.ts', '--eta', '10m');
    a.refresh();
    await vscode.window.showTextDocument(fileUri('src/index.ts'));
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.deepEqual(await editorMenu(), ['Ask Holder']);
  });

  it("the status bar's pick lists your claims first, as the Claims view does", async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    a.refresh();
    assert.deepEqual(a.claimsPickLabels(), ['$(pass) demo-repo/docs/deploy.md', '$(lock) demo-repo/src/api/**']);
    assert.equal(a.claimsTreeItems()[0]?.label, a.sessionName);
  });

  it('revealing a claim from the Claims view keeps the focus in the view', async () => {
    const a = await api();
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    await vscode.commands.executeCommand('claimboard.claims.focus');
    const claim = a.view().claims.find((c) => c.session === a.sessionName);
    assert.ok(claim);
    await vscode.commands.executeCommand('claimboard.revealClaim', { kind: 'claim', claim, expired: false });
    await waitFor('the file shown', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath.endsWith('deploy.md')));
    if (ui) {
      await new Promise((r) => setTimeout(r, 300));
      assert.ok((await ui.texts('.part.sidebar :focus')).length > 0, 'the focus moved out of the Claims view');
    }
  });
});
