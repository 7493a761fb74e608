/**
 * docs/hooks.md's "Writes recognised" table is the promise made to users: every row has cases
 * here, every command and option the row names is used by one of them, and each case writes
 * what the row says. A row added to the doc without a case, or a form the code does not
 * recognise, fails.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeBashWrites, type BashAnalysisOptions } from '../../src/claude/bash-writes';
import { must } from '../../src/core/errors';

const opts: BashAnalysisOptions = {
  cwd: '/w/repo',
  env: { HOME: '/home/me' },
  isDirectory: (p) => p === '/w/repo/dir',
  exists: (p) => ['/w/repo/dir', '/w/repo/src/a.ts', '/w/repo/src'].includes(p),
};

/** Everything the analysis saw: `how path[/**]`, `repo how @dir`, `infra how name,…`. */
function writes(cmd: string): string[] {
  const a = analyzeBashWrites(cmd, opts);
  return [...a.files.map((f) => `${f.how} ${f.path}${f.recursive ? '/**' : ''}`), ...a.repoWide.map((r) => `repo ${r.how} @${r.dir}`), ...a.infra.map((i) => `infra ${i.how} ${i.names.join(',')}`)];
}

/** Rows of the table, by their first code span; each case is a command and what it writes. */
const CASES: Record<string, [string, string[]][]> = {
  '> f': [
    ['echo a > f', ['> /w/repo/f']],
    ['echo a >> f', ['>> /w/repo/f']],
    ['echo a >| f', ['>| /w/repo/f']],
    ['make 2> f', ['> /w/repo/f']],
    ['make 2>> f', ['>> /w/repo/f']],
    ['make &> f', ['&> /w/repo/f']],
    ['make &>> f', ['&>> /w/repo/f']],
    ['echo a >&f', ['>& /w/repo/f']],
    ['make > /dev/null 2>&1; echo a >&2; echo b > /dev/stderr; echo c > /dev/fd/3', []],
  ],
  'tee [-a] f…': [['date | tee -a f g', ['tee /w/repo/f', 'tee /w/repo/g']]],
  'touch f…': [
    ['touch f g', ['touch /w/repo/f', 'touch /w/repo/g']],
    ['truncate -s 0 f', ['truncate /w/repo/f']],
  ],
  'rm [-r] f…': [
    ['rm -r d f', ['rm /w/repo/d/**', 'rm /w/repo/f/**']],
    ['rm f', ['rm /w/repo/f']],
    ['unlink f', ['unlink /w/repo/f']],
    ['shred f', ['shred /w/repo/f']],
    ['rmdir d', ['rmdir /w/repo/d/**']],
  ],
  'sed -i[SUF] / --in-place … f…': [
    ["sed -i 's/a/b/' f", ['sed -i /w/repo/f']],
    ["sed -i.bak 's/a/b/' f", ['sed -i /w/repo/f']],
    ["sed --in-place -e 's/a/b/' f g", ['sed -i /w/repo/f', 'sed -i /w/repo/g']],
    ["perl -i -pe 's/a/b/' f", ['perl -i /w/repo/f']],
    ["sed 's/a/b/' f", []],
  ],
  'mv src… dest': [
    ['mv a b', ['mv /w/repo/a/**', 'mv /w/repo/b/**']],
    ['mv a dir', ['mv /w/repo/a/**', 'mv /w/repo/dir/a/**']],
    ['mv -t dir a', ['mv /w/repo/a/**', 'mv /w/repo/dir/a/**']],
  ],
  'cp [-r] src… dest': [
    ['cp -r a b', ['cp /w/repo/b/**']],
    ['cp a dir', ['cp /w/repo/dir/a']],
    ['ln -s a b', ['ln /w/repo/b']],
    ['install -m 644 a b', ['install /w/repo/b']],
    ['rsync -a a b', ['rsync /w/repo/b/**']],
    ['rsync -a a host:b', []],
  ],
  'dd of=f': [['dd if=/dev/zero of=f bs=1', ['dd of= /w/repo/f']]],
  'curl -o f': [
    ['curl -o f https://x', ['curl -o /w/repo/f']],
    ['curl --output f https://x', ['curl -o /w/repo/f']],
    ['curl -sSLo f https://x', ['curl -o /w/repo/f']],
    ['curl -o - https://x', []],
    ['wget -O f https://x', ['wget -O /w/repo/f']],
    ['wget --output-document=f https://x', ['wget -O /w/repo/f']],
    ['sort -o f g', ['sort -o /w/repo/f']],
  ],
  'curl -O <url>': [
    ['curl -O https://x/a/f', ['curl -O /w/repo/f']],
    ['curl -sSLO https://x/f', ['curl -O /w/repo/f']],
    ['curl --remote-name --output-dir dir https://x/f', ['curl -O /w/repo/dir/f']],
    ['curl -d o -O https://x/f', ['curl -O /w/repo/f']],
    ['curl -c f https://x', ['curl /w/repo/f']],
    ['curl -D f https://x', ['curl /w/repo/f']],
    ['curl -OJ https://x/f', []],
    ['wget https://x/a/f', ['wget /w/repo/f']],
    ['wget -P dir https://x/', ['wget /w/repo/dir/index.html']],
    ['wget -r https://host/docs/', ['wget -r /w/repo/host/**']],
    ['wget -qO- https://x/f', []],
  ],
  'find <start>… -delete': [
    ['find d -delete', ['find -delete /w/repo/d/**']],
    ["find . -name '*.pyc' -delete", ['find -delete /w/repo/**/*.pyc/**']],
    ['find d -exec rm {} +', ['find -exec rm /w/repo/d/**']],
    ["find d -name '*.ts' -exec sed -i s/a/b/ {} +", ['find -exec sed -i /w/repo/d/**/*.ts/**']],
    ['find d -exec grep x {} +', []],
    ['find d | xargs rm', ['find | xargs rm /w/repo/d/**']],
    ['find d -print0 | xargs -0 -I F mv F /tmp/', ['find | xargs mv /w/repo/d/**', 'find | xargs mv /tmp/d/**']],
    ['ls | xargs rm', []],
  ],
  'tar -x': [
    ['tar -x -f a.tar', ['tar -x /w/repo/**']],
    ['tar -xzf a.tgz -C out', ['tar -x /w/repo/out/**']],
    ['tar --extract -f a.tar -C out m', ['tar -x /w/repo/out/m/**']],
    ['tar xf a.tar', ['tar -x /w/repo/**']],
    ['unzip a.zip', ['unzip /w/repo/**']],
    ['unzip a.zip m -d out', ['unzip /w/repo/out/m']],
    ['tar -tf a.tar; unzip -l a.zip', []],
  ],
  'ex f': [
    ["ex -sc 'wq' f", ['ex /w/repo/f']],
    ['ed f', ['ed /w/repo/f']],
    ["vim -e -c 'wq' f", ['vim /w/repo/f']],
    ['vim -es f', ['vim /w/repo/f']],
    ['vim -Es +wq f', ['vim /w/repo/f']],
    ['vi -e f', ['vi /w/repo/f']],
    ['vim f', []],
  ],
  'sudo -e f': [
    ['sudo -e f', ['sudoedit /w/repo/f']],
    ['sudoedit f', ['sudoedit /w/repo/f']],
  ],
  'git checkout [<ref>] -- p…': [
    ['git checkout main -- src', ['git checkout -- /w/repo/src/**']],
    ['git checkout main src/a.ts x', ['git checkout /w/repo/src/a.ts/**', 'git checkout /w/repo/x/**']],
    ['git checkout src/a.ts', ['git checkout /w/repo/src/a.ts/**']],
    ['git checkout feature', []],
    ['git restore --source main --worktree src', ['git restore /w/repo/src/**']],
    ['git restore --staged src', []],
    ['git stash push -m msg -- src', ['git stash /w/repo/src/**']],
  ],
  'git add p…': [
    ['git add src', ['git add /w/repo/src/**']],
    ['git commit -m msg src', ['git commit /w/repo/src/**']],
    ['git rm f', ['git rm /w/repo/f/**']],
    ['git mv a b', ['git mv /w/repo/a/**', 'git mv /w/repo/b/**']],
  ],
  'git add -A / --all / -u / .': [
    ['git add -A', ['repo git add -A @/w/repo']],
    ['git add --all', ['repo git add --all @/w/repo']],
    ['git add -u', ['repo git add -u @/w/repo']],
    ['git add .', ['repo git add @/w/repo']],
    ['git commit -a', ['repo git commit -a @/w/repo']],
    ['git commit -am msg', ['repo git commit -a @/w/repo']],
    ['git checkout .', ['repo git checkout . @/w/repo']],
    ['git checkout -f', ['repo git checkout -f @/w/repo']],
    ['git checkout -f main', ['repo git checkout -f @/w/repo']],
    ['git switch -f main', ['repo git switch --discard-changes @/w/repo']],
    ['git switch --discard-changes main', ['repo git switch --discard-changes @/w/repo']],
    ['git reset -q --hard', ['repo git reset --hard @/w/repo']],
    ['git reset --merge', ['repo git reset --merge @/w/repo']],
    ['git reset --keep', ['repo git reset --keep @/w/repo']],
    ['git clean -f', ['repo git clean -f @/w/repo']],
    ['git stash', ['repo git stash @/w/repo']],
    ['git stash save wip', ['repo git stash @/w/repo']],
  ],
  'git -C dir …': [
    ['git -C ../other add -A', ['repo git add -A @/w/other']],
    ['git -C sub checkout -- f', ['git checkout -- /w/repo/sub/f/**']],
  ],
  'terraform/tofu [-chdir=d] apply/destroy/import/taint/untaint/state': [
    ['terraform -chdir=envs/prod apply', ['infra terraform apply repo,envs,prod,terraform']],
    ['terraform destroy -var-file=staging.tfvars', ['infra terraform destroy staging,w,repo,terraform']],
    ['terraform import a b', ['infra terraform import w,repo,terraform']],
    ['terraform taint a', ['infra terraform taint w,repo,terraform']],
    ['terraform untaint a', ['infra terraform untaint w,repo,terraform']],
    ['terraform state rm a', ['infra terraform state w,repo,terraform']],
    ['tofu apply', ['infra tofu apply w,repo,tofu']],
    ['tofu destroy', ['infra tofu destroy w,repo,tofu']],
    ['tofu import a b', ['infra tofu import w,repo,tofu']],
    ['tofu taint a', ['infra tofu taint w,repo,tofu']],
    ['tofu untaint a', ['infra tofu untaint w,repo,tofu']],
    ['tofu state rm a', ['infra tofu state w,repo,tofu']],
    ['terraform plan', []],
  ],
  'kubectl apply/delete/create/replace/patch/edit/scale/rollout/set/label/annotate/drain/cordon/uncordon/taint': [
    ['kubectl --context prod apply -f x.yaml', ['infra kubectl apply prod,kubectl']],
    ['kubectl -n shop delete pod x', ['infra kubectl delete shop,kubectl']],
    ...['create', 'replace', 'patch', 'edit', 'scale', 'rollout', 'set', 'label', 'annotate', 'drain', 'cordon', 'uncordon', 'taint'].map((verb): [string, string[]] => [
      `kubectl ${verb} x`,
      [`infra kubectl ${verb} kubectl`],
    ]),
    ['helm install --kube-context prod x chart', ['infra helm install prod,helm']],
    ['helm upgrade x chart', ['infra helm upgrade helm']],
    ['helm uninstall x', ['infra helm uninstall helm']],
    ['helm rollback x 1', ['infra helm rollback helm']],
    ['helm delete x', ['infra helm delete helm']],
    ['kubectl get pods; helm list', []],
  ],
};

