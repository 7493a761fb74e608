// The mocha entry the extension host loads (`extensionTestsPath`): the same `run()` contract
// for code-server (scripts/vscode/run-tests.ts) and @vscode/test-electron
// (scripts/vscode/run-electron.ts). scripts/vscode/build-tests.ts bundles this file and each
// test/vscode/**/*.test.ts into out/vscode-tests/ (vscode and mocha stay external), and run()
// loads every bundled suite found next to it.
//
// Suites may use either mocha interface: `describe`/`it` (bdd, like test/unit) or
// `suite`/`test` (tdd, like the VS Code samples).
//
// Environment (set by the runner, inherited by the extension host):
//   CLAIMBOARD_TEST_WORKSPACE  the opened workspace folder (a fake git repo `demo-repo`)
//   CLAIMBOARD_BOARD           a temporary board file (also the extension's default board)
//   CLAIMBOARD_CLI             absolute path of the built CLI (dist/cli.js)
//   CLAIMBOARD_TEST_GREP       only run tests whose full title matches this pattern
//   CLAIMBOARD_VSCODE_SUITES   which bundled files to load: `test` (default) or `bench`
//   CLAIMBOARD_BENCH_OUT       where a bench suite writes its JSON figures
//   CLAIMBOARD_TEST_RESULT     where run() writes {tests, failures} when it ends: the runner
//                              passes only with this file, so a dead extension host (which the
//                              web workbench reports as exit code 0) cannot pass as green
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function bundledSuites(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...bundledSuites(full, suffix));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

export async function run(): Promise<void> {
  const kind = process.env.CLAIMBOARD_VSCODE_SUITES ?? 'test';
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    // The workbench starts slowly on two cores; a single test still fails in a minute.
    timeout: 60_000,
    grep: process.env.CLAIMBOARD_TEST_GREP || undefined,
  });
  // Also register the tdd globals (suite/test/suiteSetup/...) so either style works.
  Mocha.interfaces.tdd(mocha.suite);
  const files = bundledSuites(__dirname, `.${kind}.js`);
  if (files.length === 0) throw new Error(`no *.${kind}.js suites in ${__dirname}`);
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  let ran = 0;
  const failures = await new Promise<number>((resolve) => mocha.run(resolve).on('test end', () => ran++));
  const resultFile = process.env.CLAIMBOARD_TEST_RESULT;
  if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ tests: ran, failures }) + '\n');
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
  // A grep that matches nothing, or suites that register nothing, must not pass as green.
  if (ran === 0) throw new Error(`no test ran${process.env.CLAIMBOARD_TEST_GREP ? ` (grep: ${process.env.CLAIMBOARD_TEST_GREP})` : ''}`);
}
