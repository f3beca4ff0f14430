"""Fixtures of the YouTube tests: see ``tests/_video_support.py``."""

from tests._video_support import *  # noqa: F403  (pytest finds the fixtures by name)
