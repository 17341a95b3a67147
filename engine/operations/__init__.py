"""Running Integraflow in production: the scheduler's heartbeat, readiness of the database and schema, and the
operational figures behind `/metrics` (read from indexed tables only, never from serialized workflows).
"""
from .figures import OperationalFigures, operational_figures
from .heartbeat import HEARTBEAT_KEY, last_heartbeat, record_heartbeat
from .readiness import Readiness, check_readiness

__all__ = [
    "check_readiness", "HEARTBEAT_KEY", "last_heartbeat", "operational_figures", "OperationalFigures", "Readiness",
    "record_heartbeat",
]
