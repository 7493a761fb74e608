// Issue 15, "menus, keyboard and the Claims view": the editor's context menu offers Claim on a
// free file, Release on your own and Ask on someone else's; the status bar's pick is ordered
// as the Claims view; revealing a claim keeps the focus where the person clicked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, clearBoard, cli, closeEditors, fileUri, waitFor, waitForAsync } from './support';
import { QUICK_INPUT, ui } from './ui';

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

/**
 * Waits until the editor's context menu offers `expected`: the extension sets the context key
 * behind it on the board's change, and the workbench gets it a round trip later, while the test's
 * right click travels another way (the runner's browser), so it may come first in a window still
 * starting up.
 */
async function editorMenuOffers(expected: string[]): Promise<void> {
  let last: string[] = [];
  await waitForAsync(`the editor's menu to offer ${expected.join(', ')}`, async () => {
    last = await editorMenu();
    return JSON.stringify(last) === JSON.stringify(expected);
  }).catch(() => assert.deepEqual(last, expected));
}

const CLAIMS_PANE = '.pane:has(.pane-header[aria-label="Claims Section"])';
const CLAIMS_ROWS = `${CLAIMS_PANE} .monaco-list-row`;
/** A Claims view row by the start of its accessible label (`demo-repo/docs/deploy.md, your claim`). */
const claimsRow = (label: string): string => `${CLAIMS_ROWS}[aria-label^="${label}"]`;
const FOLDERS_HEADER = '.pane-header[aria-label^="Explorer Section"]';

/** Collapses (or expands) the file tree above the Claims view: the view's rows only exist in the DOM when on screen. */
async function fileTree(expanded: boolean): Promise<void> {
  if (!ui) return;
  await vscode.commands.executeCommand('workbench.view.explorer');
  const now = await waitForAsync(
    'the file tree header',
    async () => (await ui!.texts(`${FOLDERS_HEADER}[aria-expanded="true"]`)).length + (await ui!.texts(`${FOLDERS_HEADER}[aria-expanded="false"]`)).length * 2,
  );
  if ((now === 1) !== expanded) await ui.click(FOLDERS_HEADER);
}

