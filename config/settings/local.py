from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# The demo company (`seed_demo`) exists on development machines only; production settings do not install it.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# A developer's receiver runs on this machine.
SALESFLOW_WEBHOOK_PRIVATE_TARGETS = env_bool("SALESFLOW_WEBHOOK_PRIVATE_TARGETS", True)
