// One build script, two products that share the same core (see DESIGN in shared/): the CLI
// (dist/cli.js, a small launcher, and dist/cli-bundle.js) and the VS Code extension
// (dist/extension.js).
//
//   node esbuild.mjs               dev build: minified as it ships, with linked source maps
//   node esbuild.mjs --production  what is packed: both minified, no source maps
//   node esbuild.mjs --watch       dev build, rebuilt on every change (`npm run watch`)
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const escapeRegExp = (t) => t.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

/** @type {import('esbuild').BuildOptions} */
const common = {
  define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  write: false,
};

// The CLI bundle is run by dist/cli.js through a V8 code cache (src/cli/bin.ts): it is one
// function expression of CommonJS's arguments, and its first line names its build. The id is
// a hash of the text, written over a placeholder of the same length so the source map holds.
const ID_PLACEHOLDER = '0'.repeat(16);
const BUNDLE_HEAD = (id) => `/*claimboard-build:${id}*/(function (exports, require, module, __filename, __dirname) {`;

/**
 * `await import('node:x')` of a Node built-in becomes a plain `require` inside the bundle: a
 * script run through `vm` (the launcher) has no loader for `import()`, and Node's default one
 * for `vm` is experimental on Node 20 (it warns on stderr, which a hook must keep clean).
 * @type {import('esbuild').Plugin}
 */
const builtinImportAsRequire = {
  name: 'builtin-import-as-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
};

/**
 * `import * as fs from 'node:fs'` becomes, in a bundle, a copy of the whole module object per
 * importing file (esbuild's `__toESM` redefines every property as a getter): 52 copies of fs,
 * path and os in the CLI, about 2 ms of every hook call. The code only reads members of these
 * namespaces, so in the bundles they are the modules themselves. Only these three: Node has
 * them loaded before any code runs, so a namespace used for types alone costs nothing.
 * Sources and tests keep the standard import.
 * @type {import('esbuild').Plugin}
 */
const builtinNamespaceAsModule = {
  name: 'builtin-namespace-as-module',
  setup(b) {
    b.onLoad({ filter: new RegExp(`^${escapeRegExp(path.join(HERE, 'src', path.sep))}.*\\.ts$`) }, async (a) => ({
      contents: (await fs.promises.readFile(a.path, 'utf8')).replace(/^import \* as (\w+) from '(node:(?:fs|path|os))';$/gm, "const $1 = require('$2');"),
      loader: 'ts',
    }));
  },
};

/**
 * `undici` is what scripts/build/undici.cjs takes of it (an Agent and `request`): bundled into
 * the extension, and for the CLI a file of its own (dist/undici.js) required only by the process
 * that posts to Mattermost, so no other call parses it and the package needs no undici at run time.
 * The SIMD build of undici's HTTP parser goes: undici falls back to the plain one when it is
 * missing, and a few Mattermost calls never notice the difference.
 * @param {'bundle' | 'external'} how
 * @returns {import('esbuild').Plugin}
 */
// Beside this script, not the working folder: `npm run package` builds from a staging folder.
const UNDICI_ENTRY = fileURLToPath(new URL('./scripts/build/undici.cjs', import.meta.url));
const slimUndici = (how) => ({
  name: 'slim-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (a) => (how === 'external' && a.importer.includes(`${path.sep}src${path.sep}`) ? { path: './undici.js', external: true } : { path: UNDICI_ENTRY }));
    b.onResolve({ filter: /llhttp_simd-wasm\.js$/ }, () => ({ path: 'llhttp-simd', namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({ contents: 'throw new Error("not bundled")', loader: 'js' }));
  },
});

/** @type {import('esbuild').BuildOptions} */
const undiciForCli = {
  ...common,
  entryPoints: { undici: UNDICI_ENTRY },
  outdir: 'dist',
  minify: true,
  sourcemap: false,
  plugins: [slimUndici('bundle')],
};

/**
 * The CLI's `import('../../mcp/server')` becomes a `require` of dist/mcp.js beside it: the MCP
 * server (SDK, zod) is a bundle of its own that only `claimboard mcp` loads.
 * @type {import('esbuild').Plugin}
 */
const mcpApart = {
  name: 'mcp-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]mcp[\\/]server$/ }, () => ({ path: 'mcp', namespace: 'mcp-apart' }));
    b.onLoad({ filter: /.*/, namespace: 'mcp-apart' }, () => ({ contents: 'module.exports = require(require("node:path").join(__dirname, "mcp.js"));', loader: 'js' }));
  },
};

