"""Admin for the leads models."""
