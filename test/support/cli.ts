/**
 * Runs the built `claimboard` (dist/cli.js) as a real process, the way hooks, git and people
 * run it. Builds when the bundle is missing or older than a source, so `mocha` on its own never
 * runs a stale dist/ (`npm run test:unit` builds first anyway).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

let checked = false;

export function ensureBuilt(): void {
  if (checked) return;
  checked = true;
  if (!stale()) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not build dist/cli.js (npm run build)');
}

/** A built file missing, or any input of the build (sources, build script, manifest) newer. */
function stale(): boolean {
  const outputs = ['cli.js', 'cli-bundle.js', 'undici.js', 'extension.js', 'mcp.js', 'store-pg.js'].map((f) => path.join(ROOT, 'dist', f));
  if (!outputs.every((f) => fs.existsSync(f))) return true;
  const built = Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs));
  const newer = (p: string): boolean => {
    const st = fs.statSync(p);
    if (!st.isDirectory()) return st.mtimeMs > built;
    return fs.readdirSync(p).some((e) => newer(path.join(p, e)));
  };
  return ['src', 'scripts/build', 'esbuild.mjs', 'package.json'].some((p) => newer(path.join(ROOT, p)));
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Another built launcher to run (a copy of dist/ the test changes), instead of dist/cli.js. */
  cli?: string;
}

/** Environment with no claimboard settings leaking in from the developer's shell. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAIMBOARD_') && !k.startsWith('CLAUDE')) env[k] = v;
  return { ...env, ...extra };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], { cwd: opts.cwd, env: opts.env ?? cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function tempDir(prefix = 'claimboard-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Puts a `claimboard` that runs the built CLI into `<dir>/bin` and returns a PATH with it first,
 * so tests run commands as a person or Claude pastes them.
 */
export function pathWithClaimboard(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'claimboard'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`, { mode: 0o755 });
  return `${bin}${path.delimiter}${process.env.PATH}`;
}
