/** `npm run bench`: every benchmark in turn, each writing its section of docs/benchmarks.md. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const here = __dirname;
const suites = ['board.ts', 'mattermost.ts', 'hooks.ts', 'startup.ts', 'hostile.ts', 'mcp.ts', 'voice.ts'].filter((f) => fs.existsSync(path.join(here, f)));
let failed = 0;
for (const s of suites) {
  console.log(`\n== bench/${s}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, s), '--write'], { stdio: 'inherit', cwd: path.resolve(here, '..') });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
