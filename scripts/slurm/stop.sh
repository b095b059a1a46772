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

# stop PIDFILE:EXE...: sends SIGTERM to each pid in a PIDFILE that is alive and runs its EXE, waits
# up to 10 s for them all to end (SIGKILL after that), and removes the pid files.
stop() {
  local item f exe pid pids=()
  for item in "$@"; do
    f=${item%%:*} exe=${item#*:}
    [ -s "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null)
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
      && [ "$(readlink -f /proc/"$pid"/exe 2>/dev/null)" = "$(readlink -f "$exe")" ]; then
      log "stopping $(basename "$exe") (pid $pid)"
      kill -TERM "$pid"
      pids+=("$pid")
    fi
    rm -f "$f"
  done
  for _ in $(seq 100); do
    local alive=()
    for pid in "${pids[@]}"; do if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi; done
    pids=("${alive[@]}")
    [ ${#pids[@]} -gt 0 ] || return 0
    sleep 0.1
  done
  log "still alive after 10 s: ${pids[*]}: SIGKILL"
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

if command -v squeue >/dev/null && [ -s "$BASE/run/slurmctld.pid" ]; then
  jobs=$(timeout 10 squeue -h -o '%A' 2>/dev/null | sort -u || true)
  if [ -n "$jobs" ]; then
    log "cancelling jobs: ${jobs//$'\n'/ }"
    # shellcheck disable=SC2086 # one argument per job id
    timeout 10 scancel $jobs 2>/dev/null || true
    for _ in $(seq 25); do [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
  fi
fi

# All at once (each takes about 2 s to end); munged only if start.sh started it.
daemons=("$BASE/run/slurmctld.pid:$(command -v slurmctld || echo /usr/sbin/slurmctld)")
for f in "$BASE"/run/slurmd-*.pid; do
  [ -e "$f" ] && daemons+=("$f:$(command -v slurmd || echo /usr/sbin/slurmd)")
done
if [ -s "$BASE/run/munged.pid" ]; then
  daemons+=("$BASE/run/munged.pid:$(command -v munged || echo /usr/sbin/munged)")
  rm -f /run/munge/munged.pid
fi
stop "${daemons[@]}"

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
