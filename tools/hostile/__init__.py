"""Hostile captures (issue 11): the corpus generator, the every-tool check and `make fuzz`."""
