"""Checks of call activities: the called process exists (in the file or deployed) and no call comes back around.

A call that leads back to its own process — directly or through other processes — would start the process inside
itself again and again; the runtime would never return. The deployed call graph comes from the deploy context.
"""
from __future__ import annotations

from .context import DeployContext
from .problems import Problem, bpmn, error


def call_problems(root, main_process, context: DeployContext) -> list[Problem]:
    """Unknown targets, missing targets, calls of the journey, and call cycles (each named at its call activity)."""
    local = {p.get("id"): p for p in root.iter(bpmn("process"))}
    key = context.key or main_process.get("id")
    # The file's own processes are known under their ids; the deployed ones keep their stored calls,
    # except the process being deployed, whose calls are the file's.
    graph = {k: set(v) for k, v in context.calls.items()}
    for pid, process in local.items():
        graph[key if process is main_process else pid] = {
            _target(el, main_process, key) for el in process.iter(bpmn("callActivity")) if el.get("calledElement")}
    problems = []
    for process in local.values():
        for el in process.iter(bpmn("callActivity")):
            target = el.get("calledElement")
            if not target:
                problems.append(error(el.get("id"), "Aufruf ohne aufgerufenen Prozess: bitte „Aufgerufenes Element“ "
                                                    "(calledElement) angeben."))
                continue
            target = _target(el, main_process, key)
            if target not in local and target != key and target not in context.deployed and context.deployed:
                problems.append(error(el.get("id"), f"Der aufgerufene Prozess „{target}“ ist nicht bereitgestellt. "
                                                    "Bitte zuerst ihn bereitstellen oder den Aufruf ändern."))
                continue
            if target == context.journey_key and target != key:
                problems.append(error(el.get("id"), "Der Begleitprozess kann nicht aufgerufen werden: jeder Fall hat "
                                                    "genau einen, und er beginnt mit der Erstaufnahme."))
                continue
            origin = key if process is main_process else process.get("id")
            path = _path(graph, target, origin)
            if path is not None:
                chain = " → ".join([origin, *path])
                problems.append(error(el.get("id"), f"Dieser Aufruf führt zurück zum eigenen Prozess ({chain}); der "
                                                    "Ablauf würde sich endlos selbst starten."))
    return problems


def _target(el, main_process, key: str) -> str:
    target = el.get("calledElement")
    # Inside the file, the main process is called by its id; deployed, it is known under its key.
    return key if target == main_process.get("id") else target


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A call path from `start` to `goal` (the processes passed, `start` first), or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((nxt, [*path, nxt]) for nxt in sorted(graph.get(node, ())))
    return None