/** Waits until the quick input titled with `title` is on screen. */
async function quickInput(title: string): Promise<void> {
  await waitForAsync(`the quick input "${title}"`, async () => (await ui!.texts(`${QUICK_INPUT} .quick-input-title`)).some((t) => t.includes(title)));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The entries of the context menu opened on `selector`, as drawn (the menu is closed again). */
async function contextMenu(selector: string): Promise<string[]> {
  if (!ui) return [];
  await ui.rightClick(selector);
  const items = await waitForAsync('the context menu', async () => {
    const texts = await ui!.texts('.monaco-menu .action-label');
    return texts.length > 0 && texts;
  });
  await ui.press('Escape');
  return items.map((t) => t.trim()).filter((t) => t !== '');
}

/** The claimboard entries of a context menu. */
const ours = (items: string[]): string[] => items.filter((t) => ['Claim Path', 'Release Claim', 'Ask Holder'].includes(t));

describe('menus, keyboard and the Claims view', function () {
  this.timeout(60_000);

  beforeEach(async () => {
    await closeEditors();
    await clearBoard([A]);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  after(async () => {
    await fileTree(true);
    await closeEditors();
    await clearBoard([A]);
  });

  it("the editor's context menu offers Claim, Release or Ask, as the file is free, yours or someone else's", async () => {
    const a = await api();
    if (!ui) return;
    await vscode.window.showTextDocument(fileUri('src/server.ts'));
    await editorMenuOffers(['Claim Path']);
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('src/server.ts'), { eta: '10m' });
    await editorMenuOffers(['Release Claim']);
    await cli(A, 'claim', 'demo-repo/src/index.ts', '--eta', '10m');
    a.refresh();
    await vscode.window.showTextDocument(fileUri('src/index.ts'));
    await vscode.commands.executeCommand('notifications.clearAll');
    await editorMenuOffers(['Ask Holder']);
  });

  it("the status bar's pick lists your claims first, as the Claims view does", async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    a.refresh();
    // One mark for "mine" everywhere (✓); workspace-relative paths in a single-folder workspace.
    assert.deepEqual(a.claimsPickLabels(), ['$(check) docs/deploy.md', '$(lock) src/api/**']);
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
      await ui.shot('reveal-keeps-focus');
      assert.ok((await ui.texts('.part.sidebar :focus')).length > 0, 'the focus moved out of the Claims view');
    }
  });

  it('Delete in the Claims view releases the focused claim of yours, or removes the focused note; the file keeps its text', async () => {
    const a = await api();
    if (!ui) return;
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('src/server.ts'), { eta: '15m' });
    await vscode.commands.executeCommand('claimboard.addNote', 'freeze on friday');
    const editor = await vscode.window.showTextDocument(fileUri('src/server.ts'));
    const text = editor.document.getText();
    await fileTree(false);
    await vscode.commands.executeCommand('claimboard.claims.focus');
    // A click selects and reveals the row (focus kept in the view); Delete then means "release".
    await ui.click(claimsRow('demo-repo/docs/deploy.md, your claim'));
    await sleep(300);
    await ui.shot('claims-view-before-delete');
    await ui.press('Delete');
    await waitFor('docs/deploy.md released', () => !a.view().claims.some((c) => c.path.endsWith('docs/deploy.md')));
    assert.ok(
      a.view().claims.some((c) => c.path.endsWith('src/server.ts')),
      'only the focused claim is released',
    );
    // Moved to with the keyboard, not clicked: Delete acts on the focused row.
    await ui.click(claimsRow('demo-repo/src/server.ts, your claim'));
    await ui.press('End');
    await sleep(300);
    await ui.shot('claims-view-note-focused');
    await ui.press('Delete');
    await waitFor('the note removed', () => a.view().notes.length === 0);
    assert.ok(
      a.view().claims.some((c) => c.path.endsWith('src/server.ts')),
      'the claim stays: the note had the focus',
    );
    assert.equal(editor.document.getText(), text, 'a key meant for the view reached the file');
    assert.equal(editor.document.isDirty, false);
  });

  it('Delete acts on the focused row while the view redraws after another session wrote to the board', async function () {
    // Ten rounds of a whole interaction (a note, keys, a CLI write, Delete), each about 6 s on a loaded machine.
    this.timeout(150_000);
    const a = await api();
    if (!ui) return;
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('src/server.ts'), { eta: '15m' });
    await fileTree(false);
    // The view is redrawn about a quarter of a second after the board changes, and VS Code knows
    // no row until the workbench has fetched them again: Delete is pressed across that span.
    for (const delay of [0, 50, 100, 150, 200, 250, 300, 350, 400, 500]) {
      await vscode.commands.executeCommand('claimboard.addNote', 'freeze on friday');
      await waitForAsync('the note row', async () => (await ui!.texts(claimsRow('pinned note: freeze on friday'))).length > 0);
      // The keyboard only (rows move under a mouse while the view redraws): your claim is
      // selected (Enter), the note focused (End), so the selection is the wrong row to act on.
      await vscode.commands.executeCommand('claimboard.claims.focus');
      await ui.press('Home');
      await ui.press('ArrowDown');
      await ui.press('Enter');
      await ui.press('End');
      await cli(A, 'claim', `demo-repo/docs/note-${delay}.md`, '--eta', '10m');
      await sleep(delay);
      await ui.press('Delete');
      await waitFor(`the note removed by a Delete ${delay} ms after the write`, () => a.view().notes.length === 0);
      assert.ok(
        a.view().claims.some((c) => c.path === 'demo-repo/src/server.ts'),
        'the claim stays: the note had the focus',
      );
      // The next note's row must be the new one, not this one still drawn.
      await waitForAsync('the note row gone', async () => (await ui!.texts(claimsRow('pinned note: freeze on friday'))).length === 0);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  it('Enter on a claim in the Claims view opens the file and keeps the focus in the view', async () => {
    await api();
    if (!ui) return;
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    await fileTree(false);
    await vscode.commands.executeCommand('claimboard.claims.focus');
    // The keyboard only: a click on the session row would fold it.
    await ui.press('Home');
    await ui.press('ArrowDown');
    await ui.press('Enter');
    await waitFor('the file shown', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath.endsWith('deploy.md')));
    await sleep(300);
    assert.ok((await ui.texts('.part.sidebar :focus')).length > 0, 'the focus moved out of the Claims view');
  });

  it('every inline action of the Claims view is also in its context menu (claims, session rows, notes)', async () => {
    const a = await api();
    if (!ui) return;
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    await cli(A, 'claim', 'demo-repo/src/index.ts', '--eta', '10m');
    await vscode.commands.executeCommand('claimboard.addNote', 'freeze on friday');
    a.refresh();
    await fileTree(false);
    await vscode.commands.executeCommand('claimboard.claims.focus');
    await waitForAsync('the note row', async () => (await ui!.texts(claimsRow('pinned note: freeze on friday'))).length > 0);
    const mineSession = await contextMenu(claimsRow('your session'));
    assert.ok(mineSession.includes('Release All My Claims') && mineSession.includes('Renew My Claims'), mineSession.join(', '));
    assert.ok((await contextMenu(claimsRow(`session ${A}`))).includes('Ask Holder'));
    const note = await contextMenu(claimsRow('pinned note: freeze on friday'));
    assert.ok(note.includes('Remove Pinned Note') && note.includes('Show on Board'), note.join(', '));
    const claim = await contextMenu(claimsRow('demo-repo/docs/deploy.md, your claim'));
    assert.ok(claim.includes('Release Claim') && claim.includes('Show on Board'), claim.join(', '));
    await ui.rightClick(claimsRow('pinned note: freeze on friday'));
    await ui.shot('claims-view-note-menu');
    await ui.press('Escape');
    await vscode.commands.executeCommand('claimboard.removeNote', 1, { interactive: false });
  });

  it('keys claim and release the file in the editor (Ctrl+Alt+Shift+C, Ctrl+Alt+Shift+R)', async () => {
    const a = await api();
    if (!ui) return;
    await vscode.window.showTextDocument(fileUri('src/server.ts'));
    await ui.click('.part.editor .view-lines');
    await ui.press('Control+Alt+Shift+C');
    await quickInput('ETA');
    await waitForAsync('the ETA suggestions', async () => (await ui!.texts(`${QUICK_INPUT} .quick-input-list .monaco-list-row`)).length > 0);
    // Typed, not picked: this test is about the keys. (CI failed here twice: the prompts were
    // looked for without QUICK_INPUT, found an earlier test's hidden ETA prompt, and typed into the editor.)
    await ui.type('30m');
    await ui.press('Enter');
    await quickInput('reason');
    await ui.press('Enter');
    await waitFor('the claim', () => a.view().claims.some((c) => c.session === a.sessionName && c.path === 'demo-repo/src/server.ts'));
    await ui.press('Control+Alt+Shift+R');
    await waitFor('the release', () => !a.view().claims.some((c) => c.path === 'demo-repo/src/server.ts'));
  });

  it("the status bar's pick has buttons on each claim: Release (yours) or Ask, and Show on Board", async () => {
    const a = await api();
    if (!ui) return;
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    await cli(A, 'claim', 'demo-repo/src/index.ts', '--eta', '10m');
    a.refresh();
    await ui.click('.statusbar-item[id="claimboard.claimboard.claimboard.status"], .statusbar-item:has-text("2 claims")');
    await waitForAsync('the pick', async () => (await ui!.texts(`${QUICK_INPUT} .quick-input-list .monaco-list-row`)).length === 2);
    await ui.hover(`${QUICK_INPUT} .quick-input-list .monaco-list-row:has-text("deploy.md")`);
    await ui.shot('claims-pick-buttons');
    await ui.click(`${QUICK_INPUT} .quick-input-list .monaco-list-row:has-text("deploy.md") .action-label[aria-label="Release"]`);
    await waitFor('released from the pick', () => !a.view().claims.some((c) => c.path.endsWith('docs/deploy.md')));
  });

  it('the Explorer and tab menus offer Claim on a free file, Release on yours, Ask on a file someone else holds (folder claims too)', async () => {
    const a = await api();
    if (!ui) return;
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '10m');
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    a.refresh();
    assert.equal(a.menuClaimOf(fileUri('src/api/users.ts')), 'other', 'a file under a held folder');
    assert.equal(a.menuClaimOf(fileUri('src')), 'other', 'a folder with a held folder inside');
    assert.equal(a.menuClaimOf(fileUri('docs/deploy.md')), 'mine');
    assert.equal(a.menuClaimOf(fileUri('README.md')), undefined);
    await fileTree(true);
    await vscode.commands.executeCommand('revealInExplorer', fileUri('src/api/users.ts'));
    await vscode.commands.executeCommand('revealInExplorer', fileUri('docs/deploy.md'));
    const row = (name: string) => `.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`;
    assert.deepEqual(ours(await contextMenu(row('users.ts'))), ['Ask Holder']);
    assert.deepEqual(ours(await contextMenu(row('deploy.md'))), ['Release Claim']);
    assert.deepEqual(ours(await contextMenu(row('README.md'))), ['Claim Path']);
    await vscode.window.showTextDocument(fileUri('src/api/users.ts'), { preview: false });
    await vscode.window.showTextDocument(fileUri('README.md'), { preview: false });
    const tab = (name: string) => `.tabs-container .tab[aria-label^="${name}"]`;
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.deepEqual(ours(await contextMenu(tab('users.ts'))), ['Ask Holder']);
    assert.deepEqual(ours(await contextMenu(tab('README.md'))), ['Claim Path']);
    await ui.rightClick(tab('users.ts'));
    await ui.shot('tab-menu-held');
    await ui.press('Escape');
  });
});
