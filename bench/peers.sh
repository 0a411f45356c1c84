#!/usr/bin/env bash
# Creates a throwaway venv with the peer libraries bench/ops.py compares against (PyTorch, numpy),
# then runs the benchmark in it. Peers are never project dependencies: they live only in this venv.
#
#   bash bench/peers.sh              # create/refresh /tmp/pt-peers and run bench/ops.py
#   bash bench/peers.sh --setup-only # only create the venv
#   PEERS_VENV=/other/dir bash bench/peers.sh -- --quick   # args after -- go to bench/ops.py
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${PEERS_VENV:-/tmp/pt-peers}"
setup_only=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --setup-only) setup_only=1 ;;
    --) shift; args+=("$@"); break ;;
    *) args+=("$1") ;;
  esac
  shift
done

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
# Pinned torch only (never an unpinned one); the CPU wheel is found through pip's find-links when present.
if ! "$VENV/bin/python" -c "import torch, numpy" 2>/dev/null; then
  "$VENV/bin/python" -m pip install -q "torch==2.13.0" numpy
fi

# pytensor itself: the source tree on PYTHONPATH (built with ./.ci/dev_build.sh), or an installed copy.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if ! "$VENV/bin/python" -c "import pytensor" 2>/dev/null; then
  echo "peers.sh: pytensor is not importable from $PWD; build it first with ./.ci/dev_build.sh" >&2
  exit 1
fi
[ "$setup_only" = 1 ] && { echo "peers venv ready: $VENV"; exit 0; }
exec "$VENV/bin/python" bench/ops.py "${args[@]}"
