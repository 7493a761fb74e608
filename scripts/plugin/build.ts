// `npm run plugin`: claimboard as a Claude Code plugin in out/claude-plugin/, self-contained
// (the bundled CLI and MCP server, undici beside them, a `claimboard` for Claude's Bash), and
// its own marketplace, so `claude plugin marketplace add out/claude-plugin` then
// `claude plugin install claimboard@claimboard` works. Tests build it into a folder of their own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installHooks } from '../../src/claude/hook-settings';
import { PLUGIN_HOOK_MARK } from '../../src/claude/plugin-presence';
import { RECAP_WINDOW } from '../../src/announce/recap';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const defaultPluginDir = path.join(repoRoot, 'out', 'claude-plugin');
/** The marketplace the plugin folder is, as `claude plugin install claimboard@<this>` names it. */
export const MARKETPLACE = 'claimboard';
/**
 * How the plugin's hooks run the CLI: its own copy, wherever Claude Code installed it, marked
 * as the plugin's so it steps aside when settings.json runs the same hooks.
 */
export const PLUGIN_COMMAND = `${PLUGIN_HOOK_MARK} "\${CLAUDE_PLUGIN_ROOT}/bin/claimboard"`;

const DIST_FILES = ['cli.js', 'cli-bundle.js', 'mcp.js', 'undici.js'];

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; description: string; license: string };

/**
 * User configuration Claude Code asks for when the plugin is enabled. Hooks get each value as
 * CLAUDE_PLUGIN_OPTION_<KEY>; bin/claimboard turns them into claimboard's own variables, so an
 * empty value falls back to the environment and the config file as before.
 */
export const USER_CONFIG: Record<string, { env: string; type: 'string' | 'directory' | 'file'; title: string; description: string; sensitive?: boolean }> = {
  board_path: {
    env: 'CLAIMBOARD_BOARD',
    type: 'string',
    title: 'Board file',
    description: 'The coordination board every session shares. Empty: $CLAIMBOARD_BOARD or ~/.claude/hooks/state/coordination.md.',
  },
  mattermost_url: {
    env: 'CLAIMBOARD_MATTERMOST_URL',
    type: 'string',
    title: 'Mattermost server',
    description: 'https://chat.example.com. Empty: the claimboard config file or $CLAIMBOARD_MATTERMOST_URL.',
  },
  mattermost_channel: { env: 'CLAIMBOARD_MATTERMOST_CHANNEL', type: 'string', title: 'Mattermost channel', description: 'Channel id or team/channel-name where claims are announced.' },
  mattermost_mention: { env: 'CLAIMBOARD_MENTION', type: 'string', title: 'Your Mattermost username', description: 'Questions mention you: @me becomes @<this>.' },
  mattermost_token: {
    env: 'CLAIMBOARD_MATTERMOST_TOKEN',
    type: 'string',
    title: 'Mattermost token',
    description: 'A personal access or bot token (kept in secure storage, never in settings).',
    sensitive: true,
  },
};

