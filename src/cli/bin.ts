/**
 * The `claimboard` executable (dist/cli.js): runs the CLI bundle (dist/cli-bundle.js) through a
 * V8 code cache. Claude Code starts a fresh process for every hook call, and what such a process
 * costs above `node -e 0` was mostly V8 compiling the bundle; with the cache, V8 reads back the
 * functions the same command compiled last time instead. The cache only ever saves time: when it
 * cannot be read, does not match, or cannot be written, the bundle is compiled as without it.
 * The shared store's client (dist/store-pg.js, required by the bundle only by a write or a read
 * the store holder did not answer) goes through a cache of its own the same way.
 *
 * Kept to Node built-ins and a few lines: this file is compiled on every call, cache or not.
 * Why not `module.enableCompileCache()`: Node 20 (the floor) does not have it, and where it
 * exists it caches what was compiled while loading, not the functions a command ran
 * (docs/benchmarks.md has the numbers).
 */
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Script } from 'node:vm';

/** The bundle's build id (a hash of its text), written in by esbuild.mjs. */
declare const CLI_BUILD_ID: string;

type CommonJsBody = (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;

const bundleFile = path.join(__dirname, 'cli-bundle.js');
const storeFile = path.join(__dirname, 'store-pg.js');
const source = readText(bundleFile);
const env = process.env;
if (process.sourceMapsEnabled) runForDebugging();
const cacheOn = !process.sourceMapsEnabled && !(env.CLAIMBOARD_COMPILE_CACHE === '0' || env.NODE_DISABLE_COMPILE_CACHE);
const cacheDirs = cacheOn ? cacheFolders() : [];
const command = commandKey(process.argv.slice(2));
if (!process.sourceMapsEnabled) {
  // A launcher from one build over a bundle from another (a build in progress): no cache.
  const name = cacheOn && source.startsWith(`/*claimboard-build:${CLI_BUILD_ID}*/`) ? `cli-${CLI_BUILD_ID}-${process.version}-${process.arch}-${command}.cache` : undefined;
  (runCached(bundleFile, source, name) as CommonJsBody)(module.exports, bundleRequire(), module, bundleFile, __dirname);
}

/** The build keeps the bundles ASCII (esbuild.mjs): read as one-byte text, not decoded as UTF-8. */
function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * Compiles `text` with the code cache `name` when there is one, and writes it at exit when there
 * was none (or V8 rejected it): by then it holds every function this command ran, not only the
 * top level. Returns what the script evaluates to.
 */
function runCached(file: string, text: string, name: string | undefined): unknown {
  let cached: Buffer | undefined;
  for (const dir of name ? cacheDirs : []) {
    try {
      cached = fs.readFileSync(path.join(dir, name as string));
      break;
    } catch {
      // Not there (or unreadable): the next folder, else compile and write one at exit.
    }
  }
  const script = new Script(text, { filename: file, cachedData: cached });
  if (name && (cached === undefined || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (code === 0 || code === 3) writeCache(cacheDirs, name, script);
    });
  }
  return script.runInThisContext();
}

/**
 * The bundle's `require`, except for dist/store-pg.js (the shared store's client, 220 KB, loaded
 * by every call over a shared store): that one goes through a code cache of its own too.
 */
function bundleRequire(): NodeJS.Require {
  if (!cacheOn) return require;
  let store: { exports: unknown } | undefined;
  const loadStore = (): unknown => {
    if (store) return store.exports;
    let text: string;
    try {
      text = readText(storeFile);
    } catch {
      return require(storeFile); // Node's own error for a missing file
    }
    // Named by the build id on its first line (a hash of its text, esbuild.mjs): the store's
    // bundle can be rebuilt without the CLI's. A store without one runs uncached.
    const id = /^\/\*claimboard-store:([0-9a-f]{16})\*\//.exec(text)?.[1];
    const body = runCached(
      storeFile,
      `(function (exports, require, module, __filename, __dirname) {${text}\n})`,
      id && `cli-${CLI_BUILD_ID}-${process.version}-${process.arch}-${command}-store-${id}.cache`,
    ) as CommonJsBody;
    store = { exports: {} };
    body(store.exports, (require('node:module') as typeof import('node:module')).createRequire(storeFile), store, storeFile, __dirname);
    return store.exports;
  };
  return Object.assign((id: string): unknown => (id === storeFile ? loadStore() : require(id)), require);
}

/**
 * `node --enable-source-maps`: Node maps stack traces only for code its module loader compiled,
 * so the bundle goes through it, uncached, and stacks name the TypeScript sources. The call is
 * appended after the source map comment: the positions the map describes stay as they are.
 */
function runForDebugging(): void {
  (module as unknown as { _compile(content: string, filename: string): void })._compile(`${source}\n(exports, require, module, __filename, __dirname);`, bundleFile);
}

/**
 * Beside the installed package first (node_modules/.cache, where tools keep their caches: it
 * goes with the install and is never packed), else the user's cache folder (a global install
 * the user cannot write to). Never a shared temporary folder: a code cache is code.
 */
function cacheFolders(): string[] {
  const dirs = [path.join(__dirname, '..', 'node_modules', '.cache', 'claimboard')];
  const base = env.XDG_CACHE_HOME || (env.HOME ? path.join(env.HOME, '.cache') : undefined);
  if (base && path.isAbsolute(base)) dirs.push(path.join(base, 'claimboard'));
  return dirs;
}

/** `hook-pre-tool-use`, `check`, `guard`: the calls made on every edit or commit; `cli` for the rest. */
function commandKey(argv: string[]): string {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words[0] === 'hook' && /^[a-z]{1,12}(-[a-z]{1,12}){0,3}$/.test(words[1] ?? '')) return `hook-${words[1]}`;
  if (words[0] === 'check' || words[0] === 'guard') return words[0];
  return 'cli';
}

/**
 * Written beside, then renamed over: processes that start together each write a whole file and
 * the last rename wins, and a reader sees an old whole file or a new whole one. Any failure (a
 * read-only install and home, a full disk) leaves the run as it was.
 */
function writeCache(dirs: string[], name: string, compiled: Script): void {
  let data: Buffer;
  try {
    data = compiled.createCachedData();
  } catch {
    return;
  }
  for (const dir of dirs) {
    const file = path.join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(tmp, data, { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* nothing more to do */
      }
      continue;
    }
    try {
      forgetOldBuilds(dir);
    } catch {
      /* a later write tries again */
    }
    return;
  }
}

/** Caches of other builds (and stores' caches), untouched for a week, and leftovers of interrupted writes go. */
function forgetOldBuilds(dir: string): void {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const tmp = name.endsWith('.tmp');
    // A store's cache is named by its own text too: one of this build may be of an older store.
    const current = name.startsWith(`cli-${CLI_BUILD_ID}-`) && !tmp && !name.includes('-store-');
    if (!name.startsWith('cli-') || current) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs < now - (tmp ? 3_600_000 : 7 * 24 * 3_600_000)) fs.rmSync(file, { force: true });
    } catch {
      /* another process removed it first */
    }
  }
}
