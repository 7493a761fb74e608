import type { Command } from '../command';
import { InputError } from '../../core/errors';

export const note: Command = {
  name: 'note',
  usage: 'note add <text> | note remove <n>',
  summary: 'add or remove a pinned note',
  words: ['add', 'remove'],
  examples: ['note add "Do not deploy before Monday: pending review"', 'note remove 1'],
  async run(ctx, { positionals }) {
    const [sub, ...rest] = positionals;
    if (sub === 'add') {
      const text = rest.join(' ');
      await ctx.service().addNote(text);
      if (ctx.json) ctx.outJson({ added: text.trim() });
      else ctx.out(`pinned: ${text.trim()}`);
      return 0;
    }
    if (sub === 'remove') {
      if (rest.length !== 1 || !/^\d+$/.test(rest[0] ?? '')) throw new InputError('note remove needs the note number shown by `claimboard status`');
      const removed = await ctx.service().removeNote(Number(rest[0]));
      if (ctx.json) ctx.outJson({ removed: removed.text });
      else ctx.out(`unpinned: ${removed.text}`);
      return 0;
    }
    throw new InputError('usage: claimboard note add <text> | note remove <n>');
  },
};
