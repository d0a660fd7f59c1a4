"""Score snapshots: a scored portfolio kept with its as-of date, model version and source files.

A portfolio run answers "how is the book today"; snapshots answer "what
changed since last week, and why".  The package is pure Python over the
store's snapshot tables (``scoring.db``, its own section):

* ``records``  the frozen records the store hands back (no imports beyond the model);
* ``capture``  a ``PortfolioResult`` into a snapshot: model hash, file digests, as-of, per-account rows;
* ``changes``  two snapshots compared: band moves, accounts that got worse, score deltas, and for one
               account each signal's points gained or lost with a one-line reason from the model;
* ``history``  the book over time, band entries and exits, one account's line, freshness;
* ``demo``     the two bundled weekly exports, seeded into an empty store as "demo snapshots".

This ``__init__`` imports nothing, so ``scoring.db`` can import ``records`` without a cycle.
"""