/**
 * The same for the shared store: `import('../store-pg')` becomes a `require` of dist/store-pg.js,
 * which holds the PostgreSQL client (pg); a CLI on the board file never parses it.
 * @type {import('esbuild').Plugin}
 */
const storePgApart = {
  name: 'store-pg-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]store-pg$/ }, (a) => (a.importer.includes(`${path.sep}src${path.sep}`) ? { path: 'store-pg', namespace: 'store-pg-apart' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'store-pg-apart' }, () => ({ contents: 'module.exports = require(require("node:path").join(__dirname, "store-pg.js"));', loader: 'js' }));
  },
};

/**
 * pg's optional native binding and its Cloudflare socket are never used here: each becomes a
 * module that throws if required, so the bundle needs neither package. pg's lib/stream.js asks
 * whether it runs in a Cloudflare Worker by building a `Response` where Node has no `navigator`
 * (Node 20): that loads Node's whole fetch (undici), about 75 ms of every shared-store process;
 * here it is always Node, so the socket is Node's.
 * @type {import('esbuild').Plugin}
 */
const PG_CRYPTO = fileURLToPath(new URL('./src/store-pg/pg-crypto.ts', import.meta.url));
const pgOptionalsAbsent = {
  name: 'pg-optionals-absent',
  setup(b) {
    b.onResolve({ filter: /^(pg-native|pg-cloudflare)$/ }, (a) => ({ path: a.path, namespace: 'pg-absent' }));
    b.onLoad({ filter: /.*/, namespace: 'pg-absent' }, () => ({ contents: 'throw new Error("not bundled")', loader: 'js' }));
    // Node's crypto, loaded on first use, and SCRAM's key derivation remembered: src/store-pg/pg-crypto.ts.
    b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]crypto[\\/]utils\.js$/ }, () => ({
      contents: `module.exports = require(${JSON.stringify(PG_CRYPTO)});`,
      loader: 'js',
      resolveDir: path.dirname(PG_CRYPTO),
    }));
    b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, () => ({
      contents: 'module.exports = { getStream: () => new (require("net").Socket)(), getSecureStream: (options) => require("tls").connect(options) };',
      loader: 'js',
    }));
  },
};

/**
 * The shared store's bundle names its build on its first line, as the CLI bundle does: the
 * launcher names the store's code cache by it (hashing 220 KB on every call would load
 * node:crypto, more than the cache saves).
 */
const STORE_HEAD = (id) => `/*claimboard-store:${id}*/`;

/** @type {import('esbuild').BuildOptions} */
const storePgBundle = {
  ...common,
  entryPoints: { 'store-pg': 'src/store-pg/index.ts' },
  outdir: 'dist',
  minify: true,
  banner: { js: STORE_HEAD(ID_PLACEHOLDER) },
  plugins: [builtinNamespaceAsModule, pgOptionalsAbsent],
};

/** The store's bundle with its id (a hash of its text) over the placeholder of the same length. */
function writeStorePg(result) {
  writeOutputs(
    result.outputFiles.map((f) => {
      if (!f.path.endsWith('.js')) return f;
      const id = crypto.createHash('sha256').update(f.text).digest('hex').slice(0, ID_PLACEHOLDER.length);
      return { path: f.path, contents: Buffer.from(f.text.replace(STORE_HEAD(ID_PLACEHOLDER), STORE_HEAD(id))) };
    }),
  );
}

/** @type {import('esbuild').BuildOptions} */
const mcpBundle = {
  ...common,
  entryPoints: { mcp: 'src/mcp/server.ts' },
  outdir: 'dist',
  minify: true,
  plugins: [builtinNamespaceAsModule, slimUndici('external'), storePgApart],
};

