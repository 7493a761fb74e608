import type * as vscode from 'vscode';
import type { ClaimboardApi } from './api';
import { Container } from './container';
import { TEST_API_ENV, type ClaimboardTestApi } from './test-api';

export type { ClaimboardApi } from './api';

/** The exports: the public API, plus the test surface when the test runner asked for it. */
export type ClaimboardExports = ClaimboardApi & { testing?: ClaimboardTestApi };

/** Wiring only: the container builds and owns everything. */
export function activate(context: vscode.ExtensionContext): ClaimboardExports {
  const started = performance.now();
  const container = new Container(context);
  context.subscriptions.push(container);
  container.testApi.activationMs = performance.now() - started;
  return process.env[TEST_API_ENV] === '1' ? { ...container.api, testing: container.testApi } : container.api;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; claims are left to expire normally.
}
