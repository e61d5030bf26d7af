"""A static documentary-site generator: Markdown chapters and YAML missions in, HTML out."""

__version__ = "0.1.0"
