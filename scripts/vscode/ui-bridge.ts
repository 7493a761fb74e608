// The test suites run inside the extension host, the workbench's DOM lives in Chromium: this
// small loopback server lets a suite look at what the person sees (texts under a selector),
// act as the person does (keys, clicks, hovers) and take screenshots mid-run, which cannot be
// taken after `codeAutomationExit` (the extension host has stopped by then).
// test/vscode/ui.ts is its client; CLAIMBOARD_UI_BRIDGE carries the URL to the extension host.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

export interface UiBridge {
  url: string;
  /** Set once the workbench page exists: requests before that wait for it. */
  attach(page: Page): void;
  close(): Promise<void>;
}

interface UiRequest {
  action: 'texts' | 'count' | 'press' | 'type' | 'click' | 'rightClick' | 'hover' | 'shot';
  selector?: string;
  key?: string;
  text?: string;
  name?: string;
}

/** A selector's texts are read within this long; past it the answer is an empty list. */
const FIND_TIMEOUT_MS = 5000;

export async function startUiBridge(shotsDir: string): Promise<UiBridge> {
  let attach: (page: Page) => void = () => {};
  const pageReady = new Promise<Page>((resolve) => (attach = resolve));
  fs.rmSync(shotsDir, { recursive: true, force: true });
  fs.mkdirSync(shotsDir, { recursive: true });

  const act = async (req: UiRequest): Promise<unknown> => {
    const page = await pageReady;
    switch (req.action) {
      case 'texts': {
        const all = page.locator(req.selector ?? 'body');
        await all
          .first()
          .waitFor({ state: 'attached', timeout: FIND_TIMEOUT_MS })
          .catch(() => {});
        return all.evaluateAll((els) => els.map((e) => (e as { innerText?: string }).innerText ?? e.textContent ?? ''));
      }
      case 'count':
        // Now, without waiting for one to appear: whether something is (still) on screen.
        return page.locator(req.selector ?? 'body').count();
      case 'press':
        await page.keyboard.press(req.key ?? 'Escape');
        return true;
      case 'type':
        await page.keyboard.type(req.text ?? '');
        return true;
      case 'click':
        await page
          .locator(req.selector ?? 'body')
          .first()
          .click({ timeout: FIND_TIMEOUT_MS });
        return true;
      case 'rightClick':
        await page
          .locator(req.selector ?? 'body')
          .first()
          .click({ button: 'right', timeout: FIND_TIMEOUT_MS });
        return true;
      case 'hover':
        await page
          .locator(req.selector ?? 'body')
          .first()
          .hover({ timeout: FIND_TIMEOUT_MS });
        return true;
      case 'shot': {
        const file = path.join(shotsDir, `${(req.name ?? 'shot').replace(/[^\w.-]+/g, '-')}.png`);
        await page.screenshot({ path: file });
        return file;
      }
    }
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      Promise.resolve()
        .then(() => act(JSON.parse(body) as UiRequest))
        .then(
          (value) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ value }));
          },
          (err: Error) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: err.message }));
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attach: (page) => attach(page),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
