"""healthalloc: who allocates health-care resources in the United States, as an interactive course."""

__version__ = "0.1.0"
APP_NAME = "healthalloc"
ORG_NAME = "healthalloc"
