"""Every session-state key of the what-if scorecard, in one style: ``scorecard:<what>``.

Keys of per-model inputs add the model (and the signal or bonus) after the
name, ``scorecard:signal:<model>:<signal>``, so each model keeps its own
sliders for the whole session.  Building them here, and only here, keeps a
widget and the code that presets or resets it from drifting apart.
"""

from __future__ import annotations

MODEL_KEY = "scorecard:model"
ACCOUNT_KEY = "scorecard:account"
# A plain button key: Streamlit drops it from session state whenever a run
# does not draw it, so its absence means "the user has just arrived here".
HERE_KEY = "scorecard:reset"
BACK_KEY = "scorecard:back"
# The browser-side check of the address bar (``links.dropped_link_warning``).
ADDRESS_PROBE_KEY = "scorecard:address-probe"


def signal_key(model_id: str, signal_id: str) -> str:
    return f"scorecard:signal:{model_id}:{signal_id}"


def bonus_key(model_id: str, bonus_id: str) -> str:
    return f"scorecard:bonus:{model_id}:{bonus_id}"


def missing_key(model_id: str) -> str:
    return f"scorecard:missing:{model_id}"


def event_key(event_id: str) -> str:
    return f"scorecard:event:{event_id}"


def start_key(model_id: str) -> str:
    """Where the model's what-if began (a ``state.Start``), not a widget."""
    return f"scorecard:start:{model_id}"


def model_key_prefixes(model_id: str) -> tuple[str, ...]:
    """Prefixes of every key that belongs to one model, for forgetting a deleted model."""
    return (signal_key(model_id, ""), bonus_key(model_id, ""), missing_key(model_id), start_key(model_id))
