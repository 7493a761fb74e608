// This window is "machine B" over a shared store (`npm run test:vscode -- --shared` starts a
// real PostgreSQL and sets CLAIMBOARD_STORE): a claim made by the CLI on "machine A" (its own
// HOME and board file, the same store) shows here as a badge, live, with nobody touching this
// machine's board file but the extension's own watch of the store.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BoardDocument } from '../../src/core/board-format';
import { VIEW_MARK } from '../../src/core/shared-view';
import { api, board, boardText, env, fileUri, waitFor } from './support';

/** The CLI as another machine runs it: its own home and board file, the same shared store. */
function machineA(...args: string[]): Promise<{ code: number; stderr: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'machine-a-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [env('CLAIMBOARD_CLI'), ...args], {
      cwd: home,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', HOME: home, CLAIMBOARD_BOARD: path.join(home, 'coordination.md'), CLAIMBOARD_STORE: env('CLAIMBOARD_STORE') },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe('machine B in a real VS Code over the shared store', () => {
  it('shows a claim the CLI made on machine A as a badge, live', async () => {
    const a = await api();
    const file = fileUri('src/server.ts');
    const key = a.keyFor(file);
    assert.ok(key, 'the file has a key');
    await waitFor('the view written from the store', () => boardText().includes(VIEW_MARK), 20_000);
    assert.equal(a.decorationFor(file), undefined, 'nobody holds it yet');

    const claimed = await machineA('claim', key, '--session', 'alpha');
    assert.equal(claimed.code, 0, claimed.stderr);
    const shownAt = performance.now();
    const badge = await waitFor('the badge of machine A’s claim', () => a.decorationFor(file)?.badge, 10_000);
    console.log(`machine A's claim shown on machine B ${Math.round(performance.now() - shownAt)} ms after the CLI exited`);
    assert.ok(badge);
    assert.match(a.decorationFor(file)?.tooltip ?? '', /alpha/);
    // This machine's board file is the view: it holds the claim, in the board's form.
    assert.deepEqual(
      BoardDocument.parse(fs.readFileSync(board(), 'utf8')).claims.map((c) => `${c.session} ${c.path}`),
      [`alpha ${key}`],
    );

    const released = await machineA('release', key, '--session', 'alpha');
    assert.equal(released.code, 0, released.stderr);
    await waitFor('the badge gone after machine A’s release', () => a.decorationFor(file) === undefined, 10_000);
  });
});
