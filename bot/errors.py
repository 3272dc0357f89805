"""The exceptions inspire-bot raises on purpose.

``InspireError`` is the root: the command line prints its message and exits with status 2, without
a traceback, because these errors are about the user's input or setup, not about a bug.
"""


class InspireError(Exception):
    """Base class of the errors meant to be shown to a person as they are."""


class ConfigError(InspireError):
    """A setting has a value the program cannot use (unknown backend, missing URL…)."""


class KnowledgeError(InspireError):
    """A knowledge file is invalid; the message names the file and the field."""


class IndexLockedError(InspireError):
    """Another ingest holds the index lock."""


class IndexMissingError(InspireError):
    """There is no index yet and it could not be built."""


class EmbeddingError(InspireError):
    """The embedding backend failed (endpoint unreachable, bad answer…)."""
