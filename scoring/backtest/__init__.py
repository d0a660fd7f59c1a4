"""The backtest lab: does the health score predict churn, and which weights would predict it better?

A score is a claim -- red accounts leave more often than green ones.  This
package checks the claim on the user's own history and outcomes:

* ``outcomes``      reads an outcomes table (churn date or flag, or a renewal
                    date with renewed / churned / contracted) and reports every
                    value it could not read instead of failing;
* ``export_outcomes`` the same, from outcome columns already in the exports
                    (a CRM's "Stage" / "Close Date", a CS platform's "Status");
* ``snapshot_history`` saved snapshots as history rows, each known from its
                    as-of day;
* ``point_in_time`` scores each account as of a cut-off ``lead_days`` before
                    its outcome, using only months that ended by then, with a
                    vectorised copy of ``scoring.engine.score``;
* ``report``        the figures a CS leader reads: churn by band, lift, AUC
                    with a bootstrap interval, calibration, floors, per-signal
                    direction checks;
* ``fit``           weights fitted by scikit-learn's logistic regression,
                    kept non-negative and in the model's direction, compared
                    with the current weights on out-of-fold predictions;
* ``markdown``      the report as Markdown and as a JSON-safe dict;
* ``planted``       generated books with a known answer, for tests and bench.

It never imports streamlit or the pages, and reaches saved state only through
the domain (``scoring.snapshots``, ``scoring.storage``); headers are read with
the portfolio's own rules (``scoring.portfolio.ingest.fields``).  So the CLI,
the page and the tests share one core.
"""

# The lead times the lab offers, in days before an outcome.  Here rather than in
# ``point_in_time`` so the command line can offer them without loading pandas.
LEAD_DAYS: tuple[int, ...] = (30, 60, 90, 180)
