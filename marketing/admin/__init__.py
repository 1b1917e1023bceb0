from marketing.admin import activities, campaigns, leads, opportunities, parties  # noqa: F401  (registers the models)
