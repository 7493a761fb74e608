# What a real interactive zsh offers when Tab is pressed after a command line:
#   zsh -f zsh-complete.zsh <command that loads the completion> <words typed before Tab>...
# prints one candidate a line. An interactive zsh runs in a pseudo-terminal (zpty) with the
# completion system (compinit) and the given load command; the typed line and a Tab go in, and
# every candidate zsh's own compadd accepts (so after zsh matched it against what was typed) is
# printed between two NUL lines. After Valodim's zsh-capture-completion (MIT).
zmodload zsh/zpty || exit 2
load=$1
shift
zpty shell zsh -f -i
local line
setopt rcquotes
() {
  zpty -w shell source $1
  repeat 50; do
    zpty -r shell line
    [[ $line == ok* ]] && return
  done
  echo 'zsh-complete: the shell did not start' >&2
  exit 2
} =( <<< '
PROMPT=
autoload -U compinit
compinit -u -d '${TMPDIR:-/tmp}'/zsh-complete.zcompdump
'$load'
bindkey ''^M'' undefined
bindkey ''^J'' undefined
bindkey ''^I'' complete-word
null-line () { echo -E - $''\0'' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle '':completion:*'' list-grouped false
zstyle '':completion:*'' insert-tab false
compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return $?
  fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  local hit
  for hit in $__hits; do echo -E - $hit; done
}
echo ok')
zpty -w shell "$*"$'\t'
integer seen=0
while zpty -r shell; do :; done | while IFS= read -r line; do
  if [[ $line == *$'\0\r' ]]; then
    (( seen++ )) && exit 0 || continue
  fi
  (( seen )) && echo -E - ${line%$'\r'}
done
exit 2
