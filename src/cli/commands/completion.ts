import type { Command, OptionDocs } from '../command';
import { InputError } from '../../core/errors';
import { GLOBAL_OPTIONS } from '../help';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const completion: Command = {
  name: 'completion',
  usage: 'completion bash|zsh|fish',
  summary: 'print shell completion for claimboard: commands, their options and words',
  words: [...SHELLS],
  examples: ['completion bash', 'completion zsh', 'completion fish'],
  async run(ctx, { positionals }) {
    const shell = positionals[0];
    if (positionals.length !== 1 || !SHELLS.includes(shell as (typeof SHELLS)[number])) {
      throw new InputError(`completion needs one shell: ${SHELLS.join(', ')} (for example: claimboard completion bash)`);
    }
    // Loaded here, not at the top: the command table loads this file.
    const { COMMANDS } = await import('../main');
    const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
    ctx.out(shell === 'fish' ? fish(commands) : bashScript(commands, shell === 'zsh'));
    return 0;
  },
};

const flags = (docs: OptionDocs = {}) =>
  Object.keys(docs)
    .map((o) => `--${o}`)
    .join(' ');
/** Options whose value is a file name: completed as files, the rest take no completion. */
const fileValued = (docs: OptionDocs = {}) =>
  Object.entries(docs)
    .filter(([, d]) => d.type === 'string' && d.arg === 'PATH')
    .map(([o]) => `--${o}`);
const valued = (docs: OptionDocs = {}) =>
  Object.entries(docs)
    .filter(([, d]) => d.type === 'string')
    .map(([o]) => `--${o}`);

/** bash, and zsh through its bash completion layer: one script, tested in bash. */
function bashScript(commands: Command[], zsh: boolean): string {
  const globalValued = valued(GLOBAL_OPTIONS).join('|');
  const perCommand = commands.map((c) => {
    const words = c.words?.length ? `words="${c.words.join(' ')}";` : '';
    return `    ${c.name}) opts="${flags(c.options)}"; ${words} valued="${valued(c.options).join(' ')}";;`;
  });
  return [
    '# claimboard completion for ' + (zsh ? 'zsh' : 'bash') + '. Load it with:',
    `#   source <(claimboard completion ${zsh ? 'zsh' : 'bash'})`,
    ...(zsh ? ['autoload -U +X compinit && compinit', 'autoload -U +X bashcompinit && bashcompinit'] : []),
    '_claimboard() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="" i',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in',
    `      ${globalValued}) ((i++)) ;;`,
    '      -*) ;;',
    '      *) cmd="${COMP_WORDS[i]}"; break ;;',
    '    esac',
    '  done',
    '  case "$prev" in',
    `    ${fileValued(GLOBAL_OPTIONS).join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`,
    `    ${globalValued}) COMPREPLY=(); return ;;`,
    '  esac',
    `  local globals="${flags(GLOBAL_OPTIONS)}" opts="" words="" valued=""`,
    '  if [[ -z "$cmd" ]]; then',
    '    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$globals" -- "$cur"));',
    `    else COMPREPLY=($(compgen -W "${['help', ...commands.map((c) => c.name)].join(' ')}" -- "$cur")); fi`,
    '    return',
    '  fi',
    '  case "$cmd" in',
    ...perCommand,
    `    help) words="${commands.map((c) => c.name).join(' ')}" ;;`,
    '  esac',
    '  if [[ " $valued " == *" $prev "* ]]; then COMPREPLY=(); return; fi',
    '  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"));',
    '  elif [[ -n "$words" && "$prev" == "$cmd" ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur"));',
    '  else COMPREPLY=($(compgen -f -- "$cur")); fi',
    '}',
    'complete -o filenames -F _claimboard claimboard',
  ].join('\n');
}

function fish(commands: Command[]): string {
  const q = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const names = ['help', ...commands.map((c) => c.name)].join(' ');
  const option = (cond: string, name: string, d: OptionDocs[string]) =>
    `complete -c claimboard ${cond}-l ${name}${d.short ? ` -s ${d.short}` : ''}${d.type === 'string' ? (d.arg === 'PATH' ? ' -r -F' : ' -x') : ''} -d ${q(d.help)}`;
  return [
    '# claimboard completion for fish. Load it with:',
    '#   claimboard completion fish | source',
    'complete -c claimboard -f',
    ...Object.entries(GLOBAL_OPTIONS).map(([n, d]) => option('', n, d)),
    ...commands.map((c) => `complete -c claimboard -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${q(c.summary)}`),
    `complete -c claimboard -n "not __fish_seen_subcommand_from ${names}" -a help -d 'help on a command'`,
    `complete -c claimboard -n "__fish_seen_subcommand_from help" -a ${q(commands.map((c) => c.name).join(' '))}`,
    ...commands.flatMap((c) => [
      ...Object.entries(c.options ?? {}).map(([n, d]) => option(`-n "__fish_seen_subcommand_from ${c.name}" `, n, d)),
      ...(c.words?.length ? [`complete -c claimboard -n "__fish_seen_subcommand_from ${c.name}" -a ${q(c.words.join(' '))}`] : []),
      // Paths: claim, release, check and ask take files.
      ...(/<path>|PATH/.test(c.usage) ? [`complete -c claimboard -n "__fish_seen_subcommand_from ${c.name}" -F`] : []),
    ]),
  ].join('\n');
}
