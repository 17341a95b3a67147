"""Task completions per second with 1, 2 and 4 worker processes on one database (SQLite file or PostgreSQL).

    python3 benchmarks/concurrent_completions.py                                  # SQLite file in a temp directory
    python3 benchmarks/concurrent_completions.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python3 benchmarks/concurrent_completions.py --workers 1 2 4 --seconds 10

Each worker process has its own container (engine, workflow cache) like a gunicorn worker. Before the start it
opens its own cases and takes them to the review phase (not timed); then, for `--seconds`, it completes review
tasks through complete_task round-robin over its cases. Printed per setting: completions/s of all workers
together, per worker, and the median/p95 time one completion held the write lock (SQLite) or the case row
(PostgreSQL) — on SQLite the lock serialises all writers, so 1 / (lock-held time) is the ceiling. Numbers are
printed, never asserted.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.bench.completion import ASSESSMENT, CONSENT, PLAN, _Bench, _review_data  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402


def _worker(url: str, actor, town: int, cases: int, seconds: float, start_at, results) -> None:
    container = bootstrap(Settings(database_url=url, workflow_cache_size=256))
    bench = _Bench.__new__(_Bench)  # the installation exists: attach to it instead of preparing it again
    bench.container, bench.actor, bench.town, bench.lock_times = container, actor, town, []
    mine = []
    for _ in range(cases):
        case_id, version = bench.open()
        for data in (CONSENT, ASSESSMENT, PLAN):
            version = bench.complete(case_id, version, data, bench.task_of(case_id)[0])
        mine.append([case_id, version])
    bench.lock_times.clear()
    start_at.wait()
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        entry = mine[done % len(mine)]
        task_id, goals = bench.task_of(entry[0])
        entry[1] = bench.complete(entry[0], entry[1], _review_data(goals), task_id)
        done += 1
    elapsed = seconds + (time.perf_counter() - end)
    held = [t for t in getattr(bench, "lock_times", []) if t is not None]
    results.put((done, elapsed, held))
    container.engine.dispose()


def run(url: str, workers: int, seconds: float, cases: int) -> tuple[float, list[float], list[float]]:
    """Completions/s of all workers together, per worker, and all lock-held samples (seconds)."""
    bench = _Bench(Path(tempfile.mkdtemp()), database_url=url)
    bench.container.engine.dispose()
    ctx = mp.get_context("spawn")
    start_at, results = ctx.Barrier(workers + 1), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, bench.actor, bench.town, cases, seconds, start_at, results))
             for _ in range(workers)]
    for p in procs:
        p.start()
    start_at.wait()
    outcomes = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    rates = [done / elapsed for done, elapsed, _ in outcomes]
    return sum(rates), rates, [t for _, _, held in outcomes for t in held]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL database of its own (default: a new SQLite file)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--cases", type=int, default=4, help="cases per worker (round-robin)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'concurrent.sqlite'}"
        print(f"Concurrent review completions, {url.split(':')[0]}, {args.seconds:.0f} s per setting, "
              f"{args.cases} cases per worker")
        print(f"  {'workers':>7s} {'completions/s':>13s} {'per worker':>22s} {'lock held ms p50':>16s} "
              f"{'p95':>6s} {'1/p50 ceiling':>13s}")
        for workers in args.workers:
            total, rates, held = run(url, workers, args.seconds, args.cases)
            per = " ".join(f"{r:5.1f}" for r in rates)
            if held:
                ordered = sorted(held)
                p50, p95 = statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000
                lock = f"{p50:16.2f} {p95:6.2f} {1000 / p50:13.0f}"
            else:
                lock = f"{'-':>16s} {'-':>6s} {'-':>13s}"
            print(f"  {workers:7d} {total:13.1f} {per:>22s} {lock}", flush=True)


if __name__ == "__main__":
    main()
