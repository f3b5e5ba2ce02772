"""The script: its model (dataclasses) and its loader (YAML -> validated model)."""
