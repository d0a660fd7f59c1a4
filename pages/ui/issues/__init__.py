"""The Customer issues page's helpers: intake, the list, one issue's routing and loop, patterns, the account panel."""
