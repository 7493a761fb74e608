// Issue 15, "protect the edit, not just the open": the first edit and the first save of a file
// someone else holds warn, the status bar stays a warning while it has unsaved changes, Make
// Read-only stays in the editor title while the file is held, and read-only lifts on release.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, clearBoard, cli, closeEditors, fileUri, waitFor, waitForAsync } from './support';
import { toasts, ui } from './ui';

const A = 'session-a';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function insertLine(editor: vscode.TextEditor, text: string): Promise<void> {
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), text));
}

/** The editor title's Make Read-only button, as the person sees it (the DOM). */
async function readOnlyButtons(): Promise<number> {
  return ui ? (await ui.texts('.editor-actions .action-label[aria-label^="Make Read-only While Held"]')).length : 0;
}

describe('protect the edit', function () {
  this.timeout(60_000);
  const files = () => vscode.workspace.getConfiguration('files');

  // VS Code for the Web saves a second after each edit: these tests save when they mean to.
  before(async () => files().update('autoSave', 'off', vscode.ConfigurationTarget.Global));

  beforeEach(async () => {
    await closeEditors();
    await clearBoard([A]);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  after(async () => {
    await files().update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await closeEditors();
    await clearBoard([A]);
  });

  it('the first edit of a held file warns once; the status bar warns while it is unsaved', async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/users.ts', '--eta', '30m', '--reason', 'adding pagination');
    a.refresh();
    const users = fileUri('src/api/users.ts');
    const editor = await vscode.window.showTextDocument(users);
    await waitFor('the open warning', () => a.lastWarning()?.uri === users.toString());
    const before = a.editWarnings().length;

    await insertLine(editor, '// mine\n');
    const edit = await waitFor('the edit warning', () =>
      a
        .editWarnings()
        .slice(before)
        .find((w) => w.includes('You are editing it')),
    );
    assert.match(edit, /^demo-repo\/src\/api\/users\.ts is claimed by session-a until about \d\d:\d\d \(adding pagination\)\. You are editing it: your changes may collide with theirs\.$/);
    await waitFor('the status bar warning', () => a.statusBarWarning());
    assert.match(a.statusBarText(), /· editing a held file$/);
    assert.match(a.statusBarTooltip(), /Unsaved changes: demo-repo\/src\/api\/users\.ts is claimed by session-a/);
    if (ui) {
      await waitForAsync('the edit warning on screen', async () => (await toasts()).some((t) => t.includes('You are editing it')));
      await ui.shot('edit-held-file');
    }
    // More typing stays quiet.
    await insertLine(editor, '// more\n');
    await sleep(200);
    assert.deepEqual(a.editWarnings().slice(before), [edit]);

    // Saving what was already warned about does not warn again (auto-save would do it every second).
    assert.ok(await editor.document.save());
    await waitFor('the status bar to leave the warning state', () => !a.statusBarWarning());
    await editor.edit((b) => b.delete(new vscode.Range(0, 0, 2, 0)));
    await editor.document.save();
    await sleep(200);
    assert.deepEqual(a.editWarnings().slice(before), [edit]);
  });

  it('a claim arriving on an open file does not pop up; the first edit, or a save of earlier edits, warns', async () => {
    const a = await api();
    const server = fileUri('src/server.ts');
    const editor = await vscode.window.showTextDocument(server);
    const shown = a.warningsShown();
    const reads = a.reads();
    assert.equal((await cli(A, 'claim', 'demo-repo/src/server.ts', '--eta', '30m')).code, 0);
    await waitFor('the watcher to read the claim', () => a.reads() > reads && a.decorationFor(server));
    await sleep(300);
    assert.equal(a.warningsShown(), shown, 'no warning over whatever the person is doing');
    await insertLine(editor, '// x\n');
    await waitFor('the edit warning', () => a.editWarnings().some((w) => w.startsWith('demo-repo/src/server.ts is claimed by session-a')));
    await vscode.commands.executeCommand('workbench.action.files.revert');

    // Edits made while the file was free, saved after someone claimed it: the save warns.
    const index = await vscode.window.showTextDocument(fileUri('src/index.ts'));
    await insertLine(index, '// y\n');
    await cli(A, 'claim', 'demo-repo/src/index.ts', '--eta', '30m');
    await waitFor('the claim', () => {
      a.refresh();
      return a.decorationFor(index.document.uri);
    });
    assert.ok(await index.document.save());
    const saved = await waitFor('the save warning', () => a.editWarnings().find((w) => w.startsWith('demo-repo/src/index.ts is claimed by session-a')));
    assert.match(saved, /You saved changes to it: tell session-a, or wait for their release before you commit\.$/);
    await index.edit((b) => b.delete(new vscode.Range(0, 0, 1, 0)));
    await index.document.save();
  });

  it('Make Read-only stays in the editor title while the file is held; read-only lifts on release and says so', async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/db/migrate.ts', '--eta', '30m');
    a.refresh();
    const migrate = fileUri('src/db/migrate.ts');
    const editor = await vscode.window.showTextDocument(migrate);
    const w = await waitFor('the open warning', () => a.lastWarning()?.uri === migrate.toString() && a.lastWarning());
    assert.ok(w.actions.includes('Make Read-only'));
    assert.ok(w.actions.includes('Ask in Mattermost') || w.actions.includes('Set up Mattermost…'));
    // The toast is gone (dismissed), the way stays: the editor title.
    await vscode.commands.executeCommand('notifications.clearAll');
    if (ui) await waitForAsync('Make Read-only in the editor title', async () => (await readOnlyButtons()) === 1);
    await vscode.commands.executeCommand('claimboard.makeReadOnly');
    await insertLine(editor, '// edited\n');
    assert.equal(editor.document.getText().startsWith('// edited'), false, 'the read-only editor took an edit');
    if (ui) await waitForAsync('Make Read-only gone once read-only', async () => (await readOnlyButtons()) === 0);

    await cli(A, 'release', '--all');
    await waitFor('the file to be writeable again', () => a.freedReadOnly().includes(migrate.toString()));
    if (ui) {
      await waitForAsync('the notice', async () => (await toasts()).some((t) => t.includes('demo-repo/src/db/migrate.ts is free again')));
      await ui.shot('read-only-lifted');
    }
    await insertLine(editor, '// edited\n');
    assert.equal(editor.document.getText().startsWith('// edited'), true, 'the editor is writeable again');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
