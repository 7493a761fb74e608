import * as path from 'node:path';
import type * as vscode from 'vscode';

/** Keys kept for this many paths at most (a few MB). */
const MAX_CACHED_KEYS = 200_000;

/** Where a folder sits: the repo root it belongs to and that repo's name on the board. */
export interface RepoOf {
  root: string;
  name: string;
}

/**
 * Path keys (`<repo>/<path in repo>`) for the files VS Code asks about. Resolving the repo
 * touches the file system, so the answer is cached per folder: the explorer asks for every
 * visible file on each board change, and 20,000 files must stay cheap.
 */
export class PathKeys {
  private readonly repoByDir = new Map<string, RepoOf | null>();
  /** Keys already worked out, by file-system path: badges are asked again after every board change. */
  private readonly keyByPath = new Map<string, string>();

  constructor(private readonly resolveRepo: (dir: string) => RepoOf | undefined) {}

  /** The board key of a file: `repo/src/a.ts`, or its absolute path outside any repository. */
  keyFor(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    return this.keyForPath(uri.fsPath);
  }

  keyForPath(fsPath: string): string {
    const known = this.keyByPath.get(fsPath);
    if (known !== undefined) return known;
    const key = this.computeKey(fsPath);
    // Bounded: a huge tree browsed for hours must not grow this without limit.
    if (this.keyByPath.size >= MAX_CACHED_KEYS) this.keyByPath.clear();
    this.keyByPath.set(fsPath, key);
    return key;
  }

  private computeKey(fsPath: string): string {
    const abs = path.resolve(fsPath);
    const repo = this.repoFor(path.dirname(abs)) ?? this.repoFor(abs);
    if (!repo) return abs;
    if (abs === repo.root) return repo.name;
    return `${repo.name}/${path.relative(repo.root, abs).split(path.sep).join('/')}`;
  }

  /** Where a key points on this machine, when its repo is one we have seen. */
  pathForKey(key: string): string | undefined {
    const literal = literalPrefix(key);
    if (path.isAbsolute(literal)) return literal;
    const [name, ...rest] = literal.split('/');
    for (const repo of this.repoByDir.values()) {
      if (repo && repo.name === name) return path.join(repo.root, ...rest);
    }
    return undefined;
  }

  private repoFor(dir: string): RepoOf | undefined {
    const cached = this.repoByDir.get(dir);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.resolveRepo(dir) ?? null;
    this.repoByDir.set(dir, found);
    return found ?? undefined;
  }

  /** Forget cached repos (a folder was added, a repo initialised). */
  clear(): void {
    this.repoByDir.clear();
    this.keyByPath.clear();
  }
}

const GLOB_CHARS = /[*?[\]{}()!]/;

/** Literal folder part of a claim before its first glob character: `repo/src/**` → `repo/src`. */
export function literalPrefix(pattern: string): string {
  const out: string[] = [];
  for (const part of pattern.split('/')) {
    if (GLOB_CHARS.test(part)) break;
    out.push(part);
  }
  return out.join('/');
}
