#!/usr/bin/env bash
# `make run`: the web server and a job worker side by side, as one command. Ctrl-C stops both; so does either
# one ending on its own (a worker that cannot start must not leave a web server whose jobs never run).
#
#   scripts/run.sh PYTHON ADDRESS        e.g. scripts/run.sh .venv/bin/python 127.0.0.1:8000
#
# DJANGO_SETTINGS_MODULE and the rest of the environment are passed on as they are.
set -uo pipefail

python=${1:?usage: scripts/run.sh PYTHON ADDRESS}
address=${2:?usage: scripts/run.sh PYTHON ADDRESS}

# Each child in its own process group, so that stopping it reaches runserver's reloader child as well.
set -m
"$python" manage.py procrastinate worker &
worker=$!
"$python" manage.py runserver "$address" &
web=$!
set +m

stopping=0
stop() {
  [[ $stopping -eq 1 ]] && return
  stopping=1
  echo "Stopping the web server and the worker…" >&2
  # The worker finishes the job it is running (procrastinate's graceful shutdown) before it exits.
  kill -TERM -- "-$web" "-$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

wait -n "$web" "$worker"
status=$?
stop
exit "$status"
