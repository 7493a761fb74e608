import * as vscode from 'vscode';
import type { BoardModel } from './board-model';

/**
 * Lines of the board that could not be understood, as diagnostics on the board file: they show
 * in the Problems panel and on the lines themselves when the board is open, where they are fixed.
 */
export class BoardProblemsController implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('claimboard');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly model: BoardModel) {
    this.subscriptions.push(
      this.diagnostics,
      model.onDidChange(() => this.update()),
    );
    this.update();
  }

  /** The diagnostics now on the board file (tests read them). */
  current(): readonly vscode.Diagnostic[] {
    return this.diagnostics.get(vscode.Uri.file(this.model.boardPath)) ?? [];
  }

  private update(): void {
    this.diagnostics.clear();
    const problems = this.model.view.problems;
    if (problems.length === 0) return;
    this.diagnostics.set(
      vscode.Uri.file(this.model.boardPath),
      problems.map((p) => {
        const line = Math.max(0, p.line - 1);
        const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message, vscode.DiagnosticSeverity.Warning);
        d.source = 'claimboard';
        return d;
      }),
    );
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
