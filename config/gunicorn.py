"""gunicorn's settings for salesflow: ``gunicorn -c config/gunicorn.py config.wsgi:application``.

The Dockerfile, docker-compose.yml and ``bench/load.py`` all start gunicorn with this file, so what the load
benchmark measures is what is shipped. Environment: ``WEB_CONCURRENCY`` (worker processes), ``GUNICORN_BIND``,
``GUNICORN_ACCESS_LOG`` (a path, ``-`` for standard output, empty for none).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Sync workers, one request at a time each: a request goes to whichever process is free (they take turns on the
# listening socket), and the pages are CPU work in Python, which threads of one process could not run in
# parallel anyway. Threaded workers keep a client's keep-alive connection in the process that accepted it, so
# under load some users queue behind a busy process while another idles: measured on 2 CPUs with 20 users
# (bench/load.py), 4 gthread workers × 4 threads gave a p95 of ~600 ms at ~100 requests/s, 3 sync workers ~260 ms
# at the same rate. Behind a reverse proxy (which buffers slow clients), this is gunicorn's recommended set-up.
worker_class = "sync"
# One process per CPU keeps the CPUs busy; one more covers the time a request waits on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
# A request that runs longer than this (a runaway report) is stopped and its worker replaced.
timeout = 60

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
