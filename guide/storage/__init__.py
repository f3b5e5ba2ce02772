"""Remote storage: any fsspec URL (``s3://``, ``gs://``, ``az://``, ``file://``) as one small interface.

``guide publish`` uploads guides through it. fsspec's conventions are kept: a URL is opened with
``fsspec.core.url_to_fs``, and options for the filesystem come as ``storage_options``. Credentials are
never ours to hold: each filesystem finds them where its vendor's tools do (the environment, the
standard credential files and profiles).
"""

from .remote import MissingExtra, Remote, StorageError, open_remote

__all__ = ["MissingExtra", "Remote", "StorageError", "open_remote"]
