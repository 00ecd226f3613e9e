# set -gx PYTHONPATH /nope
set -gx PYTHONPATH /opt/a /opt/b
set -x PYTHONSTARTUP ~/start.py
set -Ux PYTHONHOME "/u h"
set --export --global PYTHONUSERBASE '/ub'
set -g NOTEXP 1
set -gx MYPYTHONPATH /x
set -gx --append PYTHONPATH /opt/c
set -gx W (command -v foo)
if test -d /x
    set -gx IFV $HOME/x
end
function f
    set -gx FN 1
end
function g --on-variable PWD
    set -gx GN 1
end
test -e /x; and set -gx AND 1
source ~/.config/fish/extra.fish
export EXP=1
PYTHONPATH=/cmd python3 x.py 2>/dev/null
set -gx ESC a\ b "q\"q" 'it\'s'
set -gx BAD "unterminated
set -gx AFTER 1
