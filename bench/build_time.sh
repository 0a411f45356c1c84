#!/usr/bin/env bash
# Times the install as a user runs it, in a fresh virtual environment without ccache: a cold `pip install -v .`
# (this Python's build directory removed first), then the same command again with no source change. Prints wall
# and CPU (user + sys, all processes) seconds, and the load average before each run: on a shared machine the
# wall time depends on the neighbours, the CPU time much less.
#   bash bench/build_time.sh            # both runs
#   bash bench/build_time.sh --warm     # only the no-change run (keeps the build directory)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${BUILD_TIME_VENV:-/tmp/pytensor-build-time-venv}
unset CMAKE_CXX_COMPILER_LAUNCHER  # a user's build has no compiler cache
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
build_dir="build/$("$venv/bin/python" -c 'import sys, sysconfig
v = f"cp{sys.version_info[0]}{sys.version_info[1]}"
print(f"{v}-{v}-" + sysconfig.get_platform().replace("-", "_").replace(".", "_"))')"

run() {  # label
  echo "$1: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
  /usr/bin/time -f "$1: %e s wall, %U s user + %S s sys" "$venv/bin/pip" install -v . >"/tmp/build_time_$1.log" 2>&1 \
    || { tail -20 "/tmp/build_time_$1.log"; exit 1; }
  tail -1 "/tmp/build_time_$1.log"
  echo "$1: $(grep -c '^ *\[[0-9]*/[0-9]*\] Building' "/tmp/build_time_$1.log") files compiled (log: /tmp/build_time_$1.log)"
}

if [ "${1:-}" != --warm ]; then
  rm -rf "$build_dir"
  run cold
fi
run no-change
