"""The demo: `python -m kara.demo` (see `__main__.py`)."""
