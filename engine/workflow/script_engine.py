"""The only script engine BPMN expressions and scripts run in: a small, checked subset of Python.

SpiffWorkflow's default engine hands expressions to `eval` with full builtins, so a diagram could run
`__import__('os')`. Ours parses every expression first, refuses imports, dunder and frame attributes and
unknown builtins, and then evaluates with a whitelist of builtins only.
"""
from __future__ import annotations

import ast
import copy
import datetime as _dt
import re
from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .durations import add_duration, german_date
from .guarded_ops import GUARDED_BUILTINS
from .library_messages import foreign_language, syntax_message
from .limits import DEFAULT_LIMITS, LimitExceeded, Limits, check_data_size, step_budget
from .sandbox import GUARDS, guard_tree

SAFE_BUILTINS = {
    name: getattr(__import__("builtins"), name)
    for name in (
        "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "len", "list", "map",
        "max", "min", "range", "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip",
        "isinstance", "True", "False", "None",
    )
}
RUNTIME_BUILTINS = {**SAFE_BUILTINS, **GUARDED_BUILTINS}
HELPERS = {"add_duration": add_duration, "german_date": german_date, "date": _dt.date, "timedelta": _dt.timedelta}
ALLOWED_NAMES = frozenset(SAFE_BUILTINS) | frozenset(HELPERS)

# Attribute names that lead from a harmless object to the interpreter's internals.
_FORBIDDEN_ATTRS = frozenset({"format", "format_map", "mro", "func_globals", "gi_frame", "gi_code",
                              "cr_frame", "cr_code", "ag_frame", "ag_code", "f_globals", "f_locals",
                              "f_builtins", "f_back", "tb_frame", "tb_next", "co_code"})
# Match statements can reach attributes through class patterns (`case str(format=f)`), and `**` turns a
# short expression into hours of CPU; neither is needed in a process definition.
_FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await,
                    ast.Yield, ast.YieldFrom, ast.ClassDef, ast.With, ast.AsyncWith, ast.Try, ast.Raise,
                    ast.Delete, ast.Match, ast.Pow)
MAX_SOURCE = 20_000
_HUGE_WIDTH = re.compile(r"\d{5,}")


class ForbiddenExpression(ValueError):
    """An expression or script uses a construct the restricted engine does not allow."""


def check_source(source: str, mode: str = "eval") -> list[str]:
    """Return German problem descriptions for an expression (`eval`) or script (`exec`); empty if fine."""
    if len(source) > MAX_SOURCE:
        return [f"Ausdruck zu lang ({len(source)} Zeichen, erlaubt sind {MAX_SOURCE})"]
    foreign = foreign_language(source)
    if foreign:
        return [foreign]
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return [syntax_message(exc)]
    except ValueError:  # e.g. a NUL character in the source
        return ["Der Ausdruck enthält unzulässige Zeichen (z. B. ein Nullzeichen)"]
    except (MemoryError, RecursionError):
        return ["Ausdruck ist zu tief verschachtelt"]
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, _FORBIDDEN_NODES):
            problems.append(f"Nicht erlaubtes Sprachelement: {type(node).__name__}")
        elif isinstance(node, ast.MatchClass) and any(a.startswith("_") or a in _FORBIDDEN_ATTRS
                                                      for a in node.kwd_attrs):
            problems.append("Nicht erlaubter Attributzugriff im Muster")
        elif isinstance(node, ast.Attribute) and (node.attr.startswith("_") or node.attr in _FORBIDDEN_ATTRS):
            problems.append(f"Nicht erlaubter Attributzugriff: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id.startswith("_"):
            problems.append(f"Nicht erlaubter Name: {node.id}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
            # Blocks getattr-free tricks that smuggle dunder names through strings.
            problems.append("Nicht erlaubte Zeichenkette mit '__'")
        else:
            problems += _size_problems(node)
    return problems


def _size_problems(node) -> list[str]:
    """What is too big already in the source: literal huge ranges and repetitions, unbounded format widths."""
    limits = DEFAULT_LIMITS
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        spec = node.format_spec
        if any(isinstance(part, ast.FormattedValue) for part in ast.walk(spec) if part is not node):
            return ["Formatangaben in f-Strings müssen feste Werte sein"]
        if any(isinstance(p, ast.Constant) and _HUGE_WIDTH.search(str(p.value)) for p in ast.walk(spec)):
            return ["Formatangabe mit einer Breite über 9999 ist nicht erlaubt"]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"
            and any(_literal_int(a) > limits.max_items for a in node.args)):
        return [f"range(…) mit mehr als {limits.max_items:,} Elementen überschreitet das Limit".replace(",", ".")]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        sequences = (ast.List, ast.Tuple, ast.JoinedStr)
        for count, other in ((node.left, node.right), (node.right, node.left)):
            text = isinstance(other, ast.JoinedStr) or (isinstance(other, ast.Constant)
                                                        and isinstance(other.value, str))
            limit = limits.max_chars if text else limits.max_items
            if (text or isinstance(other, sequences)) and _literal_int(count) > limit:
                return [f"Wiederholung um mehr als {limit:,} überschreitet das Limit".replace(",", ".")]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.LShift) and _literal_int(node.right) > 64:
        return ["Verschiebung um mehr als 64 Bit ist nicht erlaubt"]
    return []


