#!/usr/bin/env bash
# run.sh runs the benchmarks of this module and writes RESULTS.md from them.
#
# Usage: ./run.sh [-count N] [-benchtime T] [-runs N] [-v0 REV]
#
#   -count N      runs of every benchmark, for the medians (default 6)
#   -benchtime T  go test -benchtime of scenarios 1-4 and 7 (default 1s)
#   -runs N       cancellations and pauses measured per run of scenarios 5 and 6
#                 (default 50)
#   -v0 REV       also build this module at git revision REV (such as 1190ce5,
#                 v0) and run its scenarios 1-3 in every round, beside today's,
#                 as the library "tenacious-v0"
#
# The runs are interleaved (every benchmark once, COUNT times over), so that a
# noisy spell on the machine spreads over every library instead of hitting one.
# The raw go test output is kept in results/raw-TIME.txt (ignored by git).
# Scenario 8, the limiter, runs once after the rounds: it runs in virtual time
# and gives the same figures on every run (alone: go test -run TestLimiter -v .).
# For CI, which only checks that everything builds and runs, use instead:
#   go test -run . -bench . -benchtime=1x ./...
set -euo pipefail
cd "$(dirname "$0")"

count=6 benchtime=1s runs=50 v0=
while [ $# -gt 0 ]; do
  case $1 in
    -count) count=$2 ;;
    -benchtime) benchtime=$2 ;;
    -runs) runs=$2 ;;
    -v0) v0=$2 ;;
    *) sed -n '2,21s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
  shift 2
done

mkdir -p results
raw=results/raw-$(date -u +%Y%m%dT%H%M%SZ).txt
{
  echo "machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "cores: $(nproc)"
  echo "go: $(go version | cut -d' ' -f3-)"
} >"$raw"

go test -c -o results/benchmarks.test .
if [ -n "$v0" ]; then
  # The module as it was at $v0, built from a worktree that lives only as long
  # as the build.
  src=$PWD/results/v0-src
  rm -rf "$src"
  trap 'git worktree remove --force "$src" 2>/dev/null || true' EXIT
  git worktree add --detach --force "$src" "$v0" >&2
  (cd "$src/benchmarks" && go test -c -o "$OLDPWD/results/benchmarks-v0.test" .)
  git worktree remove --force "$src"
  echo "v0: $v0 ($(git rev-parse --short "$v0"))" >>"$raw"
fi
bench() { results/benchmarks.test -test.run '^$' -test.benchmem "$@" | tee -a "$raw"; }
bench_v0() {
  results/benchmarks-v0.test -test.run '^$' -test.benchmem "$@" |
    sed 's#^\(Benchmark[A-Za-z]*\)/tenacious#\1/tenacious-v0#' | tee -a "$raw"
}
for round in $(seq "$count"); do
  echo "round $round of $count" >&2
  bench -test.bench '^Benchmark(Success|ThreeRetries|Permanent|Fanout|HTTP)$' -test.benchtime "$benchtime"
  if [ -n "$v0" ]; then
    bench_v0 -test.bench '^Benchmark(Success|ThreeRetries|Permanent)$' -test.benchtime "$benchtime"
  fi
  bench -test.bench '^Benchmark(Cancel|Overshoot)$' -test.benchtime "${runs}x"
done
echo "limiter scenario" >&2
results/benchmarks.test -test.run '^TestLimiter$' -test.v | tee -a "$raw"

go run ./cmd/summarize \
  -cmd "cd benchmarks && ./run.sh -count $count -benchtime $benchtime -runs $runs${v0:+ -v0 $v0}" \
  "$raw" >RESULTS.md
echo "wrote RESULTS.md from $raw"
