// Issue 15, the no-board empty state: with no board file the Claims view names the board's path
// and offers Create Board and Choose Board…; Create writes the seed's empty board and the view
// becomes the usual one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, closeEditors, waitFor, waitForAsync } from './support';
import { QUICK_INPUT, toasts, ui } from './ui';

// With a description (the board's path) beside the title, the header's label is no longer "Claims Section".
const CLAIMS_PANE = '.pane:has(> .pane-header .title:text-is("Claims"))';
const WELCOME = `${CLAIMS_PANE} .welcome-view`;
const FOLDERS_HEADER = '.pane-header[aria-label^="Explorer Section"]';

/** A claim line someone wrote by hand, live now: fixed clock times would run out during the day. */
function liveClaim(session: string, key: string): string {
  return `- ${session} (started ${new Date().toISOString()}) — ${key} — eta ${new Date(Date.now() + 3_600_000).toISOString()}\n`;
}

async function setBoardPath(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('claimboard').update('boardPath', value, vscode.ConfigurationTarget.Global);
}

/** The file picker on screen (a quick input: see QUICK_INPUT). */
const PICKER = QUICK_INPUT;

/**
 * code-server's file picker is a quick input holding a path: type the file's path and accept it.
 * The picker fills in its folder once it has listed it: typed before that, the path lands after it.
 * Under load an Enter can land while the picker is still taking in what was typed, and it stays
 * open (CI saw it once): then the path is typed again and accepted again, at most three times.
 */
async function pickFile(file: string, shot?: string): Promise<void> {
  await waitForAsync('the file picker', async () => (await ui!.texts(`${PICKER} .quick-input-title`)).some((t) => t.includes('Choose the coordination board')));
  await waitForAsync('the folder listed', async () => (await ui!.texts(`${PICKER} .quick-input-list .monaco-list-row`)).some((t) => t.includes(path.basename(file))));
  for (let attempt = 1; ; attempt++) {
    await ui!.press('Control+A');
    await ui!.type(file);
    if (shot && attempt === 1) await ui!.shot(shot);
    await ui!.press('Enter');
    const closed = await waitForAsync('the file picker closed', async () => (await ui!.count(PICKER)) === 0, 5_000).catch(() => false);
    if (closed || (await ui!.count(PICKER)) === 0) return;
    if (attempt === 3) throw new Error(`the file picker stayed open after three tries to accept ${file}`);
  }
}

/** The Claims view on screen, the file tree above it collapsed so the view has room. */
async function showClaimsView(): Promise<void> {
  if (!ui) return;
  await vscode.commands.executeCommand('workbench.view.explorer');
  if ((await ui.texts(`${FOLDERS_HEADER}[aria-expanded="true"]`)).length > 0) await ui.click(FOLDERS_HEADER);
  await vscode.commands.executeCommand('claimboard.claims.focus');
}

