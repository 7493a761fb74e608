import type * as vscode from 'vscode';
import type { ClaimboardApi } from './api';
import { Container } from './container';

export type { ClaimboardApi } from './api';

/** Wiring only: the container builds and owns everything. */
export function activate(context: vscode.ExtensionContext): ClaimboardApi {
  const started = performance.now();
  const container = new Container(context);
  context.subscriptions.push(container);
  container.api.activationMs = performance.now() - started;
  return container.api;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; claims are left to expire normally.
}
