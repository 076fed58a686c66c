"""Mutation testing of the domain (``make mutate``); not collected by pytest."""
