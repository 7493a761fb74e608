/** Benchmarks write their figures into one section each of docs/benchmarks.md. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { must } from '../src/core/errors';

export const BENCH_DOC = path.resolve(__dirname, '..', 'docs', 'benchmarks.md');

const HEADER = `# Benchmarks

Figures from \`npm run bench\` on the project's 2-core machine. Machines here are shared and
noisy, so every figure is a ratio against a baseline measured in the same run, and each
section says how to reproduce it.
`;

/** Replaces (or appends) the section headed `## <title>`. */
export function writeSection(title: string, body: string): void {
  let text = fs.existsSync(BENCH_DOC) ? fs.readFileSync(BENCH_DOC, 'utf8') : HEADER;
  const section = `## ${title}\n\n${body.trim()}\n`;
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`## ${escaped}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = re.test(text) ? text.replace(re, section.trimEnd() + '\n') : `${text.trimEnd()}\n\n${section}`;
  fs.writeFileSync(BENCH_DOC, text.trimEnd() + '\n');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  const upper = must(s[m], 'a figure to take the median of');
  return s.length % 2 ? upper : (must(s[m - 1], 'the lower middle figure') + upper) / 2;
}

/** The 1-minute load average, as each section prints it. */
export function loadAverage(): string {
  return must(os.loadavg()[0], 'the 1-minute load average').toFixed(1);
}
