"""``guide publish``: put a built guide where its QR codes and feeds point, changed files only, in an order
that never lets a reader see a manifest, page or feed naming a file that is not there yet.

- :mod:`.inventory`: every file of a built guide with its SHA-256 (what is compared);
- :mod:`.headers`: Content-Type and Cache-Control per file type, from our own table;
- :mod:`.plan`: what to upload, in which order, and what may be deleted (pure);
- :mod:`.run`: carrying a plan out on remote storage (:mod:`guide.storage`), checking each upload.
"""
