"""Audio plumbing: ffmpeg, the pipeline's PCM format, stitching."""
