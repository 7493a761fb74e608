/**
 * The one reading of a command's options for the Bash write analysis: which words are options,
 * which option takes the next word (or the rest of its bundle: `-of`, `-sSLo f`) as its
 * argument, where `--` ends the options, and, for a wrapper (`sudo -u x rm f`), where the
 * command it runs begins. Each command's `OptionSpec` is data in write-commands.ts.
 */
import type { Word } from './shell-lexer';
import { must } from '../core/errors';

export interface OptionSpec {
  /** Options whose argument is the next word, the text after `=` (long), or the rest of a bundle (short). */
  readonly withArg?: readonly string[];
  /** Options whose argument, if any, is only ever attached (`sed -i.bak`, `--in-place=.bak`, `perl -Mstrict`). */
  readonly attachedArg?: readonly string[];
  /**
   * The command's argument-less short options. When given, a bundle letter outside it ends the
   * bundle (an option of the command's own, with an argument this table does not know);
   * otherwise every letter not listed above is a flag.
   */
  readonly flagLetters?: string;
  /** Options are whole words only, never bundles (a table shared by commands whose letters differ). */
  readonly wholeWords?: boolean;
  /** Operands before the command a wrapper runs (`timeout DURATION`); only with `untilCommand`. */
  readonly leading?: number;
  /** A wrapper: the options end at its command, whose words are `rest`. */
  readonly untilCommand?: boolean;
  /** Words passed over as neither option nor operand (`env A=1`). */
  readonly skip?: RegExp;
}

export interface ScannedOption {
  /** `-o`, `--output` (without `=…`); one per letter of a bundle. */
  name: string;
  /** The argument of a `withArg` or `attachedArg` option, when there is one. */
  value?: Word;
}

export interface ScannedArguments {
  operands: Word[];
  options: ScannedOption[];
  /** The option words as written (`-rf`, `--force`), for commands that test letters. */
  flags: string[];
  /** With `untilCommand`: the words of the command the wrapper runs. */
  rest: Word[];
}

export function scanArguments(args: readonly Word[], spec: OptionSpec): ScannedArguments {
  const withArg = spec.withArg ?? [];
  const attachedArg = spec.attachedArg ?? [];
  const result: ScannedArguments = { operands: [], options: [], flags: [], rest: [] };
  let leading = spec.leading ?? 0;
  let optionsDone = false;
  const attached = (w: Word, text: string): Word => ({ ...w, text });
  for (let i = 0; i < args.length; i++) {
    const w = must(args[i], 'argument word');
    const t = w.text;
    if (optionsDone) {
      result.operands.push(w);
    } else if (t === '--') {
      if (spec.untilCommand) {
        result.rest = args.slice(i + 1);
        return result;
      }
      optionsDone = true;
    } else if (t.startsWith('--')) {
      result.flags.push(t);
      const eq = t.indexOf('=');
      const name = eq < 0 ? t : t.slice(0, eq);
      if (withArg.includes(name)) result.options.push({ name, value: eq >= 0 ? attached(w, t.slice(eq + 1)) : args[++i] });
      else if (attachedArg.includes(name) && eq >= 0) result.options.push({ name, value: attached(w, t.slice(eq + 1)) });
      else result.options.push({ name });
    } else if (t.startsWith('-') && t !== '-') {
      result.flags.push(t);
      if (spec.wholeWords) {
        result.options.push(withArg.includes(t) ? { name: t, value: args[++i] } : { name: t });
        continue;
      }
      // A bundle of short options: the first one that takes an argument ends it.
      for (let k = 1; k < t.length; k++) {
        const name = `-${t[k]}`;
        const last = k === t.length - 1;
        if (withArg.includes(name)) {
          result.options.push({ name, value: last ? args[++i] : attached(w, t.slice(k + 1)) });
          break;
        }
        if (attachedArg.includes(name)) {
          result.options.push(last ? { name } : { name, value: attached(w, t.slice(k + 1)) });
          break;
        }
        if (spec.flagLetters !== undefined && !spec.flagLetters.includes(t.charAt(k))) break;
        result.options.push({ name });
      }
    } else if (spec.skip?.test(t)) {
      continue;
    } else if (spec.untilCommand && leading === 0) {
      result.rest = args.slice(i);
      return result;
    } else {
      leading--;
      result.operands.push(w);
    }
  }
  return result;
}

/** The arguments given to any of `names`, in order (`curl -o a --output=b`). */
export function optionValues(scan: ScannedArguments, ...names: string[]): Word[] {
  const values: Word[] = [];
  for (const option of scan.options) if (option.value && names.includes(option.name)) values.push(option.value);
  return values;
}

/** Whether any of `names` was given. */
export function hasOption(scan: ScannedArguments, ...names: string[]): boolean {
  return scan.options.some((option) => names.includes(option.name));
}