function write(file: string, text: string, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** The plugin's hooks: exactly what `install-hooks` writes, run through the plugin's own copy. */
export function pluginHooks(): Record<string, unknown> {
  return installHooks({}, PLUGIN_COMMAND).settings.hooks as Record<string, unknown>;
}

function binScript(): string {
  const options = Object.entries(USER_CONFIG)
    .map(([key, o]) => `[ -n "\${CLAUDE_PLUGIN_OPTION_${key.toUpperCase()}:-}" ] && export ${o.env}="$CLAUDE_PLUGIN_OPTION_${key.toUpperCase()}"`)
    .join('\n');
  return `#!/bin/sh
# claimboard as the Claude Code plugin ships it: the bundled CLI on the Node found on PATH.
# Claude Code puts this folder on the PATH of its Bash tool, and the plugin's hooks and MCP
# server run it by its full path.
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
# The plugin's user configuration, when set, is claimboard's setting; otherwise the
# environment and ~/.config/claimboard/config.json decide, as without the plugin.
${options}
if ! command -v node >/dev/null 2>&1; then
  echo "claimboard: node is not on PATH; the claimboard plugin needs Node.js 20 or later" >&2
  exit 1
fi
exec node "$here/dist/cli.js" "$@"
`;
}

const SKILL = `---
name: claimboard
description: Coordinate with the other Claude Code sessions and the person through claimboard's board of claims. Use before touching a shared or non-trivial resource (files, folders, infra), when an edit is denied because another session holds a path, and when you are done with something you claimed.
---

# Working on a shared board

Several sessions and a person work on the same checkouts. The board says who holds what.

- **Claim before you touch** a non-trivial resource: a folder, a set of files, a database, a
  deploy target (\`infra:<name>\`). Use the claimboard \`claim\` tool with \`paths\` and an \`eta\`.
  Single files you edit are claimed for you.
- **Release when done** with the \`release\` tool (or \`all: true\`). Everything you hold is
  released when the session ends anyway; release earlier so others can go on.
- **When something is held** (a tool error or a denied edit names the holder and the ETA):
  do not edit it, and never argue with or work around the other session. Pick other work,
  wait for it (\`claim\` with \`wait\`, e.g. \`"20m"\`), or ask the person with the \`ask\` tool.
  Only the person may take a claim over.
- \`status\` shows the board; \`check\` tells whether paths are free; \`note_add\` pins a note
  everyone sees; \`recap\` tells what happened in the channel while you were away.

In Bash the same is \`claimboard status\`.
`;

const COMMANDS: Record<string, { description: string; hint?: string; body: string }> = {
  board: {
    description: 'Show the claimboard coordination board: who holds what, until when, pinned notes',
    body: 'Call the claimboard `status` tool and show me the board: each live claim as holder, path and ETA, then the pinned notes. Say which session you are. Keep it short.',
  },
  claim: {
    description: 'Claim paths on the claimboard board for this session',
    hint: '<path>... [eta 30m] [why]',
    body: 'Claim these on the claimboard board with the `claim` tool: $ARGUMENTS\n\nPaths are the words that look like paths or `infra:` names; an ETA like `30m` or `19:45` is the `eta`; the rest is the `reason`. If the tool says someone else holds a path, tell me who and until when, and do not touch it.',
  },
  release: {
    description: 'Release claims this session holds on the claimboard board',
    hint: '[<path>... | all]',
    body: 'Release with the claimboard `release` tool: $ARGUMENTS\n\nWith no arguments or `all`, release everything this session holds (`all: true`). Then tell me what was released.',
  },
  ask: {
    description: 'Ask the person a question in the team channel (mentions them)',
    hint: '"<question>" [about <path>]',
    body: 'Post this question with the claimboard `ask` tool: $ARGUMENTS\n\nIf it names a path it is about, pass it as `about`. The answer comes in the channel, not in this session: carry on with other work.',
  },
  recap: {
    description: 'What the other sessions did lately, from the team channel',
    hint: `[since ${RECAP_WINDOW}]`,
    body: 'Call the claimboard `recap` tool (`since` from these arguments if given: $ARGUMENTS) and summarise for me what each session started, claimed, released and asked, and any open questions.',
  },
};

function command(c: { description: string; hint?: string; body: string }): string {
  return `---\ndescription: ${c.description}\n${c.hint ? `argument-hint: ${c.hint}\n` : ''}---\n\n${c.body}\n`;
}

/** Builds the plugin into `dest` from the current dist/ (run `npm run build` first). */
export function buildPlugin(dest: string = defaultPluginDir): string {
  for (const f of DIST_FILES) {
    if (!fs.existsSync(path.join(repoRoot, 'dist', f))) throw new Error(`dist/${f} is missing: run \`npm run build\` first`);
  }
  fs.rmSync(dest, { recursive: true, force: true });
  const manifest = {
    name: 'claimboard',
    version: pkg.version,
    description: 'Claims for parallel Claude Code sessions: hooks that guard held files, claimboard on the PATH, the board as MCP tools, and the protocol as a skill.',
    author: { name: 'claimboard' },
    license: pkg.license,
    keywords: ['coordination', 'claims', 'parallel sessions', 'mattermost'],
    userConfig: Object.fromEntries(Object.entries(USER_CONFIG).map(([k, o]) => [k, { type: o.type, title: o.title, description: o.description, ...(o.sensitive ? { sensitive: true } : {}) }])),
  };
  write(path.join(dest, '.claude-plugin', 'plugin.json'), json(manifest));
  write(
    path.join(dest, '.claude-plugin', 'marketplace.json'),
    json({
      name: MARKETPLACE,
      owner: { name: 'claimboard' },
      metadata: { description: 'claimboard for Claude Code' },
      plugins: [{ name: 'claimboard', source: './', description: manifest.description, version: pkg.version }],
    }),
  );
  write(
    path.join(dest, 'hooks', 'hooks.json'),
    json({ description: "claimboard's hooks: name the session, guard held files, renew leases, say when a session needs you, release at the end", hooks: pluginHooks() }),
  );
  // Hooks get the user configuration as CLAUDE_PLUGIN_OPTION_<KEY> from Claude Code; an MCP server only through ${user_config.KEY}.
  const optionEnv = Object.fromEntries(Object.keys(USER_CONFIG).map((k) => [`CLAUDE_PLUGIN_OPTION_${k.toUpperCase()}`, `\${user_config.${k}}`]));
  write(path.join(dest, '.mcp.json'), json({ mcpServers: { claimboard: { command: '${CLAUDE_PLUGIN_ROOT}/bin/claimboard', args: ['mcp'], env: optionEnv } } }));
  write(path.join(dest, 'bin', 'claimboard'), binScript(), 0o755);
  // The launcher, the CLI bundle it runs, the MCP server, and undici for posting to Mattermost.
  for (const f of DIST_FILES) {
    fs.mkdirSync(path.join(dest, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, 'dist', f), path.join(dest, 'dist', f));
  }
  fs.chmodSync(path.join(dest, 'dist', 'cli.js'), 0o755);
  write(path.join(dest, 'skills', 'claimboard', 'SKILL.md'), SKILL);
  for (const [name, c] of Object.entries(COMMANDS)) write(path.join(dest, 'commands', `${name}.md`), command(c));
  for (const f of ['LICENSE']) if (fs.existsSync(path.join(repoRoot, f))) fs.copyFileSync(path.join(repoRoot, f), path.join(dest, f));
  write(path.join(dest, 'README.md'), `# claimboard for Claude Code\n\n${manifest.description}\n\nBuilt by \`npm run plugin\` from the claimboard repository; see its README.\n`);
  return dest;
}

if (require.main === module) {
  const dest = buildPlugin(process.argv[2] ? path.resolve(process.argv[2]) : defaultPluginDir);
  process.stdout.write(
    `plugin built: ${path.relative(process.cwd(), dest) || dest}\n` +
      `  try it:   claude --plugin-dir ${dest}\n` +
      `  install:  claude plugin marketplace add ${dest} && claude plugin install claimboard@${MARKETPLACE}\n`,
  );
}
