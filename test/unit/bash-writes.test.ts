import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeBashWrites, type BashAnalysisOptions } from '../../src/claude/bash-writes';
import { must } from '../../src/core/errors';

const CWD = '/w/repo';
const opts: BashAnalysisOptions = {
  cwd: CWD,
  env: { HOME: '/home/me', CLAUDE_PROJECT_DIR: '/w/repo' },
  isDirectory: (p) => p === '/w/repo/dir',
  exists: (p) => ['/w/repo/dir', '/w/repo/src/a.ts', '/w/repo/src'].includes(p),
};

/** `how path[/**]` for each file written, in order. */
function files(cmd: string, o: BashAnalysisOptions = opts): string[] {
  return analyzeBashWrites(cmd, o).files.map((f) => `${f.how} ${f.path}${f.recursive ? '/**' : ''}`);
}
function paths(cmd: string): string[] {
  return analyzeBashWrites(cmd, opts).files.map((f) => f.path);
}
function repoWide(cmd: string): string[] {
  return analyzeBashWrites(cmd, opts).repoWide.map((r) => `${r.how} @${r.dir}`);
}

describe('bash write analysis', () => {
  describe('redirections', () => {
    it('> and >> write their target, relative to cwd', () => {
      assert.deepEqual(files('echo hi > out.txt'), ['> /w/repo/out.txt']);
      assert.deepEqual(files('echo hi >>log/a.log'), ['>> /w/repo/log/a.log']);
      assert.deepEqual(files('echo a>b'), ['> /w/repo/b']);
    });
    it('fd forms: 2> and &> write, 2>&1 and >&2 do not, /dev/null is ignored', () => {
      assert.deepEqual(paths('make 2> err.txt'), ['/w/repo/err.txt']);
      assert.deepEqual(paths('make &> all.txt'), ['/w/repo/all.txt']);
      assert.deepEqual(paths('make &>> all.txt'), ['/w/repo/all.txt']);
      assert.deepEqual(paths('make >build.log 2>&1'), ['/w/repo/build.log']);
      assert.deepEqual(paths('echo x >&2; ls 2>/dev/null; cat >/dev/null'), []);
      assert.deepEqual(paths('echo x >| forced'), ['/w/repo/forced']);
    });
    it('< and here-strings only read', () => {
      assert.deepEqual(paths('wc -l < in.txt; cat <<< "a > b"'), []);
    });
    it('a here-document body is not parsed as commands', () => {
      const cmd = "cat > src/new.ts <<'EOF'\nrm -rf /\necho > nope\nEOF\necho done > after.txt";
      assert.deepEqual(paths(cmd), ['/w/repo/src/new.ts', '/w/repo/after.txt']);
      assert.deepEqual(paths('cat <<-END > x\n\trm y\n\tEND\n'), ['/w/repo/x']);
    });
    it('quoted operators are text, not redirections', () => {
      assert.deepEqual(paths(`echo "a > b" 'c >> d' e\\>f`), []);
      assert.deepEqual(paths('grep -c ">" file'), []);
    });
  });

  describe('file commands', () => {
    it('tee, touch, truncate', () => {
      assert.deepEqual(files('npm test | tee -a test.log other.log'), ['tee /w/repo/test.log', 'tee /w/repo/other.log']);
      assert.deepEqual(files('touch -d "2020-01-01" a b'), ['touch /w/repo/a', 'touch /w/repo/b']);
      assert.deepEqual(files('truncate -s 0 big.log'), ['truncate /w/repo/big.log']);
    });
    it('sed -i and perl -i write their file operands, not the script', () => {
      assert.deepEqual(files("sed -i 's/a/b/' src/x.ts src/y.ts"), ['sed -i /w/repo/src/x.ts', 'sed -i /w/repo/src/y.ts']);
      assert.deepEqual(files("sed -i.bak -e 's/a/b/' -e 's/c/d/' x.ts"), ['sed -i /w/repo/x.ts']);
      assert.deepEqual(files("sed --in-place 's/a/b/' x.ts"), ['sed -i /w/repo/x.ts']);
      assert.deepEqual(files("perl -pi -e 's/a/b/' x.pl"), ['perl -i /w/repo/x.pl']);
      assert.deepEqual(files("sed 's/a/b/' x.ts > y.ts"), ['> /w/repo/y.ts'], 'sed without -i only reads');
    });
    it('sed and perl options are read as the commands read them: an attached script, -M and -I are not -i', () => {
      assert.deepEqual(files('sed --expression=s/a/b/ -i x.ts y.ts'), ['sed -i /w/repo/x.ts', 'sed -i /w/repo/y.ts']);
      assert.deepEqual(files("perl -i -pe's/a/b/' x.pl y.pl"), ['perl -i /w/repo/x.pl', 'perl -i /w/repo/y.pl']);
      assert.deepEqual(files("perl -Mstrict -e 'print 1' x.pl; perl -Ilib -ne 'print' x.pl"), [], 'no -i: perl only reads');
    });
    it('rm (recursive with -r), rmdir, unlink', () => {
      assert.deepEqual(files('rm -f a.txt b.txt'), ['rm /w/repo/a.txt', 'rm /w/repo/b.txt']);
      assert.deepEqual(files('rm -rf build/'), ['rm /w/repo/build/**']);
      assert.deepEqual(files('rm -- -weird'), ['rm /w/repo/-weird']);
      assert.deepEqual(files('rmdir empty'), ['rmdir /w/repo/empty/**']);
    });
    it('mv writes its sources and its destination', () => {
      assert.deepEqual(files('mv a.ts b.ts'), ['mv /w/repo/a.ts/**', 'mv /w/repo/b.ts/**']);
      assert.deepEqual(files('mv a.ts b.ts dir'), ['mv /w/repo/a.ts/**', 'mv /w/repo/b.ts/**', 'mv /w/repo/dir/a.ts/**', 'mv /w/repo/dir/b.ts/**']);
    });
    it('cp writes only the destination; into a directory it writes dir/<name>', () => {
      assert.deepEqual(files('cp a.ts b.ts'), ['cp /w/repo/b.ts']);
      assert.deepEqual(files('cp src/a.ts dir'), ['cp /w/repo/dir/a.ts'], 'isDirectory says dir exists');
      assert.deepEqual(files('cp src/a.ts out/'), ['cp /w/repo/out/a.ts']);
      assert.deepEqual(files('cp -r src/lib vendor/'), ['cp /w/repo/vendor/lib/**']);
      assert.deepEqual(files('cp -t dest a b'), ['cp /w/repo/dest/a', 'cp /w/repo/dest/b']);
      assert.deepEqual(files('ln -sf ../target link'), ['ln /w/repo/link']);
      assert.deepEqual(files('rsync -a src/ host:/backup'), []);
    });
    it('downloaders, sort -o, archives and script editors', () => {
      assert.deepEqual(files('curl -o src/a.ts https://x/y; curl -sSLo b https://x; curl --output=c https://x; curl -o - https://x'), [
        'curl -o /w/repo/src/a.ts',
        'curl -o /w/repo/b',
        'curl -o /w/repo/c',
      ]);
      assert.deepEqual(files('curl -H "X: o" https://x; curl -XPOST -d o https://x'), [], 'other options and their arguments');
      assert.deepEqual(files('wget -O src/a.ts https://x; wget -qO- https://x; wget --output-document=b https://x'), ['wget -O /w/repo/src/a.ts', 'wget -O /w/repo/b']);
      assert.deepEqual(files('sort -o src/a.ts src/a.ts; sort -uo b c; sort --output=d e; sort f'), ['sort -o /w/repo/src/a.ts', 'sort -o /w/repo/b', 'sort -o /w/repo/d']);
      assert.deepEqual(files('tar -xzf a.tgz'), ['tar -x /w/repo/**'], 'everything under the directory it extracts into');
      assert.deepEqual(files('tar xf a.tar -C src; tar --extract -f a.tar --directory=dir src/a.ts'), ['tar -x /w/repo/src/**', 'tar -x /w/repo/dir/src/a.ts/**']);
      assert.deepEqual(files('tar -tf a.tar; tar -czf out.tgz src'), [], 'listing and creating write no file here (but the archive through -f is not followed)');
      assert.deepEqual(files('unzip -o a.zip; unzip -qo a.zip -d src; unzip -o a.zip x.txt'), ['unzip /w/repo/**', 'unzip /w/repo/src/**', 'unzip /w/repo/x.txt']);
      assert.deepEqual(files('unzip -l a.zip; unzip -n a.zip'), [], 'lists; never overwrites');
      assert.deepEqual(files("ex -sc '%s/a/b/|wq' src/a.ts; vim -es -c wq b; vim -Es +wq c; ed -s d"), ['ex /w/repo/src/a.ts', 'vim /w/repo/b', 'vim /w/repo/c', 'ed /w/repo/d']);
    });
    it('dd of=', () => {
      assert.deepEqual(files('dd if=/dev/zero of=disk.img bs=1M count=1'), ['dd of= /w/repo/disk.img']);
    });
    it('commands that only read write nothing', () => {
      for (const cmd of ['ls -la', 'cat a b', 'grep -r foo src', 'git status', 'git diff -- a', 'npm test', 'sed s/a/b/ x', 'find . -name "*.ts"', 'git log --oneline']) {
        const a = analyzeBashWrites(cmd, opts);
        assert.deepEqual([a.files, a.repoWide, a.infra], [[], [], []], cmd);
      }
    });
  });

  describe('paths', () => {
    it('~, $HOME and $CLAUDE_PROJECT_DIR expand; unknown variables are reported unresolved', () => {
      assert.deepEqual(paths('echo > ~/notes.md'), ['/home/me/notes.md']);
      assert.deepEqual(paths('echo > "$HOME/a b.md"'), ['/home/me/a b.md']);
      assert.deepEqual(paths('touch ${CLAUDE_PROJECT_DIR}/x'), ['/w/repo/x']);
      const a = analyzeBashWrites('rm $TARGET; echo > "$(mktemp)"', opts);
      assert.deepEqual(a.files, []);
      assert.equal(a.unresolved.length, 2);
    });
    it('globs are kept and flagged', () => {
      const f = must(analyzeBashWrites('rm src/*.ts', opts).files[0], 'the file');
      assert.equal(f.path, '/w/repo/src/*.ts');
      assert.equal(f.glob, true);
      assert.equal(analyzeBashWrites("rm 'src/*.ts'", opts).files[0]?.glob, false, 'a quoted * is a file name');
    });
    it('cd changes the directory for the rest of the list; a subshell restores it', () => {
      assert.deepEqual(paths('cd sub && touch a; touch b'), ['/w/repo/sub/a', '/w/repo/sub/b']);
      assert.deepEqual(paths('(cd /tmp && touch a) && touch b'), ['/tmp/a', '/w/repo/b']);
      assert.deepEqual(paths('cd ../other && echo > c'), ['/w/other/c']);
    });
  });

  describe('command structure', () => {
    it('splits on ; && || | & and newlines', () => {
      assert.deepEqual(
        paths('a > 1; b > 2 && c > 3 || d > 4 | e > 5 & f > 6\ng > 7'),
        [1, 2, 3, 4, 5, 6, 7].map((n) => `/w/repo/${n}`),
      );
    });
    it('each wrapper reads its own options: sudo -n/-k/-s take no argument, -u does', () => {
      for (const cmd of [
        'sudo -n rm -f src/a.ts',
        'sudo -k rm src/a.ts',
        'sudo -s rm src/a.ts',
        'sudo -nu root rm src/a.ts',
        'sudo --user=root -E rm src/a.ts',
        'doas -u root rm src/a.ts',
        'sudo -n -- rm src/a.ts',
      ]) {
        assert.deepEqual(paths(cmd), ['/w/repo/src/a.ts'], cmd);
      }
      assert.deepEqual(paths('nice -n 5 rm a; nice -10 rm b; nice --adjustment=3 rm c'), ['/w/repo/a', '/w/repo/b', '/w/repo/c']);
      assert.deepEqual(paths('timeout -s KILL 5 rm a; timeout --kill-after=2 5s rm b; timeout 5 rm c'), ['/w/repo/a', '/w/repo/b', '/w/repo/c']);
      assert.deepEqual(paths('env -i -u X PATH=/bin rm a; env -C sub rm b; rm c'), ['/w/repo/a', '/w/repo/sub/b', '/w/repo/c'], 'env -C changes only its own command');
      assert.deepEqual(paths("env -S 'rm a'"), ['/w/repo/a']);
      assert.deepEqual(paths('stdbuf -oL rm a; stdbuf -o L rm b; ionice -c 3 rm c'), ['/w/repo/a', '/w/repo/b', '/w/repo/c']);
      assert.deepEqual(paths('time -o t.log rm a'), ['/w/repo/t.log', '/w/repo/a']);
      assert.deepEqual(paths('busybox rm a; command rm b; exec -a x rm c'), ['/w/repo/a', '/w/repo/b', '/w/repo/c']);
      assert.deepEqual(paths('command -v rm; sudo -l rm x'), [], 'only prints');
      assert.deepEqual(files('sudo -e /etc/hosts; sudoedit /etc/fstab; sudo -u root -e /etc/x'), ['sudoedit /etc/hosts', 'sudoedit /etc/fstab', 'sudoedit /etc/x']);
      assert.deepEqual(files('sudo grep -e root /etc/passwd'), [], "the command's -e is not sudo's");
      const x = analyzeBashWrites('git ls-files | xargs -0 -n 1 -I{} rm -f src/a.ts', opts);
      assert.deepEqual(
        x.files.map((f) => f.path),
        ['/w/repo/src/a.ts'],
      );
      assert.equal(x.unresolved.length, 1, 'the operands xargs reads from its input are unknown');
    });
    it('eval and $PWD (following cd)', () => {
      assert.deepEqual(paths("eval 'rm src/a.ts'; eval rm -f b"), ['/w/repo/src/a.ts', '/w/repo/b']);
      assert.deepEqual(paths('rm "$PWD/src/a.ts"; cd src && rm "${PWD}/b.ts"'), ['/w/repo/src/a.ts', '/w/repo/src/b.ts']);
      assert.equal(analyzeBashWrites('eval "$CMD"', opts).unresolved.length, 1);
    });
    it('strips wrappers, assignments and keywords', () => {
      assert.deepEqual(paths('sudo -u root rm /etc/x'), ['/etc/x']);
      assert.deepEqual(paths('FOO=1 BAR=2 env X=y timeout 5 touch t'), ['/w/repo/t']);
      assert.deepEqual(paths('if true; then rm a; else rm b; fi'), ['/w/repo/a', '/w/repo/b']);
      assert.deepEqual(paths('for f in a b; do touch "$f"; done'), []);
      assert.deepEqual(paths('/usr/bin/rm x'), ['/w/repo/x']);
    });
    it('looks inside bash -c, $(…) and backticks', () => {
      assert.deepEqual(paths(`bash -c "echo hi > inner.txt"`), ['/w/repo/inner.txt']);
      assert.deepEqual(paths(`sh -lc 'rm gone'`), ['/w/repo/gone']);
      assert.deepEqual(paths('echo $(touch sub.txt) `rm tick`'), ['/w/repo/sub.txt', '/w/repo/tick']);
      assert.deepEqual(paths('echo $((1 + 2)) > n'), ['/w/repo/n']);
    });
    it('comments and line continuations', () => {
      assert.deepEqual(paths('touch a # > not-a-file\nrm \\\n  b'), ['/w/repo/a', '/w/repo/b']);
    });
    it("valid bash the old lexer gave up on: $'…' with an escaped quote, ${x:-'}'}", () => {
      assert.deepEqual(paths("echo $'it\\'s' > src/a.ts"), ['/w/repo/src/a.ts']);
      assert.deepEqual(paths("echo ${x:-'}'} > src/a.ts"), ['/w/repo/src/a.ts']);
      assert.deepEqual(paths('echo "${a:-"}"}" > b; rm c'), ['/w/repo/b', '/w/repo/c']);
    });
    it('when the lexer gives up, the plain writes beside what it could not read are still seen, without a throw', () => {
      assert.deepEqual(files('echo "oops > x'), ['> /w/repo/x']);
      assert.deepEqual(files("echo 'oops; rm -f src/a.ts"), ['rm /w/repo/src/a.ts']);
      assert.deepEqual(files("echo 'oops > x' ; sed -i s/a/b/ src/a.ts; echo $(oops"), ['sed -i /w/repo/src/a.ts'], 'a quoted > is text');
      assert.deepEqual(analyzeBashWrites("rm 'x", opts).files, [], 'a quoted operand is not plain');
      assert.deepEqual(analyzeBashWrites('echo $(oops', opts).files, []);
    });
  });

  describe('git', () => {
    it('checkout -- / restore write their paths', () => {
      assert.deepEqual(files('git checkout -- src/a.ts src/b.ts'), ['git checkout -- /w/repo/src/a.ts/**', 'git checkout -- /w/repo/src/b.ts/**']);
      assert.deepEqual(files('git checkout HEAD~1 -- lib'), ['git checkout -- /w/repo/lib/**']);
      assert.deepEqual(files('git restore src/a.ts'), ['git restore /w/repo/src/a.ts/**']);
      assert.deepEqual(files('git restore --source HEAD~2 --worktree x'), ['git restore /w/repo/x/**']);
      assert.deepEqual(files('git restore --staged src/a.ts'), [], 'only the index changes');
      assert.deepEqual(files('git checkout main'), [], 'switching branches by name is not guessed');
      assert.deepEqual(files('git checkout -b feature; git checkout -B x origin/x'), [], 'a new branch keeps every change');
    });
    it('checkout of a file without --, forced checkouts and switches, stash of paths', () => {
      assert.deepEqual(files('git checkout src/a.ts'), ['git checkout /w/repo/src/a.ts/**'], 'a name that is a file there is restored');
      assert.deepEqual(files('git checkout HEAD src/a.ts'), ['git checkout /w/repo/src/a.ts/**']);
      assert.deepEqual(files('git checkout main~2 x y'), ['git checkout /w/repo/x/**', 'git checkout /w/repo/y/**']);
      assert.deepEqual(files('git checkout src/*.ts'), ['git checkout /w/repo/src/*.ts/**']);
      assert.deepEqual(repoWide('git checkout -f'), ['git checkout -f @/w/repo']);
      assert.deepEqual(repoWide('git checkout -f main'), ['git checkout -f @/w/repo']);
      assert.deepEqual(repoWide('git checkout --force main'), ['git checkout -f @/w/repo']);
      assert.deepEqual(repoWide('git checkout -f -- src'), [], 'forced, but only the paths given');
      assert.deepEqual(repoWide('git switch -f main; git switch --discard-changes x'), ['git switch --discard-changes @/w/repo', 'git switch --discard-changes @/w/repo']);
      assert.deepEqual(repoWide('git switch main; git switch -c x'), []);
      assert.deepEqual(files('git stash -- src/a.ts'), ['git stash /w/repo/src/a.ts/**']);
      assert.deepEqual(files('git stash push -m wip src/a.ts'), ['git stash /w/repo/src/a.ts/**']);
      assert.deepEqual(repoWide('git stash -u; git stash save wip'), ['git stash @/w/repo', 'git stash @/w/repo']);
      assert.deepEqual(repoWide('git stash pop; git stash list'), []);
    });
    it('names git reset by its mode, whatever the options before it', () => {
      assert.deepEqual(repoWide('git reset --quiet --hard'), ['git reset --hard @/w/repo']);
      assert.deepEqual(repoWide('git reset -q --keep HEAD~1'), ['git reset --keep @/w/repo']);
      assert.deepEqual(repoWide('git reset --quiet HEAD~1'), [], 'a soft or mixed reset keeps the files');
    });
    it('repository-wide writes: add -A/./--all/-u, commit -a/-am, checkout ., reset --hard, clean -f, stash', () => {
      assert.deepEqual(repoWide('git add -A'), ['git add -A @/w/repo']);
      assert.deepEqual(repoWide('git add .'), ['git add @/w/repo']);
      assert.deepEqual(repoWide('git add --all && git commit -m "x"'), ['git add --all @/w/repo']);
      assert.deepEqual(repoWide('git commit -am "wip"'), ['git commit -a @/w/repo']);
      assert.deepEqual(repoWide('git commit --all -m x'), ['git commit -a @/w/repo']);
      assert.deepEqual(repoWide('git checkout .'), ['git checkout . @/w/repo']);
      assert.deepEqual(repoWide('git reset --hard HEAD'), ['git reset --hard @/w/repo']);
      assert.deepEqual(repoWide('git clean -fd'), ['git clean -f @/w/repo']);
      assert.deepEqual(repoWide('git stash'), ['git stash @/w/repo']);
      assert.deepEqual(repoWide('git stash list'), []);
      assert.deepEqual(repoWide('git -C ../other add -A'), ['git add -A @/w/other']);
      assert.deepEqual(repoWide('git commit -m "add -A"'), [], 'the message is not a flag');
      assert.deepEqual(repoWide('git pull --rebase && git merge main && git switch -c x'), [], 'git refuses to clobber uncommitted work itself');
    });
    it('git add / commit / rm / mv with paths', () => {
      assert.deepEqual(paths('git add src/a.ts'), ['/w/repo/src/a.ts']);
      assert.deepEqual(paths('git commit -m "msg" src/a.ts'), ['/w/repo/src/a.ts']);
      assert.deepEqual(paths('git rm -r old'), ['/w/repo/old']);
      assert.deepEqual(paths('git mv a b'), ['/w/repo/a', '/w/repo/b']);
    });
  });

  describe('infrastructure', () => {
    it('terraform apply names its directory segments and var-file; plan is read-only', () => {
      const a = analyzeBashWrites('terraform -chdir=terraform/environments/homelab-prod apply -auto-approve', opts);
      assert.equal(a.infra.length, 1);
      assert.equal(a.infra[0]?.how, 'terraform apply');
      assert.ok(a.infra[0]?.names.includes('homelab-prod'));
      assert.ok(a.infra[0]?.names.includes('terraform'));
      assert.deepEqual(analyzeBashWrites('terraform plan', opts).infra, []);
      assert.ok(analyzeBashWrites('cd envs/staging && tofu destroy -var-file=eu.tfvars', opts).infra[0]?.names.includes('eu'));
    });
    it('kubectl apply names the context and namespace; get is read-only', () => {
      const a = analyzeBashWrites('kubectl --context homelab apply -n longhorn -f x.yaml', opts);
      assert.deepEqual(a.infra[0]?.names.sort(), ['homelab', 'kubectl', 'longhorn']);
      assert.deepEqual(analyzeBashWrites('kubectl get pods -A', opts).infra, []);
      assert.equal(analyzeBashWrites('helm upgrade --kube-context prod app ./chart', opts).infra[0]?.how, 'helm upgrade');
    });
  });

  it('never throws, whatever the input (property)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', ' ', '>', '<', '&', '|', ';', '"', "'", '\\', '$', '(', ')', '`', '\n', '#', '-', 'i', 'r', 'm', 's', 'e', 'd', '*', '{', '}', '/', '.', '2', '~'),
          maxLength: 40,
        }),
        (cmd) => {
          const a = analyzeBashWrites(cmd, opts);
          for (const f of a.files) assert.ok(f.path.startsWith('/'), `absolute: ${f.path}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
