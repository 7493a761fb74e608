// Shared helpers of the extension's integration suites (bundled into each suite).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClaimboardExports } from '../../src/extension/extension';
import type { ClaimboardTestApi } from '../../src/extension/test-api';

export const extensionId = 'claimboard.claimboard';

export function env(name: string): string {
  const v = process.env[name];
  assert.ok(v, `${name} did not reach the extension host`);
  return v;
}

export const workspace = (): string => env('CLAIMBOARD_TEST_WORKSPACE');
export const board = (): string => env('CLAIMBOARD_BOARD');

/** The extension's test surface (the runner sets CLAIMBOARD_TEST_API=1 for the extension host). */
export async function api(): Promise<ClaimboardTestApi> {
  const exports = await publicApi();
  assert.ok(exports.testing, 'the extension exports no test surface: CLAIMBOARD_TEST_API=1 did not reach the extension host');
  return exports.testing;
}

/** What any other extension gets from activating claimboard. */
export async function publicApi(): Promise<ClaimboardExports> {
  const ext = vscode.extensions.getExtension<ClaimboardExports>(extensionId);
  assert.ok(ext, `${extensionId} is not loaded`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspace(), rel));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** When the process exited (performance.now()). */
  exitedAt: number;
}

/** Runs the built CLI on the test board as `session`. */
export function cli(session: string, ...args: string[]): Promise<CliResult> {
  return cliWith({}, session, ...args);
}

/** The same, with more environment (e.g. a session's own Mattermost set-up). */
export function cliWith(extraEnv: NodeJS.ProcessEnv, session: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [env('CLAIMBOARD_CLI'), '--board', board(), '--session', session, ...args], {
      cwd: workspace(),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, exitedAt: performance.now() }));
  });
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** As `waitFor`, for a probe that has to ask something asynchronous (the workbench's DOM). */
export async function waitForAsync<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function boardText(): string {
  try {
    return fs.readFileSync(board(), 'utf8');
  } catch {
    return '';
  }
}

/** Active-claim lines of the board (between `## Active claims` and the next section). */
export function activeLines(): string[] {
  const text = boardText();
  const m = /## Active claims\n([\s\S]*?)(?=\n## |$)/.exec(text);
  return (m?.[1] ?? '').split('\n').filter((l) => l.startsWith('- '));
}

/** Clears every claim on the board so each test starts from the same state. */
export async function clearBoard(sessions: string[]): Promise<void> {
  const a = await api();
  for (const s of [...sessions, a.sessionName]) await cli(s, 'release', '--all');
  a.refresh();
  assert.deepEqual(activeLines(), []);
}

export async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
