"""tocsin: the incident response plan, as software."""

__version__ = "0.1.0"
