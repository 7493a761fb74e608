// One build script, two bundles that share the same core (see docs/DESIGN in shared/).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const pkg = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8'));

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
};

const builds = [
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    // The CLI runs on every hook call: the shebang makes it directly executable, and its
    // start-up is the hook's budget. undici (1 MB) stays a runtime dependency, required only
    // by the process that actually posts to Mattermost, so other calls never parse it.
    banner: { js: '#!/usr/bin/env node' },
    external: ['undici'],
    minify: true,
  },
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
  },
];

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const fs = await import('node:fs');
  fs.chmodSync('dist/cli.js', 0o755);
}
