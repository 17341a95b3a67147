"""Token replay of a case's completed user tasks over a process spec: does the sequence fit the model?

Tokens sit in front of spec nodes. Silent nodes (events, script tasks, gateways) pass tokens on by themselves:
a parallel split (or a task's boundary events) puts one on every outgoing path, a parallel join waits for one
per incoming path, an exclusive or event-based choice keeps its token until a step shows which path was taken.
A completed step fits if it is reachable from a token through silent nodes only; then that token moves past
the step. A step that does not fit is a deviation; replay resynchronises at that step (the case continued from
there, e.g. after a migration or a reset) so one deviation is not reported again for every later step.
Known over-approximations: boundary events stay armed after their task, inclusive splits enable all paths,
steps inside subprocesses are not replayed.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.defaults import EventBasedGateway, ExclusiveGateway, ParallelGateway

from .model import ProcessModel

START = "Start"
_MAX_STEPS = 10_000


@dataclass(frozen=True)
class Deviation:
    """A completed step the model did not allow at that point."""

    position: int           # 1-based position in the case's sequence of completed steps
    step: str               # spec name (the BPMN id)
    title: str
    kind: str               # not_enabled | unknown_step
    expected: tuple[str, ...]  # titles of the steps that were possible instead


@dataclass
class ReplayResult:
    """The replay of one case."""

    steps: int
    deviations: list[Deviation] = field(default_factory=list)
    enabled: tuple[str, ...] = ()  # titles of the steps possible after the last completed one

    @property
    def fits(self) -> bool:
        """True when every completed step was allowed by the model."""
        return not self.deviations


class _Replay:
    def __init__(self, model: ProcessModel):
        self.model = model
        self.specs = model.spec.task_specs
        self.tokens: Counter = Counter()

    def visible(self, name: str) -> bool:
        return name in self.model.user_tasks

    def title(self, name: str) -> str:
        info = self.model.user_tasks.get(name)
        return info.title if info else self.model.element_names.get(name, name)

    def choice(self, spec) -> bool:
        return isinstance(spec, ExclusiveGateway | EventBasedGateway) and len(spec.outputs) > 1

    def join(self, spec) -> bool:
        return isinstance(spec, ParallelGateway) and len(spec.inputs) > 1

    def settle(self) -> None:
        """Move tokens through silent nodes until each waits at a step, a choice or an incomplete join."""
        for _ in range(_MAX_STEPS):
            moved = False
            for name in list(self.tokens):
                spec = self.specs.get(name)
                if self.tokens[name] <= 0 or spec is None or self.visible(name) or self.choice(spec):
                    continue
                if self.join(spec):
                    if self.tokens[name] < len(spec.inputs):
                        continue
                    self.tokens[name] -= len(spec.inputs)
                else:
                    self.tokens[name] -= 1
                self.tokens.update(o.name for o in spec.outputs)
                moved = True
            self.tokens = +self.tokens
            if not moved:
                return

    def passable(self, name: str, arriving: bool) -> bool:
        """Can a token leave this node now (a join needs one token per incoming path)?"""
        spec = self.specs[name]
        return not self.join(spec) or self.tokens[name] + arriving >= len(spec.inputs)

    def path_to(self, start: str, target: str) -> list[str] | None:
        """Silent path start → … → target (both ends included), breadth first."""
        if start != target and self.visible(start):
            return None  # a token in front of a step only lets that step happen
        parents, queue = {start: None}, [start]
        while queue:
            name = queue.pop(0)
            if name == target:
                path = []
                while name is not None:
                    path.append(name)
                    name = parents[name]
                return path[::-1]
            if (name != start and self.visible(name)) or not self.passable(name, name != start):
                continue
            for out in self.specs[name].outputs:
                if out.name not in parents:
                    parents[out.name] = name
                    queue.append(out.name)
        return None

    def enabled(self) -> list[str]:
        """Every step reachable from a token through silent nodes."""
        found = []
        for token in self.tokens:
            seen, queue = {token}, [token]
            while queue:
                name = queue.pop()
                if self.visible(name):
                    found.append(name)
                    continue
                if not self.passable(name, name != token):
                    continue
                for out in self.specs[name].outputs:
                    if out.name not in seen:
                        seen.add(out.name)
                        queue.append(out.name)
        return sorted(set(found), key=found.index)

    def fire(self, step: str) -> bool:
        """Complete `step` if a token can reach it; the token moves past it (side paths of splits get theirs)."""
        for token in sorted(self.tokens, key=lambda t: t != step):
            path = self.path_to(token, step)
            if path is None:
                continue
            self.tokens[token] -= 1
            for here, nxt in zip(path, path[1:], strict=False):
                if here != token and self.join(self.specs[here]):
                    self.tokens[here] -= len(self.specs[here].inputs) - 1
                elif not self.choice(self.specs[here]):
                    self.tokens.update(o.name for o in self.specs[here].outputs if o.name != nxt)
            self.tokens.update(o.name for o in self.specs[step].outputs)
            self.tokens = +self.tokens
            self.settle()
            return True
        return False

    def jump(self, step: str) -> None:
        """Resynchronise after a deviation: the case went on from this step."""
        self.tokens = Counter(o.name for o in self.specs[step].outputs)
        self.settle()


def replay(model: ProcessModel, steps: list[str]) -> ReplayResult:
    """Replay completed steps (spec names, in completion order) over the model."""
    run = _Replay(model)
    run.tokens[START] = 1
    run.settle()
    result = ReplayResult(steps=len(steps))
    for position, step in enumerate(steps, start=1):
        if step not in run.specs:
            result.deviations.append(Deviation(position, step, step, "unknown_step",
                                               tuple(run.title(s) for s in run.enabled())))
            continue
        expected = run.enabled()
        if not run.fire(step):
            result.deviations.append(Deviation(position, step, run.title(step), "not_enabled",
                                               tuple(run.title(s) for s in expected)))
            run.jump(step)
    result.enabled = tuple(run.title(s) for s in run.enabled())
    return result
