// A small workspace for tests, screenshots and the demo: `demo-repo`, a git repository (so
// claim path keys are `demo-repo/<path>`), with a few source folders and files.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const files: Record<string, string> = {
  'README.md': '# demo-repo\n\nA workspace for trying claimboard.\n',
  'package.json': '{ "name": "demo-repo", "version": "1.0.0", "private": true }\n',
  'src/index.ts': "export { startServer } from './server';\n",
  'src/server.ts': [
    "import { createServer } from 'node:http';",
    "import { route } from './api/routes';",
    '',
    'export function startServer(port = 8080) {',
    '  return createServer((req, res) => route(req, res)).listen(port);',
    '}',
    '',
  ].join('\n'),
  'src/api/routes.ts': [
    "import type { IncomingMessage, ServerResponse } from 'node:http';",
    "import { listUsers } from './users';",
    '',
    'export function route(req: IncomingMessage, res: ServerResponse) {',
    "  if (req.url === '/users') return listUsers(res);",
    '  res.statusCode = 404;',
    '  res.end();',
    '}',
    '',
  ].join('\n'),
  'src/api/users.ts': [
    "import type { ServerResponse } from 'node:http';",
    '',
    "const users = [{ id: 1, name: 'Ada' }, { id: 2, name: 'Linus' }];",
    '',
    'export function listUsers(res: ServerResponse) {',
    "  res.setHeader('content-type', 'application/json');",
    '  res.end(JSON.stringify(users));',
    '}',
    '',
  ].join('\n'),
  'src/db/schema.sql': [
    'create table users (',
    '  id integer primary key,',
    '  name text not null',
    ');',
    '',
    'create table sessions (',
    '  id text primary key,',
    '  user_id integer not null references users (id),',
    '  started_at timestamp not null',
    ');',
    '',
  ].join('\n'),
  'src/db/migrate.ts': 'export async function migrate() {\n  // applies src/db/schema.sql\n}\n',
  'docs/deploy.md': '# Deploy\n\n1. Build.\n2. Ship.\n',
  'infra/terraform/main.tf': 'terraform {\n  required_version = ">= 1.6"\n}\n',
};

/** Writes `<parent>/demo-repo` and returns its absolute path. */
export function writeDemoRepo(parent: string): string {
  const repo = path.join(parent, 'demo-repo');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), text);
  }
  // A real repository when git is there; a bare `.git/` folder otherwise is enough to find the root.
  const git = spawnSync('git', ['init', '-q', '-b', 'main', repo], { stdio: 'ignore' });
  if (git.status !== 0) {
    fs.mkdirSync(path.join(repo, '.git', 'refs'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  }
  return repo;
}

/** Files of the demo repository, relative to it. */
export const demoFiles = Object.keys(files);
