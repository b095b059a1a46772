#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine, for tests: Debian's
# slurmctld, slurmd, slurm-client and munge, one node on loopback, run as root
# without systemd or cgroups. Idempotent: a second call finds the daemons up
# and returns at once. Stop it with scripts/slurm/stop.sh.
#
#   scripts/slurm/start.sh            install what is missing, (re)use the state, start, wait until the node is idle
#   scripts/slurm/start.sh --clean    also wipe the controller's state (jobs) first; the daemons must be stopped
#   scripts/slurm/start.sh --force    replace an /etc/slurm/slurm.conf that this script did not write (backed up)
#
# State, spool, logs and pid files live under $SLURM_TEST_DIR (default $TMPDIR/ipwarm-slurm, else
# /tmp/ipwarm-slurm). Besides that it writes /etc/slurm/slurm.conf, /etc/munge/munge.key (if missing)
# and /run/munge (munge's socket folder, which systemd would create). $SLURM_WAIT_S (default 60)
# bounds the wait for the node.
#
# What it handles (each was a failure on a machine like CI's):
# - the packages' install scripts try to start the services and fail without systemd and without a
#   configuration: a temporary /usr/sbin/policy-rc.d forbids it during the install;
# - without systemd /run/munge does not exist: it is created, and munged runs as the munge user;
# - a job whose afterok dependency can never be met (a failed array task) is cancelled, not left
#   pending forever: `DependencyParameters=kill_invalid_depend` (under SchedulerParameters Slurm
#   22.05 ignores it silently);
# - scheduling without the default batching delay (about 1 s per step instead of 3 s);
# - no accounting database, so no `sacct`: `scontrol show job` (finished jobs are kept an hour)
#   and the job completion log $SLURM_TEST_DIR/log/jobcomp.txt tell how jobs ended.
set -euo pipefail

BASE=${SLURM_TEST_DIR:-${TMPDIR:-/tmp}/ipwarm-slurm}
CONF=/etc/slurm/slurm.conf
WAIT_S=${SLURM_WAIT_S:-60}
CLEAN=0
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --clean) CLEAN=1 ;;
    --force) FORCE=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "start.sh: unknown argument \`$arg\` (see --help)" >&2; exit 2 ;;
  esac
done

T_ALL=$(date +%s.%N)
since() { awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$1}"; }
log() { printf '[slurm start %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[slurm start] error: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"

# pid_alive PIDFILE EXE: the pid in PIDFILE is alive and runs EXE.
pid_alive() {
  local f=$1 exe=$2 pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(readlink -f /proc/"$pid"/exe 2>/dev/null)" = "$(readlink -f "$exe")" ]
}

# 1. Packages.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
  || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  t=$(date +%s.%N)
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  install_packages() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      slurmctld slurmd slurm-client munge >/dev/null
  }
  # The package lists may be missing or stale on a fresh machine: update them only when needed.
  if ! install_packages 2>/dev/null; then
    apt-get update -q >/dev/null
    install_packages
  fi
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
  log "installed in $(since "$t") s"
fi
SLURMCTLD=$(readlink -f "$(command -v slurmctld)")
SLURMD=$(readlink -f "$(command -v slurmd)")
MUNGED=$(readlink -f "$(command -v munged)")

# 2. Munge: a key, its folders, and the daemon as the munge user.
if [ ! -s /etc/munge/munge.key ]; then
  log "creating the munge key"
  install -d -o munge -g munge -m 0700 /etc/munge
  if command -v mungekey >/dev/null; then
    runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
  else
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge

# 3. Configuration: one node, this machine, on loopback.
NODE=$(hostname -s)
HW=$("$SLURMD" -C | head -1)
hwval() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" $HW"; }
CPUS=$(hwval CPUs)
SOCKETS=$(hwval SocketsPerBoard)
CORES=$(hwval CoresPerSocket)
THREADS=$(hwval ThreadsPerCore)
MEM=$(hwval RealMemory)

