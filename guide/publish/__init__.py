"""Exporters: the files a build writes into the output folder (MP3s with tags and chapters, subtitles, feeds,
covers, the M4B, pages, the print PDF), each from the manifest's data (:mod:`guide.manifest`)."""
