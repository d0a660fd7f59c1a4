"""Every session-state key of the backtest lab, in one place, so writers and readers agree."""

from __future__ import annotations

# The files (pages.ui.backtest.source).
EXPORTS_UPLOAD_KEY = "backtest:exports_upload"
OUTCOMES_UPLOAD_KEY = "backtest:outcomes_upload"
EXPORTS_KEY = "backtest:exports"
OUTCOMES_KEY = "backtest:outcomes"

# The choices (the model is the portfolio's picker, pages.ui.portfolio.upload.model_picker, and its key).
LEAD_KEY = "backtest:lead_days"
FLOORS_KEY = "backtest:floors"
FLOOR_INPUT_PREFIX = "backtest:floor:"
SNAPSHOTS_KEY = "backtest:use_snapshots"  # the choice, kept across page switches
SNAPSHOTS_WIDGET_KEY = "backtest:use_snapshots_toggle"

# The fit (pages.ui.backtest.fit).
FIT_FOR_KEY = "backtest:fit_for"
SAVE_NAME_KEY = "backtest:save_name"
SAVED_KEY = "backtest:saved"