describe('the Claims view with no board', function () {
  this.timeout(60_000);
  let dir: string;
  const before = { board: '' };

  beforeEach(async () => {
    before.board = (await api()).boardPath;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-no-board-'));
  });

  afterEach(async () => {
    await setBoardPath(undefined);
    const a = await api();
    await waitFor('the test board again', () => a.boardPath === before.board, 10_000);
    await vscode.commands.executeCommand('notifications.clearAll');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the missing board, offers Create Board and Choose Board…, and Create makes the board', async () => {
    const a = await api();
    const missing = path.join(dir, 'team', 'coordination.md');
    await setBoardPath(missing);
    await waitFor('the missing board read', () => a.boardPath === missing && !a.view().exists, 10_000);
    assert.equal(a.claimsViewDescription(), missing);
    if (ui) {
      await vscode.commands.executeCommand('notifications.clearAll');
      await showClaimsView();
      // The welcome's words are drawn before its buttons: under load a read can fall in between.
      const welcome = await waitForAsync('the no-board welcome with its buttons', async () =>
        (await ui!.texts(WELCOME)).find((t) => t.includes('No board file yet') && t.includes('Create Board') && t.includes('Choose Board…')),
      );
      assert.doesNotMatch(welcome, /No claims on the board/);
      // A narrow sidebar cuts the path short on screen; its hover holds all of it.
      await waitForAsync('the path beside the title', async () => (await ui!.texts(`${CLAIMS_PANE} > .pane-header .description`)).includes(missing));
      await ui.shot('claims-view-no-board');
      await ui.click(`${WELCOME} a:has-text("Create Board")`);
    } else {
      await vscode.commands.executeCommand('claimboard.createBoard');
    }
    await waitFor('the board written', () => fs.existsSync(missing) && a.view().exists, 10_000);
    assert.match(fs.readFileSync(missing, 'utf8'), /^# Claude Session Coordination Board\n\nLast updated: .+\n\n## Active claims\n\n## Recent releases\n\n## Pinned notes\n$/);
    assert.equal(a.claimsViewDescription(), undefined);
    if (ui) {
      const normal = await waitForAsync('the usual empty view', async () => (await ui!.texts(WELCOME)).find((t) => t.includes('No claims on the board')));
      assert.doesNotMatch(normal, /Create Board/);
      await ui.shot('claims-view-board-created');
    }
  });

  it('Create Board leaves a board that appeared meanwhile as it was', async () => {
    const a = await api();
    const missing = path.join(dir, 'coordination.md');
    await setBoardPath(missing);
    await waitFor('the missing board read', () => a.boardPath === missing && !a.view().exists, 10_000);
    const theirs = `# Claude Session Coordination Board\n\n## Active claims\n\n${liveClaim('session-z', 'demo-repo/x')}`;
    fs.writeFileSync(missing, theirs);
    await vscode.commands.executeCommand('claimboard.createBoard');
    assert.equal(fs.readFileSync(missing, 'utf8'), theirs);
    await waitFor('their claim in the view', () => a.view().claims.some((c) => c.session === 'session-z'));
  });

  it('Open Board and Show on Board with no board offer Create Board and Choose Board…, then open the board', async () => {
    const a = await api();
    const missing = path.join(dir, 'coordination.md');
    await setBoardPath(missing);
    await waitFor('the missing board read', () => a.boardPath === missing && !a.view().exists, 10_000);
    // The answer is a button on the notification: only the DOM can press it.
    if (!ui) return;
    const offer = async (command: string): Promise<string> => {
      await vscode.commands.executeCommand('notifications.clearAll');
      void vscode.commands.executeCommand(command);
      // CI's load once kept the toast off screen past the usual 5 s.
      return waitForAsync(`the offer of ${command}`, async () => (await toasts()).find((t) => t.includes('No board file yet')), 15_000);
    };
    const opened = (scheme: string, file: string) => () => vscode.window.activeTextEditor?.document.uri.scheme === scheme && vscode.window.activeTextEditor.document.uri.fsPath === file;
    const BUTTON = (label: string) => `.notification-toast:has-text("No board file yet") .monaco-button:has-text("${label}")`;

    const toast = await offer('claimboard.openBoard');
    assert.match(toast, /Create Board/);
    assert.match(toast, /Choose Board…/);
    assert.ok(toast.includes(missing), toast);
    assert.doesNotMatch(toast, /first claim creates it/);
    // The toast slides in: a hover waits until its buttons hold still.
    await ui.hover(BUTTON('Create Board'));
    await ui.shot('open-board-no-board');
    await ui.click(BUTTON('Create Board'));
    await waitFor('the new board open', opened('file', missing), 10_000);
    assert.match(fs.readFileSync(missing, 'utf8'), /^# Claude Session Coordination Board\n/);
    await closeEditors();

    await setBoardPath(path.join(dir, 'nothing-here.md'));
    await waitFor('the missing board read', () => !a.view().exists, 10_000);
    const chosen = path.join(dir, 'ours.md');
    fs.writeFileSync(chosen, `# Claude Session Coordination Board\n\n## Active claims\n\n${liveClaim('session-y', 'demo-repo/y')}`);
    await offer('claimboard.showOnBoard');
    await ui.click(BUTTON('Choose Board'));
    await pickFile(chosen);
    await waitFor('the chosen board shown, read-only', opened('claimboard-board', chosen), 10_000);
    assert.equal(a.boardPath, chosen);
    await closeEditors();
  });

  it('Choose Board… picks a board file and keeps it in claimboard.boardPath', async () => {
    const a = await api();
    await setBoardPath(path.join(dir, 'nothing-here.md'));
    await waitFor('the missing board read', () => !a.view().exists, 10_000);
    const chosen = path.join(dir, 'ours.md');
    fs.writeFileSync(chosen, `# Claude Session Coordination Board\n\n## Active claims\n\n${liveClaim('session-y', 'demo-repo/y')}`);
    if (ui) {
      await vscode.commands.executeCommand('notifications.clearAll');
      await showClaimsView();
      await ui.click(`${WELCOME} a:has-text("Choose Board")`);
      await pickFile(chosen, 'claims-view-choose-board');
    } else {
      await vscode.commands.executeCommand('claimboard.chooseBoard', vscode.Uri.file(chosen));
    }
    await waitFor('the chosen board in use', () => a.boardPath === chosen && a.view().claims.some((c) => c.session === 'session-y'), 10_000);
    assert.equal(vscode.workspace.getConfiguration('claimboard').inspect<string>('boardPath')?.globalValue, chosen);
  });
});
