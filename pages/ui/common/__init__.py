"""What every feature's pages share: text escaping, the app shell guard and the process-wide store.

May import streamlit and ``scoring`` only (the store through
``scoring.storage``, never ``scoring.db``); never a feature folder, since
every feature imports this one.
"""