interface Row {
  form: string;
  spans: string[];
}

/** The rows of the table under "Writes recognised:" in docs/hooks.md. */
function tableRows(): Row[] {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/hooks.md'), 'utf8');
  const start = doc.indexOf('Writes recognised:');
  assert.ok(start >= 0, 'docs/hooks.md has the "Writes recognised:" table');
  const lines = doc.slice(start).split('\n').slice(1);
  const rows: Row[] = [];
  for (const line of lines.slice(lines.findIndex((l) => l.startsWith('|')))) {
    if (!line.startsWith('|')) break;
    const form = must(line.split(/(?<!\\)\|/)[1], `the form cell of ${line}`).trim();
    if (form === 'form' || /^-+$/.test(form)) continue;
    rows.push({ form, spans: [...form.matchAll(/`([^`]+)`/g)].map((m) => must(m[1], 'a code span').replace(/\\\|/g, '|')) });
  }
  return rows;
}

/**
 * What a code span of the form column asks to see in a case: its literal words, with each
 * `a/b` alternative on its own (`terraform/tofu apply/destroy` is four commands; `git add -A /
 * --all` is `git add -A` and `--all`), leaving out `[optional]` parts and placeholders (`f`,
 * `p…`, `<ref>`, `dir`). `N>` stands for any descriptor.
 */
function heads(span: string): string[][] {
  const placeholder = /^(f|d|p|a|b|X|N|dir|dest|src|msg|members)…?$|^…$|</;
  const result: string[][] = [];
  for (const alternative of span.split(' / ')) {
    let variants: string[][] = [[]];
    let optional = false;
    for (const raw of alternative.split(/\s+/)) {
      if (raw.startsWith('[')) optional = true;
      if (optional) {
        if (raw.endsWith(']')) optional = false;
        continue;
      }
      const word = raw.replace(/\[[^\]]*\]/g, '');
      if (placeholder.test(word)) continue;
      const options = /^[a-z]+(\/[a-z]+)+$|^-[-\w]*(\/-[-\w]*)+$/i.test(word) ? word.split('/') : [word];
      variants = variants.flatMap((v) => options.map((o) => [...v, o]));
    }
    for (const v of variants) if (v.length > 0) result.push(v);
  }
  return result;
}

/** `words` appear in `cmd` in order (`git reset --hard` in `git reset -q --hard`). */
function usedIn(words: string[], cmd: string): boolean {
  const tokens = cmd.split(/\s+/);
  let k = 0;
  for (const t of tokens) {
    const want = words[k];
    if (want !== undefined && (t === want || (want.startsWith('N') && new RegExp(`^\\d${want.slice(1).replace(/[|&>]/g, '\\$&')}$`).test(t)))) k++;
  }
  return k === words.length;
}

describe('docs/hooks.md "Writes recognised" table', () => {
  const rows = tableRows();

  it('has a case list for every row, and no case list for a row it does not have', () => {
    assert.ok(rows.length >= 15, `read ${rows.length} rows`);
    const keys = rows.map((r) => r.spans[0]);
    assert.deepEqual(
      keys.filter((k) => k === undefined || !(k in CASES)),
      [],
      'rows of docs/hooks.md without cases here',
    );
    assert.deepEqual(
      Object.keys(CASES).filter((k) => !keys.includes(k)),
      [],
      'cases for rows docs/hooks.md does not have',
    );
  });

  for (const row of rows) {
    it(`${row.form.slice(0, 70)}`, () => {
      const cases = CASES[must(row.spans[0], `a code span in the row ${row.form}`)];
      assert.ok(cases, `no cases for the row ${row.spans[0]}`);
      for (const [cmd, expected] of cases) assert.deepEqual(writes(cmd), expected, cmd);
      for (const span of row.spans) {
        for (const words of heads(span)) {
          assert.ok(
            cases.some(([cmd, expected]) => expected.length > 0 && usedIn(words, cmd)),
            `\`${words.join(' ')}\` (from \`${span}\`) is named in the row but no case that writes uses it`,
          );
        }
      }
    });
  }
});
