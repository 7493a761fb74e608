// The smallest proof that the real extension host loads and activates claimboard.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'claimboard.claimboard';

describe('claimboard in a real VS Code', () => {
  it('is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('is the copy the runner meant to test (development folder or installed .vsix)', () => {
    const expected = process.env.CLAIMBOARD_EXPECT_EXTENSION_PATH;
    if (!expected) return; // not set by @vscode/test-electron
    assert.equal(vscode.extensions.getExtension(extensionId)?.extensionPath, expected);
  });

  it('runs in the workspace and with the board the runner prepared', () => {
    const workspace = process.env.CLAIMBOARD_TEST_WORKSPACE;
    assert.ok(workspace, 'CLAIMBOARD_TEST_WORKSPACE did not reach the extension host');
    assert.ok(process.env.CLAIMBOARD_BOARD, 'CLAIMBOARD_BOARD did not reach the extension host');
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(
      folders.map((f) => f.uri.fsPath),
      [workspace],
    );
  });

  it('exports the documented public API, with the test surface apart', async () => {
    const extension = vscode.extensions.getExtension<Record<string, unknown>>(extensionId);
    assert.ok(extension);
    const exports = extension.isActive ? extension.exports : await extension.activate();
    // src/extension/api.ts: anything more is an undocumented contract other extensions could grow into.
    assert.deepEqual(
      Object.keys(exports)
        .filter((k) => k !== 'testing')
        .sort(),
      ['board', 'boardPath', 'keyFor', 'onDidChangeBoard', 'sessionName', 'version'],
    );
    assert.equal(exports.version, 1);
    assert.equal(exports.boardPath, process.env.CLAIMBOARD_BOARD);
    const board = (exports.board as () => { claims: unknown[] })();
    assert.ok(Array.isArray(board.claims));
  });
});
