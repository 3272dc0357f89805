"""inspire-bot: an assistant for the INSPIRE decentralised-cooperation programme."""

__version__ = "0.1.0"
