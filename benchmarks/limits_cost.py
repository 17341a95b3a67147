"""What the execution limits cost on service completion, and what a worker process would cost instead.

Runs `integraflow bench`'s service completion loop alternately with the guarded engine and with plain `eval`/`exec`
(same process, same database, six rounds each, median, in process CPU time), then measures one round trip per
evaluation to a persistent worker process and a fresh process per evaluation. Prints numbers; asserts nothing.

    python3 benchmarks/limits_cost.py
"""
import functools
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import engine.bench.completion as completion  # noqa: E402
from engine.bench.completion import _Bench, service_throughput  # noqa: E402
from engine.workflow import script_engine as se  # noqa: E402

ENV = se.RestrictedEnvironment
calls = {"n": 0, "t": 0.0}
samples = []
orig_eval, orig_exec = ENV.evaluate, ENV.execute


def counting(fn):
    def wrapper(self, source, context, external=None):
        calls["n"] += 1
        if len(samples) < 50:
            samples.append((source, dict(context)))
        t = time.perf_counter()
        try:
            return fn(self, source, context, external)
        finally:
            calls["t"] += time.perf_counter() - t
    return wrapper


@functools.lru_cache(maxsize=256)
def _plain(source: str, kind: str):
    """Checked and compiled once, as the engine did before the limits (its compile cache included)."""
    if se.check_source(source, kind):
        raise ValueError(source)
    return compile(source, "<s>", kind)


def unlimited_eval(self, expression, context, external_context=None):
    scope = {"__builtins__": se.SAFE_BUILTINS, **se.HELPERS, **(external_context or {}), **context}
    return eval(_plain(expression, "eval"), scope)  # noqa: S307 - the unguarded baseline


def unlimited_exec(self, script, context, external_context=None):
    scope = {"__builtins__": se.SAFE_BUILTINS, **se.HELPERS, **(external_context or {}), **context}
    exec(_plain(script, "exec"), scope)  # noqa: S102 - the unguarded baseline
    for k, v in scope.items():
        if k != "__builtins__" and k not in se.HELPERS and not callable(v):
            context[k] = v
    return True


def mode(limited: bool):
    ENV.evaluate = counting(orig_eval if limited else unlimited_eval)
    ENV.execute = counting(orig_exec if limited else unlimited_exec)


def worker(conn):
    env = ENV()
    while True:
        msg = conn.recv()
        if msg is None:
            return
        source, data = msg
        try:
            conn.send(env.evaluate(source, data))
        except Exception:  # noqa: BLE001
            conn.send(None)


# Process CPU time instead of wall-clock time: other load on the machine (tests, a second worker) then hardly
# moves the numbers, and the difference between the two modes is the cost itself.
completion.time = types.SimpleNamespace(perf_counter=time.process_time)
with tempfile.TemporaryDirectory() as tmp:
    bench = _Bench(Path(tmp))
    mode(True)
    service_throughput(bench, 3)
    rates = {True: [], False: []}
    inside = {True: [], False: []}
    for _ in range(6):
        for limited in (True, False):
            mode(limited)
            calls.update(n=0, t=0.0)
            rate = service_throughput(bench, 15)
            rates[limited].append(rate)
            inside[limited].append(calls["t"] / max(calls["n"], 1) * 1000)
            per_completion = calls["n"] / (15 * 5)
    on, off = statistics.median(rates[True]), statistics.median(rates[False])
    print(f"completions per CPU-second with limits {on:.1f} (runs {[round(r) for r in rates[True]]})")
    print(f"completions per CPU-second without     {off:.1f} (runs {[round(r) for r in rates[False]]})")
    print(f"cost of the limits: {(off / on - 1) * 100:+.1f} % time per completion")
    eval_on, eval_off = statistics.median(inside[True]), statistics.median(inside[False])
    print(f"evaluations per completion: {per_completion:.1f}; time inside one evaluation {eval_on:.3f} ms guarded "
          f"vs {eval_off:.3f} ms plain -> {per_completion * (eval_on - eval_off):.3f} ms per completion of "
          f"{1000 / on:.2f} ms ({per_completion * (eval_on - eval_off) * on / 10:+.1f} %)")
    # A persistent worker process per web worker, one round trip per evaluation (the cheapest subprocess design).
    parent, child = mp.Pipe()
    proc = mp.get_context("fork").Process(target=worker, args=(child,))
    proc.start()
    expressions = [(s, d) for s, d in samples if "\n" not in s][:20] or [("1 + 1", {})]
    t = time.perf_counter()
    n = 0
    for _ in range(100):
        for source, data in expressions:
            parent.send((source, data))
            parent.recv()
            n += 1
    roundtrip_ms = (time.perf_counter() - t) / n * 1000
    parent.send(None)
    proc.join()
    t = time.perf_counter()
    for _ in range(20):
        p = mp.get_context("fork").Process(target=lambda: None)
        p.start()
        p.join()
    fork_ms = (time.perf_counter() - t) / 20 * 1000
    completion_ms = 1000 / on
    print(f"persistent worker round trip per evaluation {roundtrip_ms:.3f} ms -> "
          f"{per_completion * roundtrip_ms:.2f} ms per completion of {completion_ms:.2f} ms "
          f"(+{per_completion * roundtrip_ms / completion_ms * 100:.0f} %)")
    print(f"fresh process per evaluation (fork+join) {fork_ms:.2f} ms -> "
          f"+{per_completion * fork_ms / completion_ms * 100:.0f} % per completion")
