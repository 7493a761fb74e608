import * as path from 'node:path';
import type * as vscode from 'vscode';
import { literalPrefix, matchKey } from '../core/overlap';
import type { RepoRoot } from '../core/path-key';
import { must } from '../core/errors';

/** Keys kept for this many paths at most (a few MB). */
const MAX_CACHED_KEYS = 200_000;

/** The core's key function: `fileKeyAndRepo` from src/core/path-key, injected for tests. */
export type FileKeyFunction = (fsPath: string) => { key: string; repo?: RepoRoot };

/**
 * Path keys (`<repo>/<path in repo>`) for the files VS Code asks about, computed by the core's
 * own function (symlinks and worktrees resolved as the CLI and hooks do), cached per path: the
 * explorer asks for every visible file on each board change, and 20,000 files must stay cheap.
 */
export class PathKeys {
  /** Keys already worked out, by file-system path: badges are asked again after every board change. */
  private readonly keyByPath = new Map<string, string>();
  /** Repositories met so far, by their name as keys compare it, to open a claimed file. */
  private readonly rootByName = new Map<string, string>();

  constructor(private readonly fileKey: FileKeyFunction) {}

  /** The board key of a file: `repo/src/a.ts`, or its absolute path outside any repository. */
  keyFor(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    return this.keyForPath(uri.fsPath);
  }

  keyForPath(fsPath: string): string {
    const known = this.keyByPath.get(fsPath);
    if (known !== undefined) return known;
    const { key, repo } = this.fileKey(path.resolve(fsPath));
    if (repo) this.rootByName.set(matchKey(repo.name), repo.worktree);
    // Bounded: a huge tree browsed for hours must not grow this without limit.
    if (this.keyByPath.size >= MAX_CACHED_KEYS) this.keyByPath.clear();
    this.keyByPath.set(fsPath, key);
    return key;
  }

  /** Where a key points on this machine, when its repo is one we have seen. */
  pathForKey(key: string): string | undefined {
    const literal = literalPrefix(key);
    if (path.isAbsolute(literal)) return literal;
    const [name, ...rest] = literal.split('/');
    const root = this.rootByName.get(matchKey(must(name, 'key repo name')));
    return root ? path.join(root, ...rest) : undefined;
  }

  /**
   * How a key reads in a single-folder workspace: `src/a.ts` for `repo/src/a.ts`, since every
   * key there starts with the same repository (tooltips keep the whole key). Unchanged otherwise.
   */
  shortLabel(key: string, folders: readonly string[]): string {
    const [only] = folders;
    if (folders.length !== 1 || only === undefined) return key;
    const root = this.keyForPath(only);
    return key.startsWith(`${root}/`) && key.length > root.length + 1 ? key.slice(root.length + 1) : key;
  }

  /** Forget cached keys (a folder was added, a repo initialised). */
  clear(): void {
    this.keyByPath.clear();
  }
}
