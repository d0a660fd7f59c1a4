"""The quarterly business review pack: a first draft the CSM edits, never a finished deck with made-up numbers.

``quarters`` reads '2026Q4'; ``notes`` holds what only the CSM knows (value
delivered, risks, goals), saved per account and quarter; ``pack`` gathers
what the data says into a ``QbrPack``; ``markdown`` and ``slides`` write it;
``chart`` renders the health drivers as a PNG; ``tracker`` lists whose QBR
is due and how many were held.
"""
