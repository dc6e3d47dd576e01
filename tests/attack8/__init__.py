"""Red team attack8: who failed, quiet level words, quoted keys, rules advice, eval names."""
