"""The stages of ``guide build`` (and of ``guide say`` and ``guide print``) that :mod:`guide.builder` orchestrates.

- :mod:`.inputs`: reading and checking what a build needs (script, voices, plan, caches);
- :mod:`.encode`: recording takes and encoding tracks as their takes come in (a thread pool);
- :mod:`.join`: joining full guides from their pieces' frames, and their M4Bs;
- :mod:`.place`: the manifest's entries, placing the files, writing the manifest with its inventory;
- :mod:`.companions`: when the companion files (transcripts, feeds, pages) must be made again;
- :mod:`.results`, :mod:`.wording`: what a build did, and what a listener would notice, in words;
- :mod:`.speak`: ``guide say`` and the studio's preview; :mod:`.print_guide`: ``guide print``.

Data flows one way: these modules import the lower layers (:mod:`guide.manifest`, :mod:`guide.work`,
:mod:`guide.renderer`, :mod:`guide.publish`, …), never :mod:`guide.builder`.
"""
