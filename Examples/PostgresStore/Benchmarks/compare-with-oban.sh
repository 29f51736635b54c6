#!/usr/bin/env bash
# Measures the agent runner's life cycle beside Oban for Python on the same PostgreSQL server, in turns, so that
# both see the same machine:
#
#   DATABASE_URL=postgres://… Examples/PostgresStore/Benchmarks/compare-with-oban.sh [TRIALS]
#
# Each trial runs, one after the other: Oban with 4 worker processes on pre-inserted jobs (fetch and ack), Oban with
# 4 worker processes on jobs inserted while they run (insert, fetch and ack), Oban with 1 worker process on 500 jobs
# trickled 20 ms apart (the wait from each insert to its fetch), and `agent-runner-pg bench` (its 4-process life
# cycle, with as many runs at a time per process as Oban's queue limit: the claim inserts the run, then running,
# then noOp; and its request to start, 500 requests trickled 20 ms apart to 1 taker process). Prints every trial and
# the medians.
# Oban comes from PyPI (pinned below) into a virtual environment this script creates under .build-bench-venv; it
# needs Python 3.12 or newer (python3.13, python3.12 or python3 on PATH, or a version pyenv installed).
set -euo pipefail

TRIALS="${1:-3}"
OBAN_VERSION="0.7.0"
OBAN_LIMIT="${OBAN_LIMIT:-200}"
RUNS="${RUNS:-24000}"
HERE="$(cd "$(dirname "$0")" && pwd)"
PACKAGE="$(dirname "$HERE")"
VENV="$PACKAGE/.build-bench-venv"

if [ -z "${DATABASE_URL:-}" ]; then
    echo "compare-with-oban: set DATABASE_URL to the server to measure (see the README's benchmark section)" >&2
    exit 2
fi

PYTHON=""
# pyenv's installed versions too: its shims answer `command -v` for versions that are not selected.
for candidate in python3.13 python3.12 python3 \
    $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
        PYTHON="$candidate"
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "compare-with-oban: Oban for Python needs Python 3.12 or newer; none found as python3.13, python3.12," \
        "python3 or in pyenv's versions" >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import oban" 2>/dev/null; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "oban==$OBAN_VERSION"
fi

swift build -c release --package-path "$PACKAGE" --product agent-runner-pg >&2
BENCH="$(swift build -c release --package-path "$PACKAGE" --show-bin-path)/agent-runner-pg"

RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT
for trial in $(seq 1 "$TRIALS"); do
    echo "trial $trial of $TRIALS" >&2
    "$VENV/bin/python" "$HERE/oban_noop.py" --jobs "$RUNS" --limit "$OBAN_LIMIT" --preinserted >>"$RESULTS"
    "$VENV/bin/python" "$HERE/oban_noop.py" --jobs "$RUNS" --limit "$OBAN_LIMIT" >>"$RESULTS"
    "$VENV/bin/python" "$HERE/oban_noop.py" --jobs 500 --processes 1 --limit "$OBAN_LIMIT" --trickle >>"$RESULTS"
    "$BENCH" bench --json --runs "$RUNS" --page-rows 1000 --trials 1 --concurrency "$OBAN_LIMIT" --requests 500 |
        "$VENV/bin/python" -c '
import json, sys
report = json.load(sys.stdin)
print(json.dumps({"system": "agent-runner", "perSecond": report["lifecycleRunsPerSecond"]["fourProcesses"]}))
print(json.dumps({"system": "agent-runner", "trickle": True, "p50Ms": report["requestToStartMs"]["p50"],
                  "p99Ms": report["requestToStartMs"]["p99"]}))
' >>"$RESULTS"
done

"$VENV/bin/python" - "$RESULTS" "$OBAN_LIMIT" <<'PY'
import json, statistics, sys

rows = [json.loads(line) for line in open(sys.argv[1])]
def rates(system, preinserted=None):
    return [row["perSecond"] for row in rows
            if row["system"] == system and "perSecond" in row
            and (preinserted is None or row.get("preinserted") == preinserted)]
def waits(system, key):
    return [row[key] for row in rows if row["system"] == system and row.get("trickle")]
measures = [
    (f"Oban, 4 processes x {sys.argv[2]}, pre-inserted jobs (fetch, ack)", rates("oban", True)),
    (f"Oban, 4 processes x {sys.argv[2]}, jobs inserted while running (insert, fetch, ack)", rates("oban", False)),
    (f"agent runner, 4 processes x {sys.argv[2]}, full life cycle (claim inserts the run, running, noOp)",
     rates("agent-runner")),
]
for name, values in measures:
    trials = ", ".join(f"{value:.0f}" for value in values)
    print(f"{name}: median {statistics.median(values):.0f}/s (trials {trials})")
ours = statistics.median(rates("agent-runner"))
for name, system in [("Oban, 1 process, a job inserted every 20 ms: insert to fetch", "oban"),
                     ("agent runner, 1 taker, a request every 20 ms: request to take", "agent-runner")]:
    p50s, p99s = waits(system, "p50Ms"), waits(system, "p99Ms")
    print(f"{name} (database clock): median p50 {statistics.median(p50s):.3f} ms, "
          f"median p99 {statistics.median(p99s):.3f} ms (p99 trials {', '.join(f'{v:.3f}' for v in p99s)})")
print(f"ratio to Oban pre-inserted: {ours / statistics.median(rates('oban', True)):.2f}; "
      f"to Oban inserting while running: {ours / statistics.median(rates('oban', False)):.2f}")
PY
