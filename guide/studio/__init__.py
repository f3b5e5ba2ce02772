"""`guide studio`: clinic staff edit, hear and rebuild a guide in the browser (issue 19), built over the library.

- :mod:`.edits`: change a script's texts in place, every other character kept.
- :mod:`.saving`: a save refused over a change on disk, checked like ``guide check``, atomic,
  with the last versions kept in the cache and undo.
- :mod:`.view`: every text of a guide side by side, each sentence recorded, changed or to translate,
  with proof's flags.
- :mod:`.workspace`: what the page asks of the library (read, save, preview, build, proof), with the run's settings.
- :mod:`.jobs`: builds and proofs in the background; :mod:`.app`: the ASGI app and its JSON API;
  :mod:`.security`: token, cookie, Host, Origin, CSRF; :mod:`.server`: uvicorn on 127.0.0.1.
"""
