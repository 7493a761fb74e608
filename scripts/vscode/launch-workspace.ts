// `.vscode/launch.json` → "Extension Tests": the workspace and board the suites expect, made
// anew under out/launch/ (the code-server runner makes the same in a temporary folder).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { writeDemoRepo } from './workspace';

const dir = path.join(repoRoot, 'out', 'launch');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(path.join(dir, 'board'), { recursive: true });
process.stdout.write(`workspace ${path.relative(repoRoot, writeDemoRepo(dir))}, board folder out/launch/board/\n`);
