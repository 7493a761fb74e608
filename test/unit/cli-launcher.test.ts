/**
 * dist/cli.js runs the bundle through a V8 code cache (src/cli/bin.ts). The cache may only ever
 * save time: these run the built launcher as hooks do and check that a cache that is missing,
 * broken, unwritable, written by many processes at once or left by another build never changes
 * what a command does.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { CLI, ensureBuilt, tempDir } from '../support/cli';
import { must } from '../../src/core/errors';

const PKG_VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

function run(cli: string, args: string[], home: string, extra: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, HOME: home, ...extra }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The cache folder beside an install: <package>/node_modules/.cache/claimboard. */
function installCache(cli: string): string {
  return path.join(path.dirname(cli), '..', 'node_modules', '.cache', 'claimboard');
}

function cacheFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** An install of its own (<tmp>/pkg/dist/cli.js), so each test sees only the caches it made. */
function copyOfDist(): string {
  const dist = path.join(tempDir('claimboard-launcher-'), 'pkg', 'dist');
  fs.mkdirSync(dist, { recursive: true });
  for (const f of ['cli.js', 'cli-bundle.js']) fs.copyFileSync(path.join(path.dirname(CLI), f), path.join(dist, f));
  return path.join(dist, 'cli.js');
}

function acceptedByV8(cli: string, cacheFile: string): boolean {
  const bundle = path.join(path.dirname(cli), 'cli-bundle.js');
  return !new vm.Script(fs.readFileSync(bundle, 'utf8'), { filename: bundle, cachedData: fs.readFileSync(cacheFile) }).cachedDataRejected;
}

function buildId(cli: string): string {
  const m = /^\/\*claimboard-build:([0-9a-f]+)\*\//.exec(fs.readFileSync(path.join(path.dirname(cli), 'cli-bundle.js'), 'utf8'));
  assert.ok(m, 'the bundle names its build on its first line');
  return must(m[1], 'the build id');
}

