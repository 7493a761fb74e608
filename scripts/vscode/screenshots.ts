// `npm run screenshots`: PNGs of the real workbench with claimboard installed, into docs/images/:
//   workbench.png        the whole window: badges, a held file with gutter marks and the warning
//   explorer-badges.png  the Explorer: badges on claimed files, lighter marks on their folders
//   held-file.png        an editor on a file session-b holds: gutter icon, hover, warning banner
//   status-bar.png       the status bar item and its tooltip
//   claims-view.png      the Claims view: claims by session, releases, pinned notes
// The board is seeded through the CLI (scripts/vscode/demo.ts) and does not change while shooting.
// Options: --no-build, --out <dir>.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { openWorkbench, type Workbench } from './browser';
import { startDemo, type Demo } from './demo-server';
import { repoRoot } from './paths';
import { prepareOrExit } from './setup';

const { values: opts } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(repoRoot, 'docs', 'images') },
  },
});

function say(line: string): void {
  process.stdout.write(`[screenshots] ${line}\n`);
}

/** Opens a file of the workspace through Quick Open, as a person would. */
async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(name) }).waitFor();
}

function explorerRow(page: Page, name: string): Locator {
  return page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`);
}

async function expandFolder(page: Page, name: string): Promise<void> {
  const row = explorerRow(page, name);
  await row.waitFor();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

async function shoot(target: Page | Locator, file: string): Promise<void> {
  await target.screenshot({ path: file });
  say(`wrote ${path.relative(repoRoot, file)}`);
}

async function main(): Promise<void> {
  prepareOrExit('screenshots', !opts['no-build']);
  const out = path.resolve(opts.out);
  fs.mkdirSync(out, { recursive: true });
  let demo: Demo | undefined;
  let workbench: Workbench | undefined;
  try {
    demo = await startDemo();
    workbench = await openWorkbench({ url: demo.url, runDir: demo.runDir, viewport: { width: 1280, height: 800 } });
    const { page } = workbench;
    page.setDefaultTimeout(60_000);
    await page.locator('.explorer-folders-view').waitFor();
    const status = page.locator('.statusbar-item', { hasText: /claims? · \d+ mine/ });
    await status.waitFor();
    say(`status bar: ${(await status.innerText()).trim()}`);
    // A wider side bar, so claim paths in the Claims view are readable.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const x = sidebar.x + sidebar.width;
      await page.mouse.move(x, 400);
      await page.mouse.down();
      await page.mouse.move(x + 130, 400, { steps: 5 });
      await page.mouse.up();
    }

    // Folders with claims inside, then a file session-b holds: the warning on open, gutter marks.
    // (SQL, not TypeScript: the TypeScript service's "Loading..." hover would crowd the picture.)
    for (const folder of ['docs', 'src', 'api']) await expandFolder(page, folder);
    await quickOpen(page, 'src/db/schema.sql');
    const warning = page.locator('.notifications-toasts .notification-toast', { hasText: 'session-b' });
    await warning.waitFor();
    await page.mouse.move(640, 400);
    await page.waitForTimeout(500);
    await shoot(page, path.join(out, 'workbench.png'));
    await shoot(page.locator('.part.sidebar'), path.join(out, 'explorer-badges.png'));

    // The hover on the gutter mark (or on the held text) names the holder.
    const hover = page.locator('.monaco-hover:visible', { hasText: 'session-b' }).first();
    for (const target of ['.glyph-margin-widgets .cgmr', '.view-lines .view-line span > span']) {
      const el = page.locator(`.part.editor ${target}`).first();
      if ((await el.count()) === 0) continue;
      await el.hover();
      if (
        await hover.waitFor({ timeout: 2500 }).then(
          () => true,
          () => false,
        )
      )
        break;
      await page.mouse.move(640, 600);
    }
    if (!(await hover.isVisible())) say('no hover naming the holder appeared');
    // Other hover providers (TypeScript) answer after ours: let "Loading..." settle.
    await page
      .locator('.monaco-hover:visible', { hasText: 'Loading...' })
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => {});
    await page.waitForTimeout(300);
    await shoot(page.locator('.part.editor').locator('..').locator('..'), path.join(out, 'held-file.png'));

    // Status bar tooltip, once the workbench has finished activating extensions.
    await page.mouse.move(0, 0);
    await page
      .locator('.statusbar-item', { hasText: 'Activating Extensions' })
      .waitFor({ state: 'hidden', timeout: 30_000 })
      .catch(() => {});
    await status.hover();
    await page
      .locator('.monaco-hover:visible, .workbench-hover-container:visible')
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => say('no status bar tooltip appeared'));
    await page.waitForTimeout(300);
    const bar = await page.locator('.part.statusbar').boundingBox();
    if (bar) {
      const height = 260;
      await page.screenshot({ path: path.join(out, 'status-bar.png'), clip: { x: 0, y: bar.y + bar.height - height, width: 640, height } });
      say(`wrote ${path.relative(repoRoot, path.join(out, 'status-bar.png'))}`);
    }

    // The Claims view, expanded, with the file tree collapsed out of the way.
    await page.mouse.move(640, 400);
    await page.keyboard.press('Escape');
    const foldersHeader = page.locator('.pane-header[aria-label^="Explorer Section"]');
    if ((await foldersHeader.getAttribute('aria-expanded')) === 'true') await foldersHeader.click();
    const claimsHeader = page.locator('.pane-header[aria-label="Claims Section"]');
    await claimsHeader.waitFor();
    if ((await claimsHeader.getAttribute('aria-expanded')) !== 'true') await claimsHeader.click();
    const claimsPane = page.locator('.pane', { has: claimsHeader });
    await claimsPane.locator('.monaco-list-row').first().waitFor();
    // Expand every collapsed group so the view shows what is in it.
    for (let i = 0; i < 10; i++) {
      const collapsed = claimsPane.locator('.monaco-list-row[aria-expanded="false"]');
      if ((await collapsed.count()) === 0) break;
      await collapsed.first().click();
      await page.waitForTimeout(150);
    }
    // Focus elsewhere, so no row shows the focus outline.
    await page.locator('.part.editor .view-lines').first().click();
    await page.waitForTimeout(300);
    await shoot(page.locator('.part.sidebar'), path.join(out, 'claims-view.png'));
  } catch (e) {
    const failure = path.join(demo?.runDir ?? out, '..', 'claimboard-screenshots-failure.png');
    await workbench?.page.screenshot({ path: failure }).then(
      () => say(`what the page showed: ${failure}`),
      () => {},
    );
    throw e;
  } finally {
    await workbench?.close();
    await demo?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`screenshots: ${e.message}\n`);
    process.exit(1);
  },
);
