#!/usr/bin/env bash
# The million-run benchmark (issue 18; not in CI): `ipwarm sweep` of RUNS replicates of
# scenarios/default.toml with series on, end to end through the release binary, then the
# steps whose memory must not grow with the number of runs, each as its own process under
# /usr/bin/time -v (wall, user and system time, peak RSS):
#
#   design   `sweep --dry-run` (the design expanded and listed, output discarded)
#   sweep    the sweep itself (runs, manifest, summaries, charts, report.html); its phases
#            are told apart by the times the folder's files were last written: runs
#            (runs.csv), summaries (summary.csv), charts and report (report.html)
#   plot     `ipwarm plot` (charts and report redrawn from the summaries)
#   merge    with --merge only: the sweep again as two shards, then `ipwarm merge`
#
# and the sizes of the outputs. A shell script rather than a `[[bench]]`: it times the real
# command in its own processes (peak RSS per step), and `cargo bench` would run it with the others.
#
# Usage: benches/million.sh [RUNS] [--threads N] [--merge] [--keep]
#   RUNS       replicates (default 1000000; 100000 for the variant in docs/MODEL.md section 11)
#   --threads  worker threads (default: every core)
#   --merge    also time the two shards and their merge
#   --keep     keep the temporary folder (printed) instead of deleting it
set -euo pipefail

runs=1000000
threads=$(nproc)
merge=0
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads="$2"; shift 2 ;;
        --merge) merge=1; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) runs="$1"; shift ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
(cd "$root" && cargo build --release --bin ipwarm --quiet)
bin="$root/target/release/ipwarm"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipwarm-million.XXXXXX")
if [ "$keep" = 0 ]; then trap 'rm -rf "$tmp"' EXIT; fi
cat > "$tmp/million.toml" <<EOF
name = "million"
description = "benches/million.sh: $runs replicates of the default scenario"
scenario = "$root/scenarios/default.toml"
replicates = $runs
seed = 1
EOF

# step NAME CMD...: runs CMD under /usr/bin/time -v and prints its figures.
step() {
    local name="$1"
    shift
    local log="$tmp/$name.time"
    /usr/bin/time -v -o "$log" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || {
        echo "$name failed:" >&2
        tail -5 "$tmp/$name.err" >&2
        exit 1
    }
    awk -v name="$name" -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
        /User time/ { user = $2 }
        /System time/ { sys = $2 }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%-8s wall %8.2f s  user %8.2f s  sys %6.2f s  peak RSS %7.1f MB\n", name, wall, user, sys, rss / 1024 }
    ' "$log"
}

# mtime FILE: its last modification, in seconds with fractions.
mtime() { stat -c '%.3Y' "$1"; }

echo "ipwarm sweep of $runs runs of scenarios/default.toml, $threads threads ($(nproc) cores), in $tmp"
step design "$bin" sweep "$tmp/million.toml" --dry-run
start=$(date +%s.%N)
step sweep "$bin" sweep "$tmp/million.toml" --out "$tmp/out" --threads "$threads"
out="$tmp/out"
awk -v s="$start" -v r="$(mtime "$out/runs.csv")" -v m="$(mtime "$out/summary.csv")" -v e="$(mtime "$out/report.html")" \
    'BEGIN { printf "  phases: runs %.2f s, summaries %.2f s, charts and report %.2f s (from the files written)\n", r - s, m - r, e - m }'
step plot "$bin" plot "$out"
if [ "$merge" = 1 ]; then
    step shard1 "$bin" sweep "$tmp/million.toml" --out "$tmp/s1" --shard 1/2 --threads "$threads"
    step shard2 "$bin" sweep "$tmp/million.toml" --out "$tmp/s2" --shard 2/2 --threads "$threads"
    step merge "$bin" merge "$tmp/s1" "$tmp/s2" --out "$tmp/merged"
fi

echo "outputs:"
bytes() { du -sb "$1" | cut -f1; }
for f in manifest.json runs.csv series series.csv summary.csv series_summary.csv report.html; do
    [ -e "$out/$f" ] && printf "  %-20s %14d bytes  (%.1f per run)\n" "$f" "$(bytes "$out/$f")" "$(echo "$(bytes "$out/$f") / $runs" | bc -l)"
done
printf "  %-20s %14d bytes\n" "whole folder" "$(bytes "$out")"
