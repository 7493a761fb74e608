/**
 * Which test files start real processes (the CLI, hooks, the real Claude Code CLI, git hooks,
 * the MCP server over stdio, concurrent writers): they run in `npm run test:integration`, every
 * other file in the fast `npm run test:unit`. `npm test` runs both, and plain `npx mocha`
 * (.mocharc.json) still runs every file.
 */
const base = require('../.mocharc.json');

const INTEGRATION = [
  'announce-cli',
  'board-store',
  'claude-e2e',
  'cli-launcher',
  'cli',
  'git-guard',
  'hooks-cli',
  'hooks-scenario',
  'leases',
  'match-cli',
  'mcp',
  'plugin-e2e',
  'plugin-hooks-once',
  'readme-commands',
  'store-attacks',
  'suggested-commands',
  'voice-ask',
  'voice-hooks',
  'voice-claude-e2e',
  'needs-you',
  'recap-on-return',
  'recap-on-return-claude',
  'recap-window',
  'webhook-only',
  // A real PostgreSQL (test/support/postgres.ts) and the CLI over it.
  'claim-store',
  'store-cli',
  'store-storm',
  'store-pg-read',
  'store-pg-connect',
  'store-holder',
  'shared-view',
  'start-shared',
  'cli-help',
  'cli-status',
  'claim-wait-progress',
  'completion',
  'identity',
  'packaging',
  'vscode-run-env',
  'npm-start',
].map((name) => `test/unit/${name}.test.ts`);

module.exports = { base, INTEGRATION };
