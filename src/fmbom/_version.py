"""The fmbom version, read by the build backend and reported by ``fmbom --version``."""

__version__ = "0.1.0"
