"""The text front-end: pure functions from script text to what engines speak."""
