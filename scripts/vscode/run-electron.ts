// The same suites under @vscode/test-electron, for a machine that can download VS Code
// (these build machines cannot: use `npm run test:vscode` there). Run with
//   npm run build && node --import tsx scripts/vscode/run-electron.ts
// It bundles test/vscode/** (out/vscode-tests/index.js), makes the same temporary workspace
// and board as the code-server runner, and passes them to the extension host through
// `extensionTestsEnv`. Needs a display (or xvfb-run) on Linux.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildTests } from './build-tests';
import { repoRoot, testIndex } from './paths';
import { writeDemoRepo } from './workspace';

async function main(): Promise<number> {
  await buildTests();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-electron-'));
  const workspace = writeDemoRepo(runDir);
  fs.mkdirSync(path.join(runDir, 'board'));
  try {
    return await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testIndex,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(runDir, 'user-data')],
      extensionTestsEnv: {
        CLAIMBOARD_TEST_WORKSPACE: workspace,
        CLAIMBOARD_BOARD: path.join(runDir, 'board', 'coordination.md'),
        CLAIMBOARD_CLI: path.join(repoRoot, 'dist', 'cli.js'),
        CLAIMBOARD_EXPECT_EXTENSION_PATH: repoRoot,
      },
    });
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`run-electron: ${e.message}\n`);
    process.exit(1);
  },
);
