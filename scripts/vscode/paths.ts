// Where the real-VS-Code tooling keeps things: one place, so setup, tests, screenshots and
// the demo agree. Everything heavy lives under .cache/ (ignored by git), runs under .test-runs/.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** code-server 4.100.3 is VS Code 1.100.3 and the last line that runs on Node 20. */
export const codeServerVersion = '4.100.3';
export const codeServerCache = path.join(repoRoot, '.cache', 'code-server');
export const codeServerEntry = path.join(codeServerCache, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Written last by setup: its presence means a complete install of this version. */
export const codeServerStamp = path.join(codeServerCache, `installed-${codeServerVersion}`);

export const chromiumPath = process.env.CLAIMBOARD_CHROMIUM ?? '/usr/bin/chromium';

export const runsRoot = path.join(repoRoot, '.test-runs');
export const testBundleDir = path.join(repoRoot, 'out', 'vscode-tests');
export const testIndex = path.join(testBundleDir, 'index.js');

export const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  publisher: string;
  version: string;
};
export const extensionId = `${manifest.publisher}.${manifest.name}`;
