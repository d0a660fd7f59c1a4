"""The commercial side of the book: renewals, revenue retention and expansion signals.

Pure functions over ``PortfolioResult.accounts`` (and, for retention, ARR at
two dates read from the exports).  An account without ARR or a renewal date
is counted apart with what would fill it, never as $0.
"""
