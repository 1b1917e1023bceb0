"""Admin for the campaigns models."""
