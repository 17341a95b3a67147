"""The guarded operations and builtins rewritten code calls: each checks the size of its result before running it.

`sandbox.guard_tree` routes `*`, `+`, `<<`, `%`, amplifying str/list methods and f-string values here; the
builtins `str`, `range` and `sum` are replaced by guarded versions that still work with isinstance().
"""
from __future__ import annotations

import functools
import operator
import re

from .limits import DEFAULT_LIMITS, Budget, LimitExceeded, current_budget, estimate_size

_OPS = {"+": operator.add, "*": operator.mul, "<<": operator.lshift, "%": operator.mod}
_IOPS = {"+": operator.iadd, "*": operator.imul, "<<": operator.ilshift, "%": operator.imod}
_PRINTF_WIDTH = re.compile(r"%[-+ #0]*(\*|\d{5,})|%[-+ #0]*\d*\.(\*|\d{5,})")


def _budget() -> Budget:
    budget = current_budget()
    if budget is None:  # guarded code always runs inside step_budget; this keeps a stray call bounded too
        budget = Budget(DEFAULT_LIMITS)
    return budget


def _too_long(kind: str, size: int, limit: int) -> LimitExceeded:
    unit = "Zeichen" if kind == "eine Zeichenkette" else "Elementen"
    return LimitExceeded(f"Skript würde {kind} mit {size:,} {unit} erzeugen; erlaubt sind {limit:,}"
                         .replace(",", "."))


def _charge_sequence(sample, size: int, budget: Budget, new: int | None = None) -> None:
    """Refuse a result of `size` beyond the limit; charge `new` (default: all of it) to the step's allowance."""
    limits = budget.limits
    if isinstance(sample, str):
        if size > limits.max_chars:
            raise _too_long("eine Zeichenkette", size, limits.max_chars)
    elif size > limits.max_items:
        raise _too_long("eine Liste", size, limits.max_items)
    budget.charge(size if new is None else new)


def _check_op(symbol: str, a, b) -> None:
    budget = _budget()
    limits = budget.limits
    if symbol == "*":
        if isinstance(a, int) and isinstance(b, (str, list, tuple)):
            a, b = b, a
        if isinstance(a, (str, list, tuple)) and isinstance(b, int):
            _charge_sequence(a, len(a) * max(b, 0), budget)
            if not isinstance(a, str) and a and b > 0:
                # [huge] * n copies references: the text it stands for counts against the step's allowance.
                budget.charge(estimate_size(a, limits.max_alloc, limits.max_depth) * (b - 1))
        elif isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > limits.max_int_bits:
            raise LimitExceeded(f"Skript würde eine Zahl mit mehr als {limits.max_int_bits:,} Bit erzeugen"
                                .replace(",", "."))
    elif symbol == "+" and isinstance(a, (str, list, tuple)) and isinstance(b, (str, list, tuple)):
        # Appending piece by piece is common: only what is added counts against the allowance.
        _charge_sequence(a, len(a) + len(b), budget, new=len(b))
    elif symbol == "<<" and isinstance(a, int) and isinstance(b, int) and a and b > 0:
        if a.bit_length() + b > limits.max_int_bits:
            raise LimitExceeded(f"Skript würde eine Zahl mit mehr als {limits.max_int_bits:,} Bit erzeugen"
                                .replace(",", "."))
    elif symbol == "%" and isinstance(a, str):
        if _PRINTF_WIDTH.search(a):
            raise LimitExceeded("Formatangaben mit Breite oder Genauigkeit über 9999 sind nicht erlaubt")
        _charge_sequence(a, len(a) + estimate_size(b, limits.max_chars, limits.max_depth), budget)


def guarded_op(symbol: str, a, b):
    """a <op> b after checking that the result stays within the size limits."""
    _check_op(symbol, a, b)
    return _OPS[symbol](a, b)


