"""tagger: learn a publisher's tagging and suggest tags and entities for new articles."""

__version__ = "0.1.0"
