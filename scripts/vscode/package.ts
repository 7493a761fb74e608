// `npm run package`: a production build and `vsce package` into out/claimboard.vsix (the
// checkout's dist/ is left as it is).
//
// package.json's "files" (what npm publishes: the CLI) and .vscodeignore (what the .vsix holds)
// cannot both be present for vsce, so the .vsix is packed from a staging folder holding the
// manifest without "files", .vscodeignore and the allowed files. Everything is bundled by
// esbuild, so no dependencies are packed (--no-dependencies) and no network is needed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

export const vsixPath = path.join(repoRoot, 'out', 'claimboard.vsix');
const stage = path.join(repoRoot, 'out', 'vsix-stage');

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`package: ${cmd} ${args.join(' ')} failed (exit ${r.status})\n`);
    process.exit(1);
  }
}

export function packageVsix(): string {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.files;
  // The CLI is the npm package's; the extension neither runs it nor needs its dependencies.
  delete manifest.bin;
  delete manifest.dependencies;
  // Scripts and dev tooling mean nothing inside the .vsix (and vsce would run a vscode:prepublish).
  delete manifest.scripts;
  delete manifest.devDependencies;
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  // The production build goes straight into the stage (esbuild.mjs builds relative to its cwd;
  // src/ is linked in), so the checkout's dist/, which tests and other runs use, is untouched.
  fs.symlinkSync(path.join(repoRoot, 'src'), path.join(stage, 'src'));
  run(process.execPath, [path.join(repoRoot, 'esbuild.mjs'), '--production'], stage);
  fs.rmSync(path.join(stage, 'src'));
  for (const entry of ['.vscodeignore', 'media', 'CHANGELOG.md', 'LICENSE', 'docs/images']) {
    const from = path.join(repoRoot, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, entry), { recursive: true });
  }
  // The Extensions view shows the extension's own README (what it shows, its settings, that the
  // CLI is installed separately), not the repository's; its images are packed beside it.
  fs.cpSync(path.join(repoRoot, 'docs', 'extension', 'README.md'), path.join(stage, 'README.md'));
  fs.mkdirSync(path.dirname(vsixPath), { recursive: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--out', vsixPath];
  // Without a repository vsce cannot turn the README's relative links into absolute ones; they
  // stay relative (images under docs/ are not in the .vsix) until package.json names one.
  if (!manifest.repository) args.push('--allow-missing-repository', '--no-rewrite-relative-links');
  run(process.execPath, args, stage);
  return vsixPath;
}

if (require.main === module) packageVsix();
