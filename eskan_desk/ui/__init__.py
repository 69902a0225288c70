"""The desktop interface (PySide6). The only layer that imports Qt."""