if [ "$CLEAN" = 1 ]; then
  pid_alive "$BASE/run/slurmctld.pid" "$SLURMCTLD" && die "slurmctld is running: run scripts/slurm/stop.sh before --clean"
  rm -rf "$BASE/state" "$BASE/spool"
fi
mkdir -p "$BASE/state" "$BASE/spool" "$BASE/log" "$BASE/run"

NEWCONF=$(
  cat <<CONF
# generated by ipwarm's scripts/slurm/start.sh: a single-node test cluster
ClusterName=ipwarm-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/slurmd-%n
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd-%n.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd-%n.log
# no cgroups: plain process tracking, no task containment
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# no slurmdbd, so no sacct: finished jobs stay in scontrol for an hour and are logged here
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
MinJobAge=3600
SchedulerType=sched/backfill
# schedule at once instead of batching every 3 s; cancel a job whose afterok dependency can
# never be met instead of leaving it pending forever
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS Sockets=$SOCKETS CoresPerSocket=$CORES ThreadsPerCore=$THREADS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
)
CONF_CHANGED=0
if [ "$(cat "$CONF" 2>/dev/null)" != "$NEWCONF" ]; then
  if [ -s "$CONF" ] && ! grep -q "generated by ipwarm's scripts/slurm/start.sh" "$CONF"; then
    [ "$FORCE" = 1 ] || die "$CONF was not written by this script: rerun with --force to replace it (it is backed up to $BASE/slurm.conf.orig)"
    [ -e "$BASE/slurm.conf.orig" ] || cp -p "$CONF" "$BASE/slurm.conf.orig"
  fi
  mkdir -p /etc/slurm
  printf '%s\n' "$NEWCONF" >"$CONF"
  CONF_CHANGED=1
  log "wrote $CONF (node $NODE: $CPUS CPUs, $MEM MB)"
fi

# 4. Daemons, each remembered by its pid file.
T_D=$(date +%s.%N)
if ! pid_alive /run/munge/munged.pid "$MUNGED"; then
  log "starting munged"
  runuser -u munge -- "$MUNGED"
  # Only a munged started here is stopped by stop.sh.
  cp /run/munge/munged.pid "$BASE/run/munged.pid"
fi
munge -n | unmunge >/dev/null || die "munge round trip failed"

if [ "$CONF_CHANGED" = 1 ]; then
  for f in "$BASE/run/slurmd-$NODE.pid:$SLURMD" "$BASE/run/slurmctld.pid:$SLURMCTLD"; do
    if pid_alive "${f%%:*}" "${f#*:}"; then
      p=$(cat "${f%%:*}")
      log "configuration changed: stopping pid $p"
      kill "$p"
      for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    fi
  done
fi
if ! pid_alive "$BASE/run/slurmctld.pid" "$SLURMCTLD"; then
  log "starting slurmctld"
  "$SLURMCTLD" # daemonizes; its pid goes to $BASE/run/slurmctld.pid
fi
if ! pid_alive "$BASE/run/slurmd-$NODE.pid" "$SLURMD"; then
  log "starting slurmd"
  "$SLURMD" # daemonizes; its pid goes to $BASE/run/slurmd-$NODE.pid
fi

# 5. Wait until the node takes jobs.
deadline=$(($(date +%s) + WAIT_S))
while :; do
  st=$(sinfo -h -n "$NODE" -o '%T' 2>/dev/null || true)
  case "$st" in
    idle | mixed | allocated | completing) break ;;
    *drain* | down* | *fail*) scontrol update nodename="$NODE" state=resume 2>/dev/null || true ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    sinfo -N -l || true
    tail -20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd-$NODE.log" >&2 || true
    die "node $NODE not idle after ${WAIT_S} s (state: '${st:-no answer}')"
  fi
  sleep 0.2
done
log "node $NODE is $st: daemons ready in $(since "$T_D") s, $(since "$T_ALL") s in all"
log "pids: munged $(cat /run/munge/munged.pid), slurmctld $(cat "$BASE/run/slurmctld.pid"), slurmd $(cat "$BASE/run/slurmd-$NODE.pid"); logs in $BASE/log"
