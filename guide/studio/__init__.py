"""`guide studio`: clinic staff edit, hear and rebuild a guide in the browser (issue 19).

:mod:`.edits` changes a script's texts in place, every other character kept.
"""
