"""Better weights, with the evidence beside them, and a way to keep them as a custom model.

The fit runs only when asked (a button): it cross-validates a logistic
regression, which takes seconds on a large book.  The saved custom model
records where its weights came from: the store keeps only a name, a base
preset and weights, so the changelog's short form (fit date and the two
out-of-fold AUCs) goes into the model's name, where every page that lists
models shows it; the full sentence is on this page and in the Markdown report.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.backtest.keys import FIT_FOR_KEY, SAVE_NAME_KEY, SAVED_KEY
from pages.ui.backtest.report import shown, times
from pages.ui.backtest.run import Backtest, fit
from pages.ui.common.state import forget_custom_models, saved_custom_models, store
from pages.ui.common.text import plain
from scoring.backtest.fit import FitRefused, Fitted, fitted_frame
from scoring.catalog import preset_models
from scoring.custom_models import NAME_MAX_CHARS, model_id, name_problem, usable
from scoring.model import Model


def changelog_suffix(fitted: Fitted) -> str:
    """' (fit 2026-11-27, AUC 0.72/0.74)': the changelog in the few characters a model name allows."""
    log = fitted.changelog

    def auc(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    return f" (fit {log.fitted_on.isoformat()}, AUC {auc(log.current_auc)}/{auc(log.fitted_auc)})"


def label_limit(fitted: Fitted) -> int:
    return NAME_MAX_CHARS - len(changelog_suffix(fitted))


def base_of(model: Model) -> Model:
    """The preset a custom model reweights (a preset is its own base)."""
    saved = usable(saved_custom_models()).get(model.id) if model.custom else None
    return preset_models()[saved.base_model] if saved else model


def _ask(run_key: tuple[str, str, str, int]) -> None:
    st.session_state[FIT_FOR_KEY] = run_key


def _save(fitted: Fitted, model: Model) -> None:
    """Form callback: save the fitted weights as a custom model of the base preset."""
    label = " ".join(str(st.session_state.get(SAVE_NAME_KEY, "")).split())
    name = label + changelog_suffix(fitted)
    problem = name_problem(label) or name_problem(name)
    if problem:
        st.session_state[SAVED_KEY] = ("error", problem)
        return
    base = base_of(model)
    # Groups the backtested model had left out stay out: with_weights keeps a missing group at its preset weight.
    weights = {g.id: float(fitted.weights.get(g.id, 0.0)) for g in base.groups}
    store().save_custom_model(model_id(name), name, base.id, weights)
    forget_custom_models()
    st.session_state[SAVED_KEY] = (
        "ok",
        f"Saved “{name}”. It opens in the scorecard, the portfolio and this lab like any other model.",
    )


def section(run: Backtest, model: Model, source: str) -> Fitted | FitRefused | None:
    """The fit button, then current vs fitted weights with their out-of-fold figures, or the refusal."""
    st.caption(
        "A logistic regression on the outcomes, keeping each signal's direction, weights non-negative and "
        "adding up to 100. Current and fitted weights are compared on out-of-fold predictions only."
    )
    st.button("Fit weights", on_click=_ask, args=(run.key,), icon=":material/model_training:", type="primary")
    if st.session_state.get(FIT_FOR_KEY) != run.key:
        return None
    with st.status("Fitting weights to the outcomes…", expanded=False) as status:
        st.write("Cross-validating the current and the fitted weights on the same folds.")
        result = fit(run, source)
        status.update(
            label="Weights fitted" if isinstance(result, Fitted) else "No weights suggested", state="complete"
        )
    if isinstance(result, FitRefused):
        st.warning(f"No weights suggested: {plain(result.reason)}.", icon=":material/block:")
        return result
    _evidence(result, model)
    _save_form(result, model)
    return result


def _evidence(fitted: Fitted, model: Model) -> None:
    frame = fitted_frame(fitted, model).rename(
        columns={"label": "Signal group", "current": "Current weight", "fitted": "Fitted weight"}
    )
    st.dataframe(
        frame[["Signal group", "Current weight", "Fitted weight"]],
        hide_index=True,
        column_config={
            "Current weight": st.column_config.NumberColumn(format="%.1f"),
            "Fitted weight": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    cur, new = fitted.current, fitted.fitted
    columns = st.columns(3)
    columns[0].metric(
        "Out-of-fold AUC, fitted",
        shown(new.auc, lambda v: f"{v:.2f}"),
        help="Each account scored by weights fitted without it: what to expect on accounts the fit never saw.",
        border=True,
    )
    columns[0].caption(f"Current weights: {shown(cur.auc, lambda v: f'{v:.2f}')}")
    columns[1].metric(
        "Lowest tenth churns, fitted",
        shown(new.low_tenth_lift, times),
        help="Churn among the lowest-scored tenth of accounts over the base rate: how sharp the bottom of the list is.",
        border=True,
    )
    columns[1].caption(f"Current weights: {shown(cur.low_tenth_lift, times)}")
    columns[2].metric(
        "Red lift, fitted",
        shown(new.red_lift, times),
        help="How much more often red accounts churn than average with the fitted weights, bands unchanged.",
        border=True,
    )
    columns[2].caption(f"Current weights: {shown(cur.red_lift, times)}")
    st.caption(plain(fitted.changelog.summary()))
    if fitted.dropped:
        st.caption("Weight 0 here, so left out of a saved model: " + ", ".join(plain(g) for g in fitted.dropped))


def _save_form(fitted: Fitted, model: Model) -> None:
    limit = label_limit(fitted)
    with st.form("backtest:save-form", border=False):
        st.text_input(
            "Name for the custom model",
            value=base_of(model).name[: limit - 6] + " refit",
            max_chars=limit,
            key=SAVE_NAME_KEY,
            help=f"Saved as this name plus{changelog_suffix(fitted)}, so the model's name says where its weights "
            "came from. Saving under an existing name replaces that model.",
        )
        st.form_submit_button("Save as custom model", on_click=_save, args=(fitted, model), icon=":material/save:")
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved is not None:
        kind, message = saved
        (st.success if kind == "ok" else st.error)(message, icon=":material/info:")
