"""Send and receive tasks in the Camunda dialect, and BPMN errors raised by a failing script.

SpiffWorkflow's Camunda parser leaves send and receive tasks to the plain BPMN parser, whose message definition is
another class than the Camunda one used by message events; events only match within one class, so a receive task
never got a message thrown by a Camunda throw event. Parsing both with the Camunda event definition parser makes
messages within one case match whatever element throws or catches them.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.event_parsers import ReceiveTaskParser, SendTaskParser
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.camunda.parser.event_parsers import CamundaEventDefinitionParser
from SpiffWorkflow.util.task import TaskState


class CamundaSendTaskParser(CamundaEventDefinitionParser, SendTaskParser):
    """A send task whose message is a Camunda message (payload from camunda:expression)."""

    def create_task(self):
        """Build the task spec through the plain parser, with our event definition parser mixed in."""
        return SendTaskParser.create_task(self)


class CamundaReceiveTaskParser(CamundaEventDefinitionParser, ReceiveTaskParser):
    """A receive task that catches Camunda messages."""

    def create_task(self):
        """Build the task spec through the plain parser, with our event definition parser mixed in."""
        return ReceiveTaskParser.create_task(self)


def throw_to_error_boundary(task, message: str) -> bool:
    """Hand a failed task's error to an error boundary event attached to it; False when none waits for it.

    A script that raises is a BPMN error of its activity: an attached error boundary event (with any error code)
    takes the path the model gives for it; the message is in the data as `error_message`.
    """
    parent = task.parent
    if parent is None:
        return False
    boundary = next((t for t in parent.children if t is not task and t.state == TaskState.WAITING
                     and isinstance(getattr(t.task_spec, "event_definition", None), ErrorEventDefinition)), None)
    if boundary is None:
        return False
    definition = boundary.task_spec.event_definition
    payload = {**task.data, "error_message": message}
    # The failed task stays in ERROR; the boundary event, now ready, cancels it when it runs (interrupting).
    task.workflow.top_workflow.catch(BpmnEvent(definition, payload=payload, target=task.workflow))
    return True
