// The extension in a real VS Code: what the person sees (asked from the providers through the
// API `activate()` returns) and what the commands write to the board.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { outboxPaths } from '../../src/announce/outbox';
import { activeLines, api, board, boardText, clearBoard, cli, closeEditors, env, fileUri, waitFor, workspace } from './support';
import { ui } from './ui';

/** Runs the built CLI on the test board with no session set (as a hook runs), `input` on stdin. */
function cliWithInput(input: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const e: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    delete e.CLAIMBOARD_SESSION;
    const child = spawn(process.execPath, [env('CLAIMBOARD_CLI'), '--board', board(), ...args], { cwd: workspace(), env: e });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const A = 'session-a';

describe('claimboard extension', function () {
  this.timeout(60_000);

  before(async () => {
    await api();
  });

  beforeEach(async () => {
    await closeEditors();
    await clearBoard([A]);
  });

  after(async () => {
    await closeEditors();
    await clearBoard([A]);
  });

  it("activates on the runner's board, as the OS user, with every command registered", async () => {
    const a = await api();
    assert.equal(a.boardPath, board());
    assert.ok(a.sessionName.length > 0);
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'claimboard.claimPath',
      'claimboard.releasePath',
      'claimboard.claim',
      'claimboard.release',
      'claimboard.releaseAll',
      'claimboard.renew',
      'claimboard.openBoard',
      'claimboard.addNote',
      'claimboard.askHolder',
      'claimboard.showRecap',
      'claimboard.setMattermostToken',
      'claimboard.showClaims',
    ]) {
      assert.ok(commands.includes(id), `${id} is not registered`);
    }
    assert.equal(a.keyFor(fileUri('src/api/routes.ts')), 'demo-repo/src/api/routes.ts');
  });

  it('opened through a symlink, keys files as the CLI does, and its claims stop a hook on the real path', async () => {
    const a = await api();
    const real = fs.realpathSync(workspace());
    assert.notEqual(path.basename(real), path.basename(workspace()), 'the workspace is opened through a link with another name');
    assert.equal(a.keyFor(fileUri('src/server.ts')), 'demo-repo/src/server.ts');
    // A claim made by a hook-style CLI call on the real path shows here.
    assert.equal((await cli(A, 'claim', path.join(real, 'src', 'server.ts'))).code, 0);
    await waitFor('the badge on server.ts', () => a.decorationFor(fileUri('src/server.ts')));
    await cli(A, 'release', '--all');
    // A claim made here stops another session's hook editing the real file.
    const server = fileUri('src/server.ts');
    await vscode.commands.executeCommand('claimboard.claimPath', server, [server], { eta: '20m' });
    const payload = JSON.stringify({
      session_id: 'uuid-other',
      transcript_path: '',
      cwd: real,
      permission_mode: 'acceptEdits',
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_input: { file_path: path.join(real, 'src', 'server.ts'), old_string: 'a', new_string: 'b' },
      tool_use_id: 'toolu_1',
    });
    const hook = await cliWithInput(payload, 'hook', 'pre-tool-use');
    assert.equal(hook.code, 0, hook.stderr);
    assert.match(hook.stdout, /"permissionDecision":\s*"deny"/);
    assert.match(hook.stdout, new RegExp(`claimed by ${a.sessionName}`));
    await vscode.commands.executeCommand('claimboard.releaseAll', { interactive: false });
  });

  it('a claim written by the CLI badges every matching file, with the tooltip, and marks parent folders', async () => {
    const a = await api();
    const routes = fileUri('src/api/routes.ts');
    assert.equal(a.decorationFor(routes), undefined);
    const r = await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '45m', '--reason', 'refactoring the router');
    assert.equal(r.code, 0, r.stderr);
    // No refresh() here: the board watcher must notice the CLI's write by itself.
    const d = await waitFor('the badge on routes.ts', () => a.decorationFor(routes));
    assert.equal(d.badge, 'A');
    assert.equal(d.kind, 'other');
    assert.equal(d.color, 'claimboard.heldByOther');
    assert.equal(d.colored, false, "the name keeps git's colour unless claimboard.explorer.colors");
    assert.match(d.tooltip, /^Claimed by session-a since \d\d:\d\d — eta \d\d:\d\d — lease until \d\d:\d\d — refactoring the router$/);
    // The glob covers the other file in the folder too, and nothing outside it.
    assert.equal(a.decorationFor(fileUri('src/api/users.ts'))?.badge, 'A');
    assert.equal(a.decorationFor(fileUri('src/server.ts')), undefined);
    assert.equal(a.decorationFor(fileUri('docs/deploy.md')), undefined);
    // Parent folders carry the lighter mark.
    const src = a.decorationFor(fileUri('src'));
    assert.equal(src?.kind, 'contains');
    assert.equal(src?.color, 'claimboard.containsClaims');
    // Folder hovers list what is held inside, and the status bar's hover says why, as the board does.
    assert.match(src?.tooltip ?? '', /session-a holds demo-repo\/src\/api\/\*\* \(eta \d\d:\d\d\) — refactoring the router/);
    assert.match(a.statusBarTooltip(), /session-a holds demo-repo\/src\/api\/\*\* \(eta \d\d:\d\d\) — refactoring the router/);

    // A release by the CLI clears the badge again.
    await cli(A, 'release', '--all');
    await waitFor('the badge to go', () => a.decorationFor(routes) === undefined);
  });

  it('Claim Path and Release Claim change the board and the badge (explorer multi-select)', async () => {
    const a = await api();
    const schema = fileUri('src/db/schema.sql');
    const migrate = fileUri('src/db/migrate.ts');
    const result = (await vscode.commands.executeCommand('claimboard.claimPath', schema, [schema, migrate], { eta: '20m', reason: 'new column' })) as {
      granted: unknown[];
      conflicts: unknown[];
    };
    assert.equal(result.conflicts.length, 0);
    assert.equal(result.granted.length, 2);
    const lines = activeLines();
    assert.equal(lines.length, 2);
    for (const key of ['demo-repo/src/db/schema.sql', 'demo-repo/src/db/migrate.ts']) {
      assert.ok(
        lines.some((l) => l.includes(`- ${a.sessionName} `) && l.includes(key) && l.includes('new column')),
        `no claim line for ${key}:\n${lines.join('\n')}`,
      );
    }
    const d = a.decorationFor(schema);
    assert.equal(d?.kind, 'mine');
    assert.equal(d?.badge, '✓');
    assert.equal(d?.color, 'claimboard.heldByMe');

    await vscode.commands.executeCommand('claimboard.releasePath', schema, [schema]);
    assert.equal(activeLines().length, 1);
    assert.match(boardText(), /## Recent releases\n[\s\S]*demo-repo\/src\/db\/schema\.sql/);
    assert.equal(a.decorationFor(schema), undefined);
    assert.equal(a.decorationFor(migrate)?.kind, 'mine');

    // Releasing a file inside a claimed folder releases the folder's claim.
    await vscode.commands.executeCommand('claimboard.releaseAll', { interactive: false });
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('src/db'), [fileUri('src/db')], { eta: '1h' });
    assert.equal(a.decorationFor(schema)?.kind, 'mine');
    await vscode.commands.executeCommand('claimboard.releasePath', schema);
    assert.deepEqual(activeLines(), []);
  });

  it('Claim Path asks for the ETA, offering the default first', async () => {
    const a = await api();
    const schema = fileUri('src/db/schema.sql');
    const pending = vscode.commands.executeCommand('claimboard.claimPath', schema, [schema]) as Thenable<{ granted: Array<{ eta?: Date }> } | undefined>;
    // The quick input is up: accept its first suggestion as the person would with Enter.
    assert.equal(await waitFor('the ETA prompt', () => a.etaPrompt()), 'Claim demo-repo/src/db/schema.sql: ETA');
    await new Promise((r) => setTimeout(r, 100));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    // Then the optional reason: Enter skips it.
    assert.equal(await waitFor('the reason prompt', () => a.etaPrompt()?.endsWith('reason (optional)') && a.etaPrompt()), 'Claim demo-repo/src/db/schema.sql: reason (optional)');
    await new Promise((r) => setTimeout(r, 100));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const result = await pending;
    assert.equal(result?.granted.length, 1);
    const eta = result?.granted[0]?.eta?.getTime() ?? 0;
    // claimboard.defaultEta is 30m: the ETA is half an hour from now (to the minute the board keeps).
    assert.ok(Math.abs(eta - (Date.now() + 30 * 60_000)) < 2 * 60_000, `eta ${new Date(eta).toISOString()}`);
    assert.equal(a.decorationFor(schema)?.kind, 'mine');

    // Escape cancels: nothing is claimed.
    const users = fileUri('src/api/users.ts');
    const cancelled = vscode.commands.executeCommand('claimboard.claimPath', users, [users]);
    await waitFor('the ETA prompt', () => a.etaPrompt());
    await new Promise((r) => setTimeout(r, 100));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await cancelled, undefined);
    assert.equal(a.decorationFor(users), undefined);
  });

  it('Release Claim from the Claims view or the status bar pick (a claim node as the argument)', async () => {
    const a = await api();
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('infra'), { eta: '1h' });
    const claim = a.view().claims.find((c) => c.session === a.sessionName);
    assert.equal(claim?.path, 'demo-repo/infra');
    // What the Claims view passes to its inline action: the node of the claim.
    const released = (await vscode.commands.executeCommand('claimboard.releasePath', { kind: 'claim', claim, expired: false })) as Array<{ path: string }>;
    assert.deepEqual(
      released.map((c) => c.path),
      ['demo-repo/infra'],
    );
    assert.deepEqual(activeLines(), []);
  });

  it("a claim that overlaps someone else's is refused, names the holder, and writes nothing", async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    a.refresh();
    const before = boardText();
    const routes = fileUri('src/api/routes.ts');
    const result = (await vscode.commands.executeCommand('claimboard.claimPath', routes, [routes], { eta: '10m' })) as {
      granted: unknown[];
      conflicts: Array<{ path: string; holder: { session: string } }>;
    };
    assert.equal(result.granted.length, 0);
    assert.equal(result.conflicts[0]?.holder.session, A);
    assert.match(a.lastRefusal()?.message ?? '', /^demo-repo\/src\/api\/routes\.ts is claimed by session-a until about \d\d:\d\d \(their claim: demo-repo\/src\/api\/\*\*\)\.$/);
    assert.equal(boardText(), before, 'a refused claim must not change the board');
    // Claiming the parent folder overlaps as well.
    const src = fileUri('src');
    const r2 = (await vscode.commands.executeCommand('claimboard.claimPath', src, [src], { eta: '10m' })) as { conflicts: unknown[] };
    assert.equal(r2.conflicts.length, 1);
  });

  it('"Wait for it" queues a refused path and reports it free once the holder releases', async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/db/**', '--eta', '30m');
    a.refresh();
    const schema = fileUri('src/db/schema.sql');
    const r = (await vscode.commands.executeCommand('claimboard.claimPath', schema, { eta: '10m', wait: true })) as { conflicts: unknown[] };
    assert.equal(r.conflicts.length, 1);
    assert.deepEqual(a.waitingFor(), ['demo-repo/src/db/schema.sql']);
    // An unrelated write by the holder does not free it.
    const reads = a.reads();
    await cli(A, 'claim', 'demo-repo/docs/**', '--eta', '30m');
    await waitFor('the watcher to re-read the board', () => a.reads() > reads);
    assert.deepEqual(a.waitingFor(), ['demo-repo/src/db/schema.sql']);
    await cli(A, 'release', 'demo-repo/src/db/**');
    await waitFor('the path to be reported free', () => a.freedWhileWaiting().includes('demo-repo/src/db/schema.sql'));
    assert.deepEqual(a.waitingFor(), []);
  });

  it('warns once when a file someone else holds is opened, and marks its gutter', async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/users.ts', '--eta', '30m', '--reason', 'adding pagination');
    a.refresh();
    const shown = a.warningsShown();
    const users = fileUri('src/api/users.ts');
    await vscode.window.showTextDocument(users);
    const w = await waitFor('the open warning', () => a.lastWarning()?.uri === users.toString() && a.lastWarning());
    assert.equal(w.holder, A);
    assert.equal(w.path, 'demo-repo/src/api/users.ts');
    assert.match(w.eta ?? '', /^\d\d:\d\d$/);
    assert.match(w.message, /demo-repo\/src\/api\/users\.ts is claimed by session-a until about \d\d:\d\d \(adding pagination\)/);
    assert.equal(a.warningsShown(), shown + 1);

    const g = a.gutterFor(users);
    assert.equal(g?.kind, 'other');
    assert.match(g?.hover ?? '', /Claimed by session-a/);

    // Switching tabs back and forth does not warn again.
    await vscode.window.showTextDocument(fileUri('src/server.ts'));
    await vscode.window.showTextDocument(users);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(a.warningsShown(), shown + 1);
    // An unclaimed file has no gutter mark; an own claim has a different one.
    assert.equal(a.gutterFor(fileUri('src/server.ts')), undefined);
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('src/server.ts'), { eta: '5m' });
    assert.equal(a.gutterFor(fileUri('src/server.ts'))?.kind, 'mine');
  });

  it("with readOnlyOnOpen, the held file's editor becomes read-only for the session", async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('claimboard');
    await config.update('readOnlyOnOpen', true, vscode.ConfigurationTarget.Global);
    try {
      await cli(A, 'claim', 'demo-repo/src/db/migrate.ts', '--eta', '30m');
      a.refresh();
      const migrate = fileUri('src/db/migrate.ts');
      const editor = await vscode.window.showTextDocument(migrate);
      const w = await waitFor('the open warning', () => a.lastWarning()?.uri === migrate.toString() && a.lastWarning());
      assert.equal(w.readOnly, true);
      assert.match(w.message, /read-only for this session/);
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// edited\n'));
      assert.equal(editor.document.getText().startsWith('// edited'), false, 'the read-only editor took an edit');
      // Control: the same edit in an editor of a file nobody holds does go in.
      const free = await vscode.window.showTextDocument(fileUri('src/index.ts'));
      await free.edit((b) => b.insert(new vscode.Position(0, 0), '// edited\n'));
      assert.equal(free.document.getText().startsWith('// edited'), true);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } finally {
      await config.update('readOnlyOnOpen', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('shows the count in the status bar and the claims in the Claims view', async () => {
    const a = await api();
    assert.equal(a.statusBarText(), '$(lock) 0 claims · 0 mine');
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    await cli(A, 'claim', 'demo-repo/infra/**', '--eta', '2h');
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('docs/deploy.md'), { eta: '15m' });
    await vscode.commands.executeCommand('claimboard.addNote', 'Do not deploy before the review');
    a.refresh();
    assert.equal(a.statusBarText(), '$(lock) 3 claims · 1 mine');
    assert.equal(a.statusBarWarning(), false);
    assert.match(a.statusBarTooltip(), /session-a holds demo-repo\/src\/api\/\*\*/);
    assert.match(a.statusBarTooltip(), /session-a holds demo-repo\/infra\/\*\*/);

    const tree = a.claimsTreeItems();
    const me = tree.find((n) => n.label === a.sessionName);
    const other = tree.find((n) => n.label === A);
    assert.equal(tree[0]?.label, a.sessionName, 'your own session comes first');
    assert.deepEqual(
      me?.children?.map((c) => [c.label, c.contextValue]),
      // A single-folder workspace: labels without the repository, the key in the tooltip.
      [['docs/deploy.md', 'claim.mine']],
    );
    assert.deepEqual(
      other?.children?.map((c) => [c.label, c.contextValue]),
      [
        ['src/api/**', 'claim.other'],
        ['infra/**', 'claim.other'],
      ],
    );
    assert.match(other?.description ?? '', /2 claims/);
    const notes = tree.find((n) => n.label === 'Pinned notes');
    assert.deepEqual(
      notes?.children?.map((c) => [c.label, c.contextValue]),
      [['Do not deploy before the review', 'note']],
    );
    const releases = tree.find((n) => n.label === 'Recent releases');
    assert.ok(releases?.children?.every((c) => c.contextValue === 'release'));

    // Removing the note from its tree item.
    await vscode.commands.executeCommand('claimboard.removeNote', 1, { interactive: false });
    assert.equal(
      a.claimsTreeItems().find((n) => n.label === 'Pinned notes'),
      undefined,
    );
  });

  it('shows an expired claim as expired, not as live', async () => {
    const a = await api();
    // No --eta: a stated ETA holds the lease until then.
    await cli(A, 'claim', 'demo-repo/docs/**', '--ttl', '2s');
    await waitFor('the badge', () => a.decorationFor(fileUri('docs/deploy.md')));
    // Nobody writes the board when a lease runs out: the window notices by itself.
    await waitFor('the badge to go when the lease ends', () => a.decorationFor(fileUri('docs/deploy.md')) === undefined, 5000);
    const expired = a.claimsTreeItems().find((n) => n.label === 'Expired');
    assert.deepEqual(
      expired?.children?.map((c) => c.contextValue),
      ['claim.expired'],
    );
    assert.match(expired?.children?.[0]?.description ?? '', /session-a · expired/);
  });

  it('a problem on the board turns the status bar to a warning', async function () {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    const fs = await import('node:fs');
    const text = boardText();
    fs.writeFileSync(board(), text.replace('## Active claims\n', '## Active claims\n\n- this line is not a claim at all\n'));
    try {
      a.refresh();
      if (a.view().problems.length === 0) this.skip(); // the format keeps such lines silently
      assert.equal(a.statusBarWarning(), true);
      assert.match(a.statusBarText(), /^\$\(warning\) /);
      // In the Problems panel, on the line itself, and first in the Claims view.
      const line = boardText().split('\n').indexOf('- this line is not a claim at all') + 1;
      assert.deepEqual(
        a.boardDiagnostics().map((d) => d.line),
        [line],
      );
      assert.match(a.boardDiagnostics()[0]?.message ?? '', /not a claim/);
      assert.equal(a.claimsTreeItems()[0]?.label, 'Problems');
      assert.deepEqual(
        vscode.languages.getDiagnostics(vscode.Uri.file(board())).map((d) => d.range.start.line + 1),
        [line],
      );
      if (ui) {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        await ui.shot('board-problems');
      }
    } finally {
      fs.writeFileSync(board(), text);
      a.refresh();
    }
    assert.equal(a.statusBarWarning(), false);
    assert.deepEqual(a.boardDiagnostics(), []);
  });

  it('an announcement the outbox gave up on turns the status bar to a warning', async () => {
    const a = await api();
    const fs = await import('node:fs');
    const outbox = outboxPaths(board()).outbox;
    const entry = {
      seq: 1,
      id: 'x'.repeat(26),
      createdAt: new Date().toISOString(),
      kind: 'claim',
      session: A,
      text: '[session-a] CLAIM `x`',
      state: 'failed',
      attempts: 3,
      lastError: '403 Forbidden',
    };
    fs.writeFileSync(outbox, JSON.stringify({ version: 1, nextSeq: 2, entries: [entry], roots: {}, channelIds: {} }));
    try {
      a.refresh();
      await waitFor('the warning state', () => a.statusBarWarning());
      assert.match(a.statusBarTooltip(), /1 announcement failed to post/);
    } finally {
      fs.rmSync(outbox, { force: true });
      a.refresh();
    }
    await waitFor('the warning to clear', () => !a.statusBarWarning());
  });

  it('Open Board opens the board at the line asked for', async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    a.refresh();
    const claim = a.view().claims[0];
    assert.ok(claim);
    await vscode.commands.executeCommand('claimboard.openBoard', claim.line);
    const editor = await waitFor('the board editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === board() && vscode.window.activeTextEditor);
    assert.equal(editor.selection.active.line, claim.line - 1);
    assert.match(editor.document.lineAt(claim.line - 1).text, /session-a .*demo-repo\/src\/api\/\*\*/);
  });

  it("Show on Board opens the board read-only in its own tab, the claim's line highlighted, the previewed file kept", async () => {
    const a = await api();
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    a.refresh();
    const claim = a.view().claims[0];
    assert.ok(claim);
    await vscode.window.showTextDocument(fileUri('src/server.ts'), { preview: true });
    await vscode.commands.executeCommand('claimboard.showOnBoard', { kind: 'claim', claim, expired: false });
    const editor = await waitFor('the board', () => vscode.window.activeTextEditor?.document.uri.path === vscode.Uri.file(board()).path && vscode.window.activeTextEditor);
    assert.equal(editor.document.uri.scheme, 'claimboard-board', 'a view of the board, not the file itself');
    assert.equal(editor.selection.active.line, claim.line - 1);
    assert.equal(a.boardHighlight(), claim.line);
    assert.match(editor.document.lineAt(claim.line - 1).text, /session-a .*demo-repo\/src\/api\/\*\*/);
    const tabs = vscode.window.tabGroups.activeTabGroup.tabs.map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri.path : ''));
    assert.ok(
      tabs.some((p) => p.endsWith('/src/server.ts')),
      `the previewed file was replaced: ${tabs.join(', ')}`,
    );
    if (ui) {
      // What the person types there goes nowhere: the view cannot change the board.
      const before = editor.document.getText();
      await ui.click('.part.editor .editor-group-container.active .view-lines');
      await ui.type('x');
      await new Promise((r) => setTimeout(r, 300));
      await ui.shot('show-on-board');
      assert.equal(editor.document.getText(), before, 'the board view took an edit');
      assert.equal(editor.document.isDirty, false);
    }
  });

  it('reads the session name from the settings: the same claim turns from theirs to mine', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('claimboard');
    const routes = fileUri('src/api/routes.ts');
    await cli(A, 'claim', 'demo-repo/src/api/**', '--eta', '30m');
    a.refresh();
    assert.equal(a.decorationFor(routes)?.kind, 'other');
    await config.update('sessionName', A, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the new session name', () => a.sessionName === A);
      assert.equal(a.decorationFor(routes)?.kind, 'mine');
      assert.equal(a.decorationFor(routes)?.badge, '✓');
      assert.equal(a.statusBarText(), '$(lock) 1 claim · 1 mine');
    } finally {
      await config.update('sessionName', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the OS user name again', () => a.sessionName !== A);
    assert.equal(a.decorationFor(routes)?.kind, 'other');
  });

  it("the heartbeat renews the person's claims while the window is open", async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('claimboard');
    await vscode.commands.executeCommand('claimboard.claimPath', fileUri('README.md'), { eta: '10m' });
    const leaseOf = () =>
      a
        .view()
        .claims.find((c) => c.session === a.sessionName)
        ?.expires.getTime() ?? 0;
    const first = leaseOf();
    assert.ok(first > Date.now());
    const beats = a.heartbeats();
    await config.update('heartbeatInterval', 1, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('a heartbeat', () => a.heartbeats() > beats, 10_000);
      a.refresh();
      assert.ok(leaseOf() > first, 'the lease moved forward');
      assert.match(activeLines().join('\n'), /lease until/);
    } finally {
      await config.update('heartbeatInterval', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
