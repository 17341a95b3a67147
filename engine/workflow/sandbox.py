"""Keeping checked code inside its budget: an AST rewrite that ticks the step budget and routes risky operations.

Python-level work (loops, calls, comprehensions) ticks the budget; the operations whose C implementation can run
long or allocate a lot in one go (repetition, concatenation, shifts, %-formatting, join/replace/padding, range, sum,
str of a container) go to `guarded_ops`, which checks the size of their result before running them.
"""
from __future__ import annotations

import ast
import copy

from .guarded_ops import guarded_format, guarded_iop, guarded_method, guarded_op, tick

TICK, OP, IOP, METHOD, FMT = "_ifl_tick", "_ifl_op", "_ifl_iop", "_ifl_method", "_ifl_fmt"
_GUARDED_OPS = {ast.Add: "+", ast.Mult: "*", ast.LShift: "<<", ast.Mod: "%"}
AMPLIFYING_METHODS = frozenset({"join", "replace", "ljust", "rjust", "center", "zfill", "expandtabs", "extend"})


def _name(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def _tick() -> ast.Call:
    return ast.Call(func=_name(TICK), args=[], keywords=[])


def _as_load(target: ast.expr) -> ast.expr:
    loaded = copy.deepcopy(target)
    loaded.ctx = ast.Load()
    return loaded


class _Guard(ast.NodeTransformer):
    """Inserts budget ticks into loops, functions, lambdas and comprehensions; routes risky operations to guards."""

    def _tick_body(self, node):
        self.generic_visit(node)
        node.body.insert(0, ast.Expr(_tick()))
        return node

    visit_For = visit_While = visit_FunctionDef = _tick_body

    def visit_Lambda(self, node):
        self.generic_visit(node)
        node.body = ast.BoolOp(op=ast.And(), values=[_tick(), node.body])
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        node.ifs.insert(0, _tick())
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        return ast.Call(func=_name(OP), args=[ast.Constant(symbol), node.left, node.right], keywords=[])

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        value = ast.Call(func=_name(IOP), args=[ast.Constant(symbol), _as_load(node.target), node.value],
                         keywords=[])
        return ast.Assign(targets=[node.target], value=value)

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr in AMPLIFYING_METHODS and isinstance(node.ctx, ast.Load):
            # Called, aliased or handed to map()/sorted(): the method always comes wrapped in its guard.
            return ast.Call(func=_name(METHOD), args=[node.value, ast.Constant(node.attr)], keywords=[])
        return node

    def visit_FormattedValue(self, node):
        self.generic_visit(node)
        node.value = ast.Call(func=_name(FMT), args=[node.value], keywords=[])
        return node


def guard_tree(tree: ast.AST) -> ast.AST:
    """The checked tree rewritten so that it ticks the budget and guards its risky operations."""
    return ast.fix_missing_locations(_Guard().visit(tree))


GUARDS = {TICK: tick, OP: guarded_op, IOP: guarded_iop, METHOD: guarded_method, FMT: guarded_format}
