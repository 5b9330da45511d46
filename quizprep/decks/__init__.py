"""Decks: the card model and everything that reads, searches, validates, imports or writes decks."""
