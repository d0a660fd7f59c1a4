"""How every date box on every page writes its date.

Year first (2026-12-05), as the tables and exports write dates: the boxes
mixed 05/12/2026, 2026/12/05 and 2026-12-05, and a day-first date reads
as another day to anyone used to month first.
"""

DATE_INPUT_FORMAT = "YYYY-MM-DD"
