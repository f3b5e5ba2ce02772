"""Translations kept in step with their source text: which source each was last reviewed against."""
