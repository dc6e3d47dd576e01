"""Red team attack7: JSON-lines log records."""
