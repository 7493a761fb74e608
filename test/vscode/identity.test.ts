// Issue 15, "never switch board or identity silently": settings a person writes in the Settings
// editor's User tab keep working in a remote window (code-server is one), and a change of who
// the person is, or of the board, is said visibly once, with the way to fix it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, waitFor, waitForAsync } from './support';
import { toasts, ui } from './ui';

/** Edits the User settings as the person does: the settings.json the Settings editor opens, saved. */
async function editUserSettings(change: (settings: Record<string, unknown>) => void): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettingsJson');
  const editor = await waitFor('User settings.json', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/User/settings.json') && vscode.window.activeTextEditor);
  const doc = editor.document;
  const settings = (doc.getText().trim() ? JSON.parse(doc.getText()) : {}) as Record<string, unknown>;
  change(settings);
  const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  assert.ok(await editor.edit((b) => b.replace(all, JSON.stringify(settings, null, 2) + '\n')), 'User settings edited');
  await vscode.commands.executeCommand('workbench.action.files.save');
  await waitFor('User settings saved', () => !doc.isDirty);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
}

async function closeToasts(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}

describe('identity: the board and the session name', function () {
  this.timeout(60_000);

  it('a session name in User settings survives an unrelated settings edit in a remote window', async () => {
    const a = await api();
    assert.ok(vscode.env.remoteName, 'code-server is a remote window');
    const osName = a.sessionName;
    try {
      await editUserSettings((s) => (s['claimboard.sessionName'] = 'alice'));
      await waitFor('the name from User settings', () => a.sessionName === 'alice', 10_000);
      // One unrelated edit makes the workbench send the settings again: the name must stay.
      await editUserSettings((s) => (s['editor.fontSize'] = 15));
      await waitFor('the unrelated edit to arrive', () => vscode.workspace.getConfiguration('editor').get('fontSize') === 15, 10_000);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(a.sessionName, 'alice');
    } finally {
      await editUserSettings((s) => {
        delete s['claimboard.sessionName'];
        delete s['editor.fontSize'];
      });
    }
    await waitFor('the OS user name again', () => a.sessionName === osName, 15_000);
    // Back to the default: said once, visibly, with where to set it.
    const note = a.identityNotes().at(-1) ?? '';
    assert.match(note, new RegExp(`you are now ${osName} \\(was alice\\): claimboard\\.sessionName is not set, so your OS user name\\. If you set claimboard\\.sessionName, set it again`));
    if (ui) {
      const shown = await waitForAsync('the notice on screen', async () => (await toasts()).find((t) => t.includes(`you are now ${osName}`)));
      assert.match(shown, /Open Settings/);
      await ui.shot('identity-notice');
    }
    await closeToasts();
  });

  it('a session name the board cannot hold is not used, and the person is told why', async () => {
    const a = await api();
    const osName = a.sessionName;
    const config = vscode.workspace.getConfiguration('claimboard');
    await config.update('sessionName', 'alice smith', vscode.ConfigurationTarget.Global);
    try {
      const note = await waitFor('the notice', () => a.identityNotes().find((n) => n.includes('alice smith')));
      assert.match(note, /^claimboard\.sessionName is not used \(session name "alice smith" may use letters, digits and \. _ @ \+ - only\): you are /);
      assert.equal(a.sessionName, osName);
      if (ui) await waitForAsync('the notice on screen', async () => (await toasts()).some((t) => t.includes('alice smith')));
    } finally {
      await config.update('sessionName', undefined, vscode.ConfigurationTarget.Global);
    }
    await closeToasts();
  });
});
