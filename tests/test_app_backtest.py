"""The backtest lab page under AppTest: the demo report with no upload, the fit, saving, and uploads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.backtest.keys import EXPORTS_UPLOAD_KEY, FLOOR_INPUT_PREFIX, OUTCOMES_UPLOAD_KEY, SNAPSHOTS_WIDGET_KEY
from scoring.catalog import get_model
from scoring.custom_models import compose_models
from scoring.portfolio.demo import demo_exports
from scoring.snapshots.capture import save_exports
from scoring.storage import Store
from tests.app_pages import run_page

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture
def at(fresh_store: Path) -> AppTest:
    return run_page("pages/backtest.py", 120)


def metric(app: AppTest, label: str) -> str:
    return next(str(m.value) for m in app.metric if m.label == label)


def texts(app: AppTest) -> str:
    return " ".join(str(m.value) for m in [*app.markdown, *app.caption, *app.info, *app.warning, *app.error])


def test_demo_report_with_no_upload(at: AppTest) -> None:
    assert "Showing the demo" in texts(at)
    auc = float(metric(at, "AUC"))
    assert 0.6 < auc < 0.9
    assert "interval" in texts(at)
    assert metric(at, "Red lift").endswith("x")
    badges = [str(m.value) for m in at.markdown if "-badge[" in str(m.value)]
    assert ":red-badge[:material/close: Fail]" in badges  # red lift 2.0x is under the 3x floor
    assert ":green-badge[:material/check: Pass]" in badges
    assert "red churns at least 3x the base rate: measured 2.0x" in texts(at)
    verdict = " ".join(c.value for c in at.caption if "does not clear every floor" in c.value)
    assert "where it falls short" in verdict and "Fit weights" in verdict  # not "change the floors"
    assert len(at.get("vega_lite_chart")) == 5  # one decile chart per technical-csm signal


def test_a_changed_floor_changes_the_check(at: AppTest) -> None:
    at.number_input(key=FLOOR_INPUT_PREFIX + "red_lift_min").set_value(1.5)
    next(b for b in at.button if b.label == "Apply floors").click().run()
    assert "red churns at least 1.5x the base rate: measured 2.0x" in texts(at)
    assert ":red-badge[:material/close: Fail]" not in [str(m.value) for m in at.markdown]


def test_fit_shows_fitted_weights_and_saves_a_custom_model(at: AppTest, fresh_store: Path) -> None:
    next(b for b in at.button if b.label == "Fit weights").click().run()
    assert not at.exception, at.exception
    weights = next(df.value for df in at.dataframe if "Fitted weight" in df.value.columns)
    assert weights["Fitted weight"].sum() == pytest.approx(100, abs=0.2)
    assert metric(at, "Out-of-fold AUC, fitted") != "no data"
    at.text_input(key="backtest:save_name").set_value("Demo refit")
    next(b for b in at.button if b.label == "Save as custom model").click().run()
    assert not at.exception, at.exception
    saved = Store(fresh_store).custom_models()
    assert len(saved) == 1 and saved[0].name.startswith("Demo refit (fit ")
    model = compose_models(saved)[saved[0].id]
    assert model.custom and "usage_rate" in model.signal_ids


def test_too_few_churners_refuses_to_fit(at: AppTest) -> None:
    outcomes = (DEMO / "outcomes.csv").read_text().splitlines()
    few = "\n".join([outcomes[0], *[line for line in outcomes[1:] if "Lost" not in line][:200]]) + "\n"
    exports = [(name, (DEMO / name).read_bytes(), "text/csv") for name in ("usage_monthly.csv", "tickets.csv")]
    at.file_uploader(key=EXPORTS_UPLOAD_KEY).set_value(exports).run()
    assert "has outcome columns" in texts(at)  # no outcomes yet: the page says which columns it looked for
    at.file_uploader(key=OUTCOMES_UPLOAD_KEY).set_value([("few.csv", few.encode(), "text/csv")]).run()
    assert not at.exception, at.exception
    assert "Showing the demo" not in texts(at)
    next(b for b in at.button if b.label == "Fit weights").click().run()
    assert "No weights suggested" in texts(at)


def test_exports_with_their_own_outcome_columns_need_no_outcomes_file(at: AppTest) -> None:
    demo_auc = metric(at, "AUC")
    renewals = (DEMO / "outcomes.csv").read_text().replace("Renewal Date,Outcome", "Close Date,Stage", 1)
    exports = [(name, (DEMO / name).read_bytes(), "text/csv") for name in ("accounts.csv", "usage_monthly.csv")]
    exports += [("tickets.csv", (DEMO / "tickets.csv").read_bytes(), "text/csv")]
    exports += [("renewal_opportunities.csv", renewals.encode(), "text/csv")]
    at.file_uploader(key=EXPORTS_UPLOAD_KEY).set_value(exports).run()
    assert not at.exception, at.exception
    assert "against the outcome columns" in texts(at)
    assert metric(at, "AUC") == demo_auc  # the same outcomes, read from an export instead of a separate file


def test_saved_snapshots_are_offered_and_used_when_turned_on(fresh_store: Path) -> None:
    save_exports(Store(fresh_store), demo_exports(), get_model("technical-csm"), as_of=date(2026, 5, 10))
    app = run_page("pages/backtest.py", 120)
    toggle = app.toggle(key=SNAPSHOTS_WIDGET_KEY)
    assert toggle.label == "Also score from saved snapshots (1)" and not toggle.value
    assert "scored from a saved snapshot" not in texts(app)
    toggle.set_value(True).run()
    assert not app.exception, app.exception
    assert "scored from a saved snapshot taken by the cut-off" in texts(app)
