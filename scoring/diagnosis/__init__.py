"""The trust & diagnosis loop (seed 000, framework 1): customer issues from intake to a closed loop.

* ``model``: categories, intakes, issue records and events (what the store saves);
* ``categories``: the five categories and their routing, read from TOML;
* ``intake``: checking a new issue before it is saved;
* ``replay``: an issue's state rebuilt from its append-only log, with the state rules;
* ``patterns``: the same category and tag across accounts, with evidence;
* ``briefs``: the Markdown hand-offs for Product and Engineering;
* ``demo``: the shipped demo issues;
* ``commands``: the only part that touches the store; import it as ``scoring.diagnosis.commands``.

This ``__init__`` imports nothing, because ``scoring.db`` imports
``scoring.diagnosis.model`` and the store must not be imported back.
"""
