"""The hub's web app (the desk, the board, the map) and the sync endpoints it serves."""