def guarded_iop(symbol: str, a, b):
    """a <op>= b (in place where the type supports it) after the same checks."""
    _check_op(symbol, a, b)
    return _IOPS[symbol](a, b)


def guarded_call(method, *args, **kwargs):
    """Call a str/list method that can multiply its input (join, replace, padding, extend) within the limits."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if getattr(method, "__objclass__", None) in (str, list) and args:
        # Called through the type (str.join(sep, parts)): the first argument is the object.
        return guarded_call(getattr(args[0], name), *args[1:], **kwargs)
    budget = _budget()
    if isinstance(owner, str):
        if name == "join" and args:
            parts = list(args[0])
            size = sum(len(p) for p in parts if isinstance(p, str)) + len(owner) * max(len(parts) - 1, 0)
            _charge_sequence(owner, size, budget)
            return method(parts)
        if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            count = owner.count(args[0]) if args[0] else len(owner) + 1
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                count = min(count, args[2])
            _charge_sequence(owner, len(owner) + count * max(len(args[1]) - len(args[0]), 0), budget)
        elif name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
            _charge_sequence(owner, args[0], budget)
        elif name == "expandtabs":
            tab = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(tab, int):
                _charge_sequence(owner, len(owner) + owner.count("\t") * max(tab, 0), budget)
    elif isinstance(owner, list) and name == "extend" and args:
        items = args[0] if isinstance(args[0], (list, tuple, str, dict, set, range)) else list(args[0])
        _charge_sequence(owner, len(owner) + len(items), budget)
        return method(items)
    return method(*args, **kwargs)


def guarded_method(owner, name: str):
    """`owner.name` for an amplifying method: the bound method wrapped so every call is checked first."""
    return functools.partial(guarded_call, getattr(owner, name))


def guarded_format(value):
    """A value about to be put into an f-string: refuse containers whose text would exceed the string limit."""
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        limits = _budget().limits
        size = estimate_size(value, limits.max_chars, limits.max_depth)
        if size > limits.max_chars:
            raise _too_long("eine Zeichenkette", size, limits.max_chars)
    return value


def tick() -> bool:
    """One step of the current budget."""
    return _budget().tick()


class _GuardedType(type):
    """A builtin type whose calls are checked but which still works with isinstance()."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, cls.real)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, cls.real)

    def __call__(cls, *args, **kwargs):
        _budget().tick()  # map(str, …) calls it from C, where no loop of the script ticks
        cls.check(*args, **kwargs)
        return cls.real(*args, **kwargs)

    def __getattr__(cls, name):
        # str.lower, str.join …: the real type's methods (forbidden names never get here, the check refuses them).
        return getattr(cls.real, name)


class guarded_str(metaclass=_GuardedType):  # noqa: N801 - stands in for the builtin `str`
    """str() that refuses to turn a container into a text longer than the string limit."""

    real = str

    @staticmethod
    def check(value="", *_args, **_kwargs):
        guarded_format(value)


class guarded_range(metaclass=_GuardedType):  # noqa: N801 - stands in for the builtin `range`
    """range() limited to the list length limit (sum(range(10**14)) would hold the interpreter for hours)."""

    real = range

    @staticmethod
    def check(*args):
        limit = _budget().limits.max_items
        try:
            size = len(range(*args))
        except OverflowError:
            size = limit + 1
        if size > limit:
            raise LimitExceeded(f"range(…) mit mehr als {limit:,} Elementen ist nicht erlaubt".replace(",", "."))


def guarded_sum(iterable, start=0):
    """sum() of numbers only: summing lists or strings would copy them over and over."""
    if not isinstance(start, (int, float)):
        raise LimitExceeded("sum() darf nur Zahlen addieren")
    total = start
    for value in iterable:
        _budget().tick()
        if not isinstance(value, (int, float)):
            raise LimitExceeded("sum() darf nur Zahlen addieren")
        total += value
    return total


GUARDED_BUILTINS = {"str": guarded_str, "range": guarded_range, "sum": guarded_sum}