/** @type {import('esbuild').BuildOptions} */
const cliBundle = {
  ...common,
  entryPoints: { 'cli-bundle': 'src/cli/main.ts' },
  outdir: 'dist',
  minify: true,
  banner: { js: BUNDLE_HEAD(ID_PLACEHOLDER) },
  footer: { js: '})' },
  plugins: [builtinNamespaceAsModule, builtinImportAsRequire, slimUndici('external'), mcpApart, storePgApart],
};

/** @param {string} id @returns {import('esbuild').BuildOptions} */
const cliLauncher = (id) => ({
  ...common,
  entryPoints: { cli: 'src/cli/bin.ts' },
  outdir: 'dist',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [builtinNamespaceAsModule],
  define: { ...common.define, CLI_BUILD_ID: JSON.stringify(id) },
  minify: true,
  sourcemap: false,
});

/** @type {import('esbuild').BuildOptions} */
const extension = {
  ...common,
  entryPoints: { extension: 'src/extension/extension.ts' },
  outdir: 'dist',
  external: ['vscode'],
  // Minified in the dev build too, so what is measured and debugged is what ships; the linked
  // source map (sourcesContent included) gives breakpoints and stacks in the TypeScript.
  minify: true,
  // The shared store's client is bundled in: it is evaluated only when a shared store is set.
  plugins: [builtinNamespaceAsModule, slimUndici('bundle'), pgOptionalsAbsent],
};

/**
 * Each file is written beside and renamed over, so a test or a hook running while a build (or
 * `npm run watch`) writes never reads half a bundle.
 * @param {import('esbuild').OutputFile[]} files
 */
function writeOutputs(files, mode = 0o644) {
  for (const f of files) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, f.contents, { mode });
    fs.renameSync(tmp, f.path);
  }
}

/** The launcher is written last: a new launcher never meets the bundle of the build before. */
async function writeCli(result) {
  const bundle = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const text = bundle.text;
  if (/\bimport\(/.test(text)) throw new Error('dist/cli-bundle.js: an import() the launcher cannot run (see builtinImportAsRequire)');
  // The launcher reads an ASCII bundle as one-byte text, 4x faster than decoding UTF-8 (and V8
  // scans it faster): esbuild escapes strings, not regular expression literals (write \u2014).
  const wide = text.search(/[^\x00-\x7f]/);
  if (wide >= 0) throw new Error(`dist/cli-bundle.js: a character outside ASCII near ${JSON.stringify(text.slice(Math.max(0, wide - 40), wide + 10))}: escape it in the source`);
  const id = crypto.createHash('sha256').update(text).digest('hex').slice(0, ID_PLACEHOLDER.length);
  const stamped = text.replace(BUNDLE_HEAD(ID_PLACEHOLDER), BUNDLE_HEAD(id));
  writeOutputs(result.outputFiles.map((f) => (f === bundle ? { path: f.path, contents: Buffer.from(stamped) } : f)));
  const launcher = await esbuild.build(cliLauncher(id));
  writeOutputs(launcher.outputFiles, 0o755);
}

/** esbuild's watch mode with `write: false`: every rebuild goes through the same writers. */
const onEnd = (write) => ({
  name: 'write',
  setup: (b) =>
    b.onEnd(async (r) => {
      if (r.errors.length === 0) await write(r);
    }),
});

if (watch) {
  for (const [options, write] of [
    [cliBundle, writeCli],
    [extension, (r) => writeOutputs(r.outputFiles)],
    [undiciForCli, (r) => writeOutputs(r.outputFiles)],
    [mcpBundle, (r) => writeOutputs(r.outputFiles)],
    [storePgBundle, writeStorePg],
  ]) {
    const ctx = await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), onEnd(write)] });
    // The first build is written before "watching" is printed: the editor's launch waits for it.
    await ctx.rebuild();
    await ctx.watch();
  }
  console.log('esbuild: watching src/ (Ctrl-C to stop)');
} else {
  const [cli, ext, undici, mcp, storePg] = await Promise.all([esbuild.build(cliBundle), esbuild.build(extension), esbuild.build(undiciForCli), esbuild.build(mcpBundle), esbuild.build(storePgBundle)]);
  writeOutputs(undici.outputFiles);
  writeOutputs(mcp.outputFiles);
  writeStorePg(storePg);
  await writeCli(cli);
  writeOutputs(ext.outputFiles);
}
