// Placeholder until the VS Code issue lands: the bundle must exist for the manifest's `main`.
export function activate(): void {}
export function deactivate(): void {}
