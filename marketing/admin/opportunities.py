"""Admin for the opportunities models."""
