#!/usr/bin/env bash
# Stops the single-node Slurm cluster started by scripts/slurm/start.sh: cancels
# every job, then stops slurmd, slurmctld and munged (munged only if start.sh
# started it), each by the pid in its pid file, never by name.
#
#   scripts/slurm/stop.sh            stop the daemons, keep the state and logs under $SLURM_TEST_DIR
#   scripts/slurm/stop.sh --purge    also remove the state, spool, logs and pid files, and put back an
#                                    /etc/slurm/slurm.conf that start.sh --force replaced
set -uo pipefail

BASE=${SLURM_TEST_DIR:-${TMPDIR:-/tmp}/ipwarm-slurm}
PURGE=0
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "stop.sh: unknown argument \`$arg\` (see --help)" >&2; exit 2 ;;
  esac
done
log() { printf '[slurm stop %s] %s\n' "$(date +%T)" "$*"; }

# stop_pidfile PIDFILE EXE: stops the pid in PIDFILE if it is alive and runs EXE.
stop_pidfile() {
  local f=$1 exe=$2 pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null)
  [[ $pid =~ ^[0-9]+$ ]] || { rm -f "$f"; return 0; }
  if kill -0 "$pid" 2>/dev/null && [ "$(readlink -f /proc/"$pid"/exe 2>/dev/null)" = "$(readlink -f "$exe")" ]; then
    log "stopping $(basename "$exe") (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid still alive after 10 s: SIGKILL"
      kill -KILL "$pid"
    fi
  fi
  rm -f "$f"
}

if command -v squeue >/dev/null && [ -s "$BASE/run/slurmctld.pid" ]; then
  jobs=$(timeout 10 squeue -h -o '%A' 2>/dev/null | sort -u || true)
  if [ -n "$jobs" ]; then
    log "cancelling jobs: $(echo $jobs)"
    # shellcheck disable=SC2086 # one argument per job id
    timeout 10 scancel $jobs 2>/dev/null || true
    for _ in $(seq 25); do [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
  fi
fi

for f in "$BASE"/run/slurmd-*.pid; do
  [ -e "$f" ] && stop_pidfile "$f" "$(command -v slurmd || echo /usr/sbin/slurmd)"
done
stop_pidfile "$BASE/run/slurmctld.pid" "$(command -v slurmctld || echo /usr/sbin/slurmctld)"
if [ -s "$BASE/run/munged.pid" ]; then
  stop_pidfile "$BASE/run/munged.pid" "$(command -v munged || echo /usr/sbin/munged)"
  rm -f /run/munge/munged.pid
fi

if [ "$PURGE" = 1 ]; then
  if [ -e "$BASE/slurm.conf.orig" ]; then
    log "restoring /etc/slurm/slurm.conf"
    cp -p "$BASE/slurm.conf.orig" /etc/slurm/slurm.conf
  fi
  log "removing $BASE"
  rm -rf "$BASE/state" "$BASE/spool" "$BASE/log" "$BASE/run" "$BASE/slurm.conf.orig"
  rmdir "$BASE" 2>/dev/null || true
fi
log "stopped"
