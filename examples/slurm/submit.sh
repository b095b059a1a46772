#!/usr/bin/env bash
# Submits an ipwarm sweep to Slurm, from a cluster's login node: a job array of N tasks, task K
# running `ipwarm sweep EXPERIMENT --shard K/N` (sweep.sbatch), then a job that runs only if every
# task succeeded and merges the shards into OUT/merged (merge.sbatch). The merged files are exactly
# those of one unsharded `ipwarm sweep EXPERIMENT`.
#
#   examples/slurm/submit.sh EXPERIMENT OUT [options]
#
#   --tasks N          array tasks, one shard each (default 8)
#   --partition NAME   Slurm partition (default: the cluster's default partition)
#   --time T           time limit of each task and of the merge, as sbatch --time (default 01:00:00)
#   --mem M            memory of each task and of the merge, as sbatch --mem (default 2G)
#   --cpus C           CPUs (and ipwarm threads) per task (default 1)
#   --ipwarm PATH      the ipwarm binary on the compute nodes (default: $IPWARM, else `ipwarm` on PATH)
#   --wait             block until the merge ends: exit 0 if it succeeded; otherwise name each failed
#                      shard, its log, and the command that resumes it, and exit 1
#   --only K[,K...]    submit only these shards (and the merge): resumes failed shards, each
#                      continuing where it stopped (`ipwarm sweep --resume`)
#   --merge-only       submit only the merge job (every shard is finished)
#   --poll S           seconds between two looks at the jobs with --wait (default 10)
#
# Logs go to OUT/logs/. Without --wait it prints the job ids and returns. A task that fails (a
# sweep with failed runs exits 1 too) leaves the merge job cancelled, never pending forever
# (sbatch --kill-on-invalid-dep=yes). Exit codes: 0 success, 1 a job failed, 2 bad usage or input.
#
# Example:
#   examples/slurm/submit.sh experiments/strategies.toml results/strategies --tasks 16 --wait
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"

usage() { sed -n '2,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'; }
die() { printf 'submit.sh: %s\n' "$*" >&2; exit 2; }

