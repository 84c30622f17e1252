"""cskg: turn fiches of French centres sociaux actions into linked open data."""

__version__ = "0.1.0"
