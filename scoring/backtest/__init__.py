"""The backtest lab: does the health score predict churn, and which weights would predict it better?

A score is a claim -- red accounts leave more often than green ones.  This
package checks the claim on the user's own history and outcomes:

* ``outcomes``      reads an outcomes table (churn date or flag, or a renewal
                    date with renewed / churned / contracted) and reports every
                    value it could not read instead of failing;
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

It imports only ``scoring.model``, ``scoring.engine`` and ``scoring.catalog``
from the project, plus numpy, pandas and scikit-learn -- never streamlit, the
pages or the database -- so the CLI, the page and the tests share one core.
"""
