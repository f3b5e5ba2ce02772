"""Publishers: what a build writes into the output folder (MP3 files with tags, the manifest)."""
