"""The what-if scorecard's parts: inputs, headline, drivers chart, actions, levers, custom models, links.

``state`` gives every input its value before it is drawn (a model's defaults
or a deep link's values) and resets them; ``keys`` builds every session-state
key; ``links`` reads the deep link from the URL and shows the share link.
The scoring, the playbooks, the levers and the link codec are domain code in
``scoring``; these modules only draw them.

May import streamlit, ``pages.ui.common`` and the domain (``scoring.*``);
never ``scoring.db`` (custom models are saved through ``scoring.custom_models``),
never the portfolio's SQL (``scoring.portfolio.compute``, ``sqlkit``), never
another feature's folder.
"""
