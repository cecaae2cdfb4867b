"""Read-only questions asked of the projections; CLI, web and reports share them."""

LIVE = "created = 1 AND merged_into IS NULL"
