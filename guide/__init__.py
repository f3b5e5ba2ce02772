"""guide: bilingual (Arabic/English) narrated audio guides from a YAML script."""

__version__ = "0.1.0"
