// Bundles the integration suites for the extension host: out/vscode-tests/index.js (the mocha
// entry) and one file per test/vscode/**/*.{test,bench,shared}.ts, with the same esbuild settings as
// the extension (cjs, node20) so a suite can import src/core directly. `vscode` is provided by
// the host and mocha is loaded from node_modules, so both stay external.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, testBundleDir } from './paths';

function suiteFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...suiteFiles(full));
    else if (/\.(test|bench|shared)\.ts$/.test(entry.name)) found.push(full);
  }
  return found;
}

export async function buildTests(): Promise<string[]> {
  const testDir = path.join(repoRoot, 'test', 'vscode');
  const suites = suiteFiles(testDir);
  fs.rmSync(testBundleDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(testDir, 'index.ts'), ...suites],
    outbase: testDir,
    outdir: testBundleDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    external: ['vscode', 'mocha'],
  });
  return suites.map((s) => path.relative(repoRoot, s));
}

if (require.main === module) {
  buildTests().then(
    (suites) => process.stdout.write(`built ${suites.length} suite(s) into ${path.relative(repoRoot, testBundleDir)}/\n`),
    (e: Error) => {
      process.stderr.write(`build-tests: ${e.message}\n`);
      process.exit(1);
    },
  );
}
