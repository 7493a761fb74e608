/**
 * What a tool call would write, as board path keys, and the deny reason Claude reads when one
 * of them is held by someone else. Kept apart from the runner so the decision can be tested
 * without a board on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { picomatch } from '../core/glob';
import type { Claim } from '../core/model';
import type { Conflict } from '../core/claim-service';
import { claimMeets } from '../core/overlap';
import { pathKeyForFile } from '../core/path-key';
import { heldReason } from '../core/held-reason';
import { must } from '../core/errors';
import { analyzeBashWrites } from './bash-writes';
import { editedFile } from './hook-input';

export interface WriteTarget {
  /** Board key (`repo/src/a.ts`, `repo/build/**`, `infra:homelab-prod`, `/etc/hosts`). */
  key: string;
  /** Shown to Claude: the file as it named it, or the command form that writes it. */
  shown: string;
  /** `Edit`, `Write`, `sed -i`, `>`, `git add -A`, … */
  how: string;
  /** May be claimed for the session when free (plain files from edit tools, inside a repository). */
  autoClaim: boolean;
  /** The file on this machine, when the target is one: hints name it so they read back as `key` from any folder. */
  abs?: string;
  /** A file an edit tool writes: only claims covering it stand in its way (nothing lies below a file). */
  file?: boolean;
}

export const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

/** Keys for a tool call; an empty list means the call writes nothing the board guards. */
export async function writeTargets(toolName: string, toolInput: unknown, cwd: string, env: Record<string, string | undefined>): Promise<WriteTarget[]> {
  if (EDIT_TOOLS.has(toolName)) {
    const file = editedFile(toolName, toolInput);
    if (!file) return [];
    const abs = path.resolve(cwd, file);
    const key = pathKeyForFile(abs);
    return [{ key, shown: file, how: toolName, autoClaim: !key.startsWith('/'), abs, file: true }];
  }
  if (toolName !== 'Bash') return [];
  const command = (toolInput as { command?: unknown }).command;
  if (typeof command !== 'string') return [];
  const analysis = analyzeBashWrites(command, {
    cwd,
    env: { HOME: env.HOME, CLAUDE_PROJECT_DIR: env.CLAUDE_PROJECT_DIR, TF_WORKSPACE: env.TF_WORKSPACE },
    isDirectory: (p) => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    exists: (p) => fs.existsSync(p),
  });
  const out: WriteTarget[] = [];
  for (const f of analysis.files) {
    let key: string;
    if (f.glob) {
      const scan = picomatch().scan(f.path);
      key = `${pathKeyForFile(scan.base || '/')}/${scan.glob}`;
    } else key = pathKeyForFile(f.path);
    out.push({ key, shown: f.path, how: f.how, autoClaim: false, abs: f.glob ? undefined : f.path });
    // A glob too: `rm -r src/*` and `find . -name build -exec rm -r {} +` reach everything under what they match.
    if (f.recursive) out.push({ key: `${key}/**`, shown: f.path, how: f.how, autoClaim: false });
  }
  for (const r of analysis.repoWide) {
    for (const file of await changedFiles(r.dir)) out.push({ key: pathKeyForFile(file), shown: file, how: r.how, autoClaim: false, abs: file });
  }
  for (const i of analysis.infra) {
    for (const name of i.names) out.push({ key: `infra:${name}`, shown: `infra:${name}`, how: i.how, autoClaim: false });
  }
  return out;
}

/** Files `git add -A` / `git commit -a` / `git reset --hard` would touch: every change git reports. */
async function changedFiles(dir: string): Promise<string[]> {
  // Loaded here, not at the top: most tool calls never run git and the hook's start-up is its budget.
  const { spawnSync } = await import('node:child_process');
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' });
  if (top.status !== 0) return [];
  const root = top.stdout.trim();
  const st = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (st.status !== 0) return [];
  const files: string[] = [];
  const parts = st.stdout.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const entry = must(parts[i], 'git status entry');
    if (entry.length < 4) continue;
    files.push(path.join(root, entry.slice(3)));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // the rename's source follows
  }
  return files;
}

/** Live claims of other sessions that a target runs into (the core's overlap rule, as every adapter). */
export function conflictsFor(targets: readonly WriteTarget[], claims: readonly Claim[], session: string | undefined): { target: WriteTarget; holder: Claim }[] {
  const out: { target: WriteTarget; holder: Claim }[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    for (const c of claims) {
      if (c.session === session) continue;
      // claimsOverlap rejects a claim sharing no literal head with the target before any glob work.
      if (!claimMeets(c.path, t.key, t.file === true)) continue;
      const id = `${c.line}\u0000${t.shown}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ target: t, holder: c });
    }
  }
  return out;
}

/** The reason Claude reads on a deny: the core's words for a held path, with the command that writes it. */
export function denyReason(hits: readonly { target: WriteTarget; holder: Claim }[], session: string | undefined, now: Date): string {
  return heldReason(
    hits.map(({ target, holder }) => ({ key: target.key, abs: target.abs, shown: target.shown, via: EDIT_TOOLS.has(target.how) ? undefined : target.how, holder })),
    session,
    now,
  );
}

/** A path as one shell word, so a suggested command runs exactly as printed (the core's, for the deny reason). */

export type { Conflict };
