import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { InputError } from '../../core/errors';

export const mcp: Command = {
  name: 'mcp',
  usage: 'mcp',
  summary: 'serve the board to Claude Code (or any MCP client) over stdio: claim, release, check, status, ask, recap, note_add',
  examples: ['mcp'],
  async run(ctx, { positionals }) {
    if (positionals.length) throw new InputError(`mcp takes no arguments (got ${positionals[0]})`);
    // Its own bundle (dist/mcp.js): the SDK stays out of the CLI file every hook call loads.
    const { serveStdio } = await import('../../mcp/server');
    const env = { ...ctx.env, CLAIMBOARD_SESSION: ctx.session };
    await serveStdio({ boardPath: ctx.boardPath, env, cwd: ctx.env.CLAUDE_PROJECT_DIR || ctx.cwd, openStore: (o) => ctx.openStore(o) });
    return EXIT.ok;
  },
};
