"""scaffolder: practise Flask by building real projects, one exercise at a time."""

__version__ = "0.1.0"
