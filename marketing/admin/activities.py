"""Admin for the activities models."""