describe('CLI launcher and its code cache', function () {
  before(() => ensureBuilt());

  it('writes one cache per build, Node and command beside the install, and the next run reads it (V8 accepts it)', () => {
    const home = tempDir();
    const cli = copyOfDist();
    assert.equal(run(cli, ['--version'], home).stdout.trim(), PKG_VERSION);
    const [file, ...more] = cacheFiles(installCache(cli));
    assert.deepEqual(more, []);
    assert.equal(file, `cli-${buildId(cli)}-${process.version}-${process.arch}-cli.cache`);
    assert.equal(run(cli, ['--version'], home).stdout.trim(), PKG_VERSION);
    assert.ok(acceptedByV8(cli, path.join(installCache(cli), file)));
    assert.deepEqual(fs.readdirSync(home), [], 'nothing in the home folder while the install is writable');
  });

  it("an install it cannot write to: the cache goes to the user's cache folder", () => {
    const home = tempDir();
    const cli = copyOfDist();
    // node_modules is a file: the folder cannot be made (chmod would not stop root).
    fs.writeFileSync(path.join(path.dirname(cli), '..', 'node_modules'), '');
    assert.equal(run(cli, ['--version'], home).stdout.trim(), PKG_VERSION);
    const dir = path.join(home, '.cache', 'claimboard');
    const file = must(cacheFiles(dir)[0], 'the cache file');
    assert.ok(acceptedByV8(cli, path.join(dir, file)));
    assert.equal(run(cli, ['--version'], home, { XDG_CACHE_HOME: path.join(home, 'xdg') }).stdout.trim(), PKG_VERSION);
    assert.equal(cacheFiles(path.join(home, 'xdg', 'claimboard')).length, 1, 'XDG_CACHE_HOME first');
  });

  it('a broken cache file is compiled around and replaced', () => {
    const home = tempDir();
    const cli = copyOfDist();
    run(cli, ['--version'], home);
    const file = must(cacheFiles(installCache(cli))[0], 'the cache file');
    const full = path.join(installCache(cli), file);
    fs.writeFileSync(full, 'not a code cache');
    const r = run(cli, ['--version'], home);
    assert.deepEqual([r.code, r.stdout.trim(), r.stderr], [0, PKG_VERSION, '']);
    assert.ok(acceptedByV8(cli, full));
  });

  it('no folder it can write to never breaks a run', () => {
    const home = tempDir();
    const cli = copyOfDist();
    fs.writeFileSync(path.join(path.dirname(cli), '..', 'node_modules'), '');
    fs.writeFileSync(path.join(home, '.cache'), '');
    const r = run(cli, ['--version'], home);
    assert.deepEqual([r.code, r.stdout.trim(), r.stderr], [0, PKG_VERSION, '']);
    const bad = run(cli, ['check'], home);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^claimboard: check needs at least one path\n$/);
    const none = spawnSync(process.execPath, [cli, '--version'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    assert.deepEqual([none.status, none.stdout.trim(), none.stderr], [0, PKG_VERSION, '']);
  });

  it('CLAIMBOARD_COMPILE_CACHE=0 writes nothing', () => {
    const home = tempDir();
    const cli = copyOfDist();
    assert.equal(run(cli, ['--version'], home, { CLAIMBOARD_COMPILE_CACHE: '0' }).stdout.trim(), PKG_VERSION);
    assert.deepEqual(cacheFiles(installCache(cli)), []);
  });

  it('many processes starting at once with no cache all answer, and leave one whole cache file', async () => {
    const home = tempDir();
    const cli = copyOfDist();
    const runs = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<{ code: number | null; out: string }>((resolve) => {
            const c = spawn(process.execPath, [cli, '--version'], { env: { PATH: process.env.PATH, HOME: home } });
            let out = '';
            c.stdout.on('data', (d: Buffer) => (out += d.toString()));
            c.on('close', (code) => resolve({ code, out }));
          }),
      ),
    );
    for (const r of runs) assert.deepEqual([r.code, r.out.trim()], [0, PKG_VERSION]);
    const files = cacheFiles(installCache(cli));
    assert.equal(files.length, 1, `one cache file, no leftovers: ${files.join(', ')}`);
    assert.ok(acceptedByV8(cli, path.join(installCache(cli), must(files[0], 'the cache file'))));
  });

  it('a new build never runs the code cached for the build before, even at the same length', () => {
    const home = tempDir();
    const cli = copyOfDist();
    const bundleFile = path.join(path.dirname(cli), 'cli-bundle.js');
    assert.equal(run(cli, ['--version'], home).stdout.trim(), PKG_VERSION);
    assert.equal(cacheFiles(installCache(cli)).length, 1);
    // A rebuild that changes one string and nothing else: same length, new build id (as esbuild.mjs stamps it).
    const changed = PKG_VERSION.replace(/\d/g, '9');
    const oldId = buildId(cli);
    const newId = oldId.replace(/./g, (c) => (c === 'a' ? 'b' : 'a'));
    const text = fs.readFileSync(bundleFile, 'utf8');
    assert.equal(text.split(JSON.stringify(PKG_VERSION)).length, 2, 'the version is written once in the bundle');
    fs.writeFileSync(bundleFile, text.replace(JSON.stringify(PKG_VERSION), JSON.stringify(changed)).replace(oldId, newId));
    fs.writeFileSync(cli, fs.readFileSync(cli, 'utf8').split(oldId).join(newId));
    assert.equal(run(cli, ['--version'], home).stdout.trim(), changed);
    assert.equal(run(cli, ['--version'], home).stdout.trim(), changed);
  });

  it('a launcher meeting a bundle of another build (a build in progress) runs it without a cache', () => {
    const home = tempDir();
    const cli = copyOfDist();
    const bundleFile = path.join(path.dirname(cli), 'cli-bundle.js');
    const oldId = buildId(cli);
    fs.writeFileSync(
      bundleFile,
      fs.readFileSync(bundleFile, 'utf8').replace(
        oldId,
        oldId.replace(/./g, (c) => (c === 'a' ? 'b' : 'a')),
      ),
    );
    assert.equal(run(cli, ['--version'], home).stdout.trim(), PKG_VERSION);
    assert.deepEqual(cacheFiles(installCache(cli)), []);
  });

  it('reads the bundle as one-byte text: the build keeps it ASCII, and takes fs, path and os as they are', () => {
    const text = fs.readFileSync(path.join(path.dirname(CLI), 'cli-bundle.js'), 'latin1');
    const wide = [...Buffer.from(text, 'latin1')].findIndex((b) => b > 0x7f);
    assert.equal(wide, -1, `a byte outside ASCII near ${JSON.stringify(text.slice(wide - 40, wide + 10))}`);
    // esbuild's namespace import copies a module object per importing file (\`X(require("node:fs"))\`).
    assert.deepEqual(text.match(/[\w$]\(require\("node:(?:fs|path|os)"\)\)/g) ?? [], []);
    assert.ok(/\brequire\("node:fs"\)/.test(text), 'the bundle requires node:fs itself');
  });

  it('a bundle that is not ASCII (another build of it) still runs, read as UTF-8', () => {
    const home = tempDir();
    const cli = copyOfDist();
    const bundleFile = path.join(path.dirname(cli), 'cli-bundle.js');
    const text = fs.readFileSync(bundleFile, 'utf8');
    const wide = `${PKG_VERSION}\u2014\u00e9`;
    fs.writeFileSync(bundleFile, text.replace(JSON.stringify(PKG_VERSION), JSON.stringify(wide)));
    const r = run(cli, ['--version'], home);
    assert.equal(r.stdout.trim(), wide, r.stderr);
  });
});

describe('the published package', function () {
  before(() => ensureBuilt());

  it('lists as dependencies exactly what the built CLI requires at run time', () => {
    const root = path.join(__dirname, '..', '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; files: string[] };
    const required = new Set<string>();
    const own = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
        const id = must(m[1], 'the required module');
        if (id.startsWith('./')) {
          own.add(id);
          visit(path.join(path.dirname(file), id));
          continue;
        }
        if (id.startsWith('node:') || builtinModules.includes(id)) continue;
        required.add(id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : must(id.split('/')[0], 'the package name'));
      }
    };
    visit(CLI);
    visit(path.join(path.dirname(CLI), 'cli-bundle.js'));
    assert.deepEqual([...required].sort(), Object.keys(pkg.dependencies ?? {}).sort());
    // What the CLI loads of its own is in dist/, file by file in what the package publishes.
    for (const f of [...own, './cli-bundle.js']) assert.ok(pkg.files.includes(`dist/${f.slice(2)}`), `${f} is published`);
    assert.ok(own.has('./undici.js'), 'the Mattermost client comes from dist/undici.js');
  });
});