def _literal_int(node) -> int:
    value = node.value if isinstance(node, ast.Constant) else None
    return abs(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def unknown_names(source: str, known: set[str], mode: str = "eval") -> set[str]:
    """Names read by an expression that are neither builtins/helpers nor in `known` (for linting)."""
    tree = ast.parse(source, mode=mode)
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    assigned |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loaded - assigned - ALLOWED_NAMES - known


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str):
    problems = check_source(source, mode)
    if problems:
        raise ForbiddenExpression("; ".join(problems))
    return compile(guard_tree(ast.parse(source, mode=mode)), "<string>", mode)


def _globals(context: dict, external: dict | None) -> dict:
    scope = {"__builtins__": RUNTIME_BUILTINS, **HELPERS}
    scope.update(external or {})
    scope.update(context)
    scope.update(GUARDS)  # last: no data key can replace the guards the rewritten code calls
    return scope


def _run(code, scope: dict, limits: Limits, evaluate_only: bool):
    with step_budget(limits) as budget:
        try:
            result = eval(code, scope) if evaluate_only else exec(code, scope)  # noqa: S102, S307
        except RecursionError:
            raise LimitExceeded("Skript ruft sich zu oft selbst auf (Rekursion zu tief)") from None
        except MemoryError:
            raise LimitExceeded("Skript hat mehr Speicher angefordert als verfügbar ist") from None
        budget.check_time()
        return result


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment that evaluates only checked code with whitelisted builtins, within the limits."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        super().__init__()
        self.limits = limits

    def evaluate(self, expression, context, external_context=None):
        """Evaluate an expression against task data."""
        return _run(_compile(expression, "eval"), _globals(context, external_context), self.limits, True)

    def execute(self, script, context, external_context=None):
        """Run a script task; new top-level names become task data (refused when they grow beyond the limit)."""
        scope = _globals(copy.copy(context), external_context)
        _run(_compile(script, "exec"), scope, self.limits, False)
        for key, value in scope.items():
            if key == "__builtins__" or key in HELPERS or key in GUARDS or key in (external_context or {}):
                continue
            if callable(value) or isinstance(value, type(_dt)):
                continue
            context[key] = value
        check_data_size(context, self.limits)
        return True


class RestrictedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine wired to the restricted environment; validate() applies the same checks."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        super().__init__(environment=RestrictedEnvironment(limits))

    def budget(self):
        """One time and step budget for everything the block evaluates (one workflow step)."""
        return step_budget(self.environment.limits)

    def validate(self, expression):
        """Raise ForbiddenExpression (or SyntaxError) if the expression may not run."""
        _compile(expression, "eval")


def evaluate(expression: str, data: dict, extra: dict | None = None):
    """Evaluate an expression outside a workflow (due dates, lint dry runs)."""
    return RestrictedEnvironment().evaluate(expression, data, extra)