TASKS=8 PARTITION='' TIME=01:00:00 MEM=2G CPUS=1 IPWARM_BIN=${IPWARM:-ipwarm}
WAIT=0 ONLY='' MERGE_ONLY=0 POLL=10
POSITIONAL=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks | --partition | --time | --mem | --cpus | --ipwarm | --only | --poll)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --tasks) TASKS=$2 ;;
        --partition) PARTITION=$2 ;;
        --time) TIME=$2 ;;
        --mem) MEM=$2 ;;
        --cpus) CPUS=$2 ;;
        --ipwarm) IPWARM_BIN=$2 ;;
        --only) ONLY=$2 ;;
        --poll) POLL=$2 ;;
      esac
      shift 2
      ;;
    --wait) WAIT=1; shift ;;
    --merge-only) MERGE_ONLY=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option \`$1\` (see --help)" ;;
    *) POSITIONAL+=("$1"); shift ;;
  esac
done
[ ${#POSITIONAL[@]} = 2 ] || die "usage: submit.sh EXPERIMENT OUT [options] (see --help)"

[[ $TASKS =~ ^[1-9][0-9]*$ ]] || die "--tasks must be a whole number >= 1, got \`$TASKS\`"
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "--cpus must be a whole number >= 1, got \`$CPUS\`"
[[ $POLL =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--poll must be a number of seconds, got \`$POLL\`"
[ -z "$ONLY" ] || [ "$MERGE_ONLY" = 0 ] || die "--only and --merge-only exclude each other"
if [ -n "$ONLY" ]; then
  [[ $ONLY =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--only takes shard numbers like 2 or 2,5, got \`$ONLY\`"
  for k in ${ONLY//,/ }; do
    [ "$k" -ge 1 ] && [ "$k" -le "$TASKS" ] || die "--only: shard $k is not in 1..$TASKS"
  done
fi
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"

# Absolute paths, so that the jobs and the printed commands work from any folder.
absolute() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
EXPERIMENT=$(absolute "${POSITIONAL[0]}")
OUT=$(absolute "${POSITIONAL[1]}")
[ -r "$EXPERIMENT" ] || die "cannot read experiment file $EXPERIMENT"
case "$IPWARM_BIN" in */*) IPWARM_BIN=$(absolute "$IPWARM_BIN") ;; esac

# Check the experiment here, when the binary runs here too, rather than in N failed jobs.
if command -v "$IPWARM_BIN" >/dev/null; then
  plan=$("$IPWARM_BIN" sweep "$EXPERIMENT" --dry-run 2>&1) || die "$(head -20 <<<"$plan")"
  runs=$(head -1 <<<"$plan" | sed -n 's/.* = \([0-9]*\) runs (.*/\1/p')
  [ -z "$runs" ] || [ "$TASKS" -le "$runs" ] || die "--tasks $TASKS is more than the $runs runs of the experiment"
fi
if [ -n "$(ls -A "$OUT/merged" 2>/dev/null)" ]; then
  die "$OUT/merged already holds merged results: choose another OUT, or remove it to merge again"
fi
if [ -n "$ONLY" ] || [ "$MERGE_ONLY" = 1 ]; then
  for k in $(seq "$TASKS"); do
    [[ ,$ONLY, == *,$k,* ]] || [ -d "$OUT/shard-$k" ] || die "$OUT/shard-$k does not exist: submit shard $k too"
  done
fi
mkdir -p "$OUT/logs"

# --parsable prints `id` or `id;cluster`.
submit() { local id; id=$(sbatch --parsable "$@") || exit 1; printf '%s' "${id%%;*}"; }
COMMON=(--kill-on-invalid-dep=yes --mem "$MEM" --export "ALL,IPWARM=$IPWARM_BIN")
[ -z "$PARTITION" ] || COMMON+=(--partition "$PARTITION")

ARRAY_JOB=''
DEPEND=()
if [ "$MERGE_ONLY" = 0 ]; then
  SHARDS=${ONLY:-1-$TASKS}
  ARRAY_JOB=$(submit "${COMMON[@]}" --array "$SHARDS" --time "$TIME" --cpus-per-task "$CPUS" \
    --output "$OUT/logs/sweep-%A_%a.log" "$HERE/sweep.sbatch" "$EXPERIMENT" "$OUT" "$TASKS")
  echo "submitted sweep array job $ARRAY_JOB: shards $SHARDS of $TASKS (logs: $OUT/logs/sweep-${ARRAY_JOB}_K.log)"
  DEPEND=(--dependency "afterok:$ARRAY_JOB")
fi
if ! MERGE_JOB=$(submit "${COMMON[@]}" "${DEPEND[@]}" --time "$TIME" --cpus-per-task 1 \
  --output "$OUT/logs/merge-%j.log" "$HERE/merge.sbatch" "$OUT"); then
  [ -z "$ARRAY_JOB" ] || scancel "$ARRAY_JOB"
  echo "submit.sh: the merge job was refused${ARRAY_JOB:+; array job $ARRAY_JOB cancelled}" >&2
  exit 1
fi
echo "submitted merge job $MERGE_JOB: ${ARRAY_JOB:+after every shard succeeds, }into $OUT/merged (log: $OUT/logs/merge-$MERGE_JOB.log)"
if [ "$WAIT" = 0 ]; then
  echo "watch them with: squeue -j ${ARRAY_JOB:+$ARRAY_JOB,}$MERGE_JOB"
  exit 0
fi

# ---- --wait: follow the jobs until the merge and every task have ended.

# Prints one line `TASK STATE EXITCODE REASON` per record of job $1 (a job array gives one per task,
# or per range of pending tasks; TASK is - for a plain job): from scontrol, or from sacct once
# the controller has forgotten the job.
records() {
  local out line
  if out=$(scontrol -o show job "$1" 2>/dev/null) && [ -n "$out" ]; then
    while IFS= read -r line; do
      printf '%s %s %s %s\n' "$(field ArrayTaskId "$line")" "$(field JobState "$line")" \
        "$(field ExitCode "$line")" "$(field Reason "$line")" | sed 's/^ /- /'
    done <<<"$out"
  elif command -v sacct >/dev/null && out=$(sacct -n -P -X -j "$1" -o JobID,State,ExitCode 2>/dev/null) && [ -n "$out" ]; then
    awk -F'|' '{ split($1, id, "_"); split($2, st, " "); print (id[2] == "" ? "-" : id[2]), st[1], $3, "-" }' <<<"$out"
  fi
}
# field NAME LINE: the value of NAME=value in a line of `scontrol -o show job`.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
# The task numbers of an ArrayTaskId such as 3, 2-4, 1,5 or 2-4%2.
expand() {
  local part
  for part in ${1//,/ }; do
    part=${part%%%*}
    seq "${part%-*}" "${part#*-}"
  done
}
running() { [[ $1 =~ ^(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_FED|RESIZING|SIGNALING|STAGE_OUT|STOPPED)$ ]]; }

misses=0
while :; do
  merge=$(records "$MERGE_JOB" | head -1)
  tasks=''
  [ -z "$ARRAY_JOB" ] || tasks=$(records "$ARRAY_JOB")
  if [ -z "$merge" ] || { [ -n "$ARRAY_JOB" ] && [ -z "$tasks" ]; }; then
    misses=$((misses + 1))
    [ "$misses" -lt 30 ] || { echo "submit.sh: lost track of jobs ${ARRAY_JOB:+$ARRAY_JOB, }$MERGE_JOB (scontrol has no record of them)" >&2; exit 1; }
  else
    misses=0
    read -r _ mstate mcode mreason <<<"$merge"
    [ "$mreason" != None ] || mreason=''
    # Cancel a merge that can never run, on clusters that would keep it pending.
    if [ "$mstate" = PENDING ] && [ "$mreason" = DependencyNeverSatisfied ]; then scancel "$MERGE_JOB"; fi
    busy=0
    while read -r _ state _ _; do if [ -n "$state" ] && running "$state"; then busy=1; fi; done <<<"$tasks"
    if ! running "$mstate" && [ "$busy" = 0 ]; then break; fi
  fi
  sleep "$POLL"
done

if [ "$mstate" = COMPLETED ]; then
  echo "merge job $MERGE_JOB completed: the merged sweep is in $OUT/merged"
  grep '^runs: ' "$OUT/logs/merge-$MERGE_JOB.log" 2>/dev/null || true
  exit 0
fi

# Something failed: name it, show the end of its log, and print the command that goes on from there.
# exit_status CODE:SIGNAL, as Slurm gives it.
exit_status() { if [ "${1#*:}" = 0 ]; then echo "exit code ${1%%:*}"; else echo "killed by signal ${1#*:}"; fi; }
tail_log() { [ -s "$1" ] && tail -n 5 "$1" | sed 's/^/    /' >&2 || true; }
# count STATUS SHARD: runs with that status (pending, failed) in the shard's manifest, from its
# "run_counts" (the manifest is rewritten when the shard ends; a shard killed on the way still
# counts its unfinished runs as pending).
count() {
  sed -n '/"run_counts"/,/}/p' "$OUT/shard-$2/manifest.json" 2>/dev/null | grep -o "\"$1\": [0-9]*" | grep -o '[0-9]*$' || true
}
unfinished=()
with_failed_runs=()
while read -r task state code reason; do
  [ -n "$task" ] && [ "$state" != COMPLETED ] || continue
  [ "$reason" != None ] || reason=''
  for k in $(expand "$task"); do
    log="$OUT/logs/sweep-${ARRAY_JOB}_$k.log"
    echo "shard $k/$TASKS failed: $state, $(exit_status "$code")${reason:+, reason $reason} (array task ${ARRAY_JOB}_$k, log $log)" >&2
    tail_log "$log"
    pending=$(count pending "$k")
    failed_runs=$(count failed "$k")
    if [ "${pending:-0}" = 0 ] && [ "${failed_runs:-0}" != 0 ]; then
      echo "  shard $k ran all its runs, $failed_runs failed (their seeds and messages are in $OUT/shard-$k/runs.csv): resuming does not run them again" >&2
      with_failed_runs+=("$k")
    else
      unfinished+=("$k")
    fi
  done
done <<<"$tasks"
next=("$SELF" "$EXPERIMENT" "$OUT" --tasks "$TASKS")
if [ ${#unfinished[@]} -gt 0 ] || [ ${#with_failed_runs[@]} -gt 0 ]; then
  echo "merge job $MERGE_JOB did not run: $mstate${mreason:+ ($mreason)}" >&2
  if [ ${#unfinished[@]} -gt 0 ]; then
    only=$(IFS=,; echo "${unfinished[*]}")
    next+=(--only "$only")
    echo "resume shard(s) $only, each where it stopped, then merge, with:" >&2
  else
    next+=(--merge-only)
    echo "merge the shards as they are (the failed runs recorded, as in a single sweep) with:" >&2
  fi
elif grep -q '^runs: ' "$OUT/logs/merge-$MERGE_JOB.log" 2>/dev/null; then
  echo "merge job $MERGE_JOB wrote $OUT/merged but some runs failed:" >&2
  tail_log "$OUT/logs/merge-$MERGE_JOB.log"
  exit 1
else
  echo "merge job $MERGE_JOB failed: $mstate, $(exit_status "$mcode")${mreason:+, reason $mreason} (log $OUT/logs/merge-$MERGE_JOB.log)" >&2
  tail_log "$OUT/logs/merge-$MERGE_JOB.log"
  next=(rm -rf "$OUT/merged" '&&' "${next[@]}" --merge-only)
  echo "merge again, once the cause is fixed, with:" >&2
fi
[ -z "$PARTITION" ] || next+=(--partition "$PARTITION")
next+=(--time "$TIME" --mem "$MEM" --cpus "$CPUS" --ipwarm "$IPWARM_BIN" --wait)
line=''
for word in "${next[@]}"; do
  if [ "$word" = '&&' ]; then line+=' &&'; else line+=" $(printf '%q' "$word")"; fi
done
echo " $line" >&2
exit 1
