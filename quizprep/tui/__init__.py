"""Interactive loops: the drill and the mock interview, and the keys they read."""
