/**
 * What a user installs: the npm tarball (the CLI only) installed globally into a scratch prefix
 * and run, and the .vsix (the extension only) with a README whose images and links are inside it.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, cleanEnv, tempDir } from '../support/cli';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('packages as users install them (real processes)', function () {
  // Packing runs the production build and the .vsix packager: real work, minutes on a busy machine.
  this.timeout(600_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('npm install -g of the packed tarball gives a claimboard that runs; the tarball holds only what runs', () => {
    const packed = spawnSync(npm, ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() });
    assert.equal(packed.status, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    assert.ok(info);
    const files = info.files.map((f) => f.path).sort();
    assert.deepEqual(files, ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli-bundle.js', 'dist/cli.js', 'dist/mcp.js', 'dist/undici.js', 'package.json']);
    const tarball = path.join(dir, info.filename);
    // Built for production by prepack: no source map comment pointing at a file that is not there.
    const bundle = spawnSync('tar', ['-xOzf', tarball, 'package/dist/cli-bundle.js'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.doesNotMatch(bundle.stdout, /sourceMappingURL/);

    const prefix = path.join(dir, 'prefix');
    const installed = spawnSync(npm, ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    assert.equal(installed.status, 0, installed.stderr);
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const env = cleanEnv({ HOME: home, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}` });
    const cb = (args: string[]) => spawnSync('claimboard', args, { cwd: dir, encoding: 'utf8', env });
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    let r = cb(['--version']);
    assert.equal(r.stdout.trim(), pkg.version, r.stderr);
    r = cb(['status']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /coordination\.md \(does not exist yet/);
    r = cb(['--session', 'session-a', 'claim', 'infra:homelab-prod', '--eta', '30m']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(home, '.claude/hooks/state/coordination.md'), 'utf8'), /^- session-a \(started .*infra:homelab-prod/m);
    r = cb(['install-hooks', '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /would change .*settings\.json/);
    assert.equal(fs.existsSync(path.join(home, '.claude/settings.json')), false, 'a dry run writes nothing');
  });

  it('the .vsix has its own README whose images and links are inside it, an icon, and no CLI bin or dependencies', () => {
    const packaged = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/vscode/package.ts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(packaged.status, 0, packaged.stderr);
    const vsix = path.join(ROOT, 'out', 'claimboard.vsix');
    const listing = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    const entries = new Set(listing.stdout.split('\n').filter(Boolean));
    const read = (name: string) => spawnSync('unzip', ['-p', vsix, name], { encoding: 'utf8' }).stdout;
    // vsce stores the README as readme.md.
    const readme = read('extension/readme.md');
    assert.match(readme, /^# claimboard for VS Code/, 'the extension README, not the repository one');
    assert.match(readme, /npm install -g claimboard/, 'says the CLI is installed separately');
    const targets = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    assert.ok(
      targets.some((t) => t.endsWith('.png')),
      'shows pictures',
    );
    for (const t of targets.filter((x) => !/^[a-z]+:/.test(x) && !x.startsWith('#'))) {
      assert.ok(entries.has(`extension/${t}`), `${t} is in the .vsix`);
    }
    const manifest = JSON.parse(read('extension/package.json')) as Record<string, unknown>;
    assert.equal(manifest.bin, undefined);
    assert.equal(manifest.dependencies, undefined);
    assert.equal(manifest.devDependencies, undefined);
    assert.equal(typeof manifest.icon, 'string');
    assert.ok(entries.has(`extension/${String(manifest.icon)}`), 'the icon is packed');
    assert.equal(
      [...entries].some((e) => e.endsWith('.map') || e.includes('cli-bundle')),
      false,
      'no CLI, no maps',
    );
  });
});
