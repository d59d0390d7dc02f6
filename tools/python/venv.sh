#!/usr/bin/env bash
# Creates the project's Python environment .venv (git-ignored) and installs requirements.txt into it
# when .venv is missing or the file changed since the last install (a sha256 stamp kept in .venv).
# npm test, npm run lab, the tests that need Jupyter and .ci/run all call this one script; it is quick
# when nothing changed. Messages go to stderr; `--print` writes the venv's folder to stdout.
#   PYTHON=/path/to/python3 tools/python/venv.sh   picks the interpreter that creates the venv
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
requirements="$root/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

say() { echo "venv: $*" >&2; }

want="$(sha256sum "$requirements" | cut -d' ' -f1)"
up_to_date() { [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; }

if ! up_to_date; then
  # Several test files may call this at once: one installs, the others wait for it and then see the stamp.
  exec 9>"$root/.venv.lock"
  if ! flock -n 9; then
    say "waiting for another install of .venv to finish"
    flock 9
  fi
  if ! up_to_date; then
    if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
      say "ERROR: $python is missing or older than Python 3.9; install Python 3 (with venv) or set PYTHON=/path/to/python3" 
      exit 1
    fi
    if [ ! -x "$venv/bin/python" ]; then
      say "creating $venv with $("$python" --version 2>&1)"
      "$python" -m venv "$venv" || { say "ERROR: '$python -m venv' failed (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
    fi
    rm -f "$stamp"
    say "installing requirements.txt into .venv (JupyterLab, Notebook, nbclient...; a minute or two the first time)"
    # pip's own progress bars go to stderr too, so stdout stays clean for --print.
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar on -r "$requirements" >&2; then
      say "ERROR: pip install -r requirements.txt failed (see above); .venv is left without its stamp and is retried next time"
      exit 1
    fi
    echo "$want" >"$stamp"
    say "done: $venv"
  fi
fi

# JupyterLab runs a few Node.js scripts from inside the venv (build checks); without this file Node would take
# the project's package.json ("type": "module") for theirs and fail on their require() calls.
[ -f "$venv/package.json" ] || echo '{ "type": "commonjs" }' >"$venv/package.json"

if [ "${1:-}" = "--print" ]; then echo "$venv"; fi
