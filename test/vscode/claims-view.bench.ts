// Figure for docs/benchmarks.md ("Claims view, first expand"): from the click on the collapsed
// Claims view's header to its first row on screen, the first time in a window and again. Needs
// the workbench's DOM (code-server's bridge): `npm run bench:vscode`. It must be the first
// expand of the view in the window, so no other suite may show the Claims view before it.
import * as vscode from 'vscode';
import { api, cli } from './support';
import { ui } from './ui';

const HEADER = '.pane-header[aria-label^="Claims"]';
const ROWS = `.pane:has(> ${HEADER}) .monaco-list-row`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bench: the Claims view', function () {
  this.timeout(60_000);

  it('first expand → first row on screen', async () => {
    const a = await api();
    if (!ui) return;
    await cli('session-a', 'claim', 'demo-repo/src/index.ts', '--eta', '10m');
    a.refresh();
    await vscode.commands.executeCommand('workbench.view.explorer');
    if ((await ui.texts(`${HEADER}[aria-expanded="false"]`)).length === 0) {
      console.log('[bench] claimsViewFirstExpandMs: skipped (the Claims view was already open)');
      return;
    }
    await sleep(1000);
    const first = Date.now();
    await ui.click(HEADER);
    await ui.texts(ROWS);
    const firstMs = Date.now() - first;
    await ui.click(HEADER);
    await sleep(1000);
    const again = Date.now();
    await ui.click(HEADER);
    await ui.texts(ROWS);
    const againMs = Date.now() - again;
    console.log(`[bench] claimsViewFirstExpandMs: ${firstMs}`);
    console.log(`[bench] claimsViewExpandAgainMs: ${againMs}`);
    await cli('session-a', 'release', '--all');
  });
});
