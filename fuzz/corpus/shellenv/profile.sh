# comment PYTHONPATH=/nope
export PYTHONPATH=/opt/a
MYPYTHONPATH=/x
X=v; export X
declare -x D="dq $X"
typeset -x T='sq $X'
readonly R=1
PYTHONSTARTUP=~/start.py
export PYTHONSTARTUP
P="$PYTHONHOME:/new"
Q=${UNSET:-def} W=${X:-def} Z=${X:+alt}
C=$(id -u) B=`date` A=$((1+2))
if [ -d /x ]; then
  export IFV=1
fi
case "$TERM" in
  xterm*) export CV=1 ;;
  *) ;;
esac
f() {
  export FN=1
}
function g {
  export GN=1
}
g
[ -r /etc/x ] && export AND=1
source ~/.bashrc.d/x.sh
. "$HOME/y"
LONG="a\
b"
PYTHONPATH=/cron python3 job.py
env PYTHONHOME=/e python3
cat <<EOF2
export HEREDOC=1
EOF2
ml="x
y"
bad='unterminated
export AFTER=1
