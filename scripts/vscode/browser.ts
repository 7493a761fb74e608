// Headless Chromium (Debian's) driven by playwright-core: opens the workbench, forwards what
// the extension host prints (`codeAutomationLog`) and reports the test exit code
// (`codeAutomationExit`), the hooks VS Code's web test runner calls.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runEnv } from './code-server';
import { chromiumPath } from './paths';

export interface Workbench {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  url: string;
  runDir: string;
  viewport?: { width: number; height: number };
  /** Everything the extension host logs (test output). */
  onLog?: (text: string) => void;
  /** The exit code of the test run. */
  onExit?: (code: number) => void;
}

export async function openWorkbench(opts: WorkbenchOptions): Promise<Workbench> {
  const profile = path.join(opts.runDir, 'chromium');
  fs.mkdirSync(profile, { recursive: true });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: runEnv(opts.runDir) as Record<string, string>,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    if (opts.onLog) {
      const onLog = opts.onLog;
      await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        onLog(util.format(...(Array.isArray(args) ? args : [args])));
      });
    }
    if (opts.onExit) {
      const onExit = opts.onExit;
      await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
    }
    await page.goto(opts.url);
    return { browser, page, close: () => browser.close().catch(() => {}) };
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
}
