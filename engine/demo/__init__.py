"""Demo data: the demo district with its staff and clients told through the real services, and bulk copies for scale."""
from .bulk import clone_case, clone_cases
from .district import DEMO_PASSWORD, DEMO_USERS
from .load import DemoSummary, has_demo_data, load_demo, summarise
from .scale import load_demo_at_scale

__all__ = [
    "clone_case", "clone_cases", "DEMO_PASSWORD", "DEMO_USERS", "DemoSummary", "has_demo_data", "load_demo",
    "load_demo_at_scale", "summarise"
]
