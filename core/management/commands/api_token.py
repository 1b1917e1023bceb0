from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.api.tokens import api_token_issue
from core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Print the REST API token of a user, creating it when the user has none."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Replace the existing token with a new one (the old key stops working at once).",
        )

    def handle(self, *args, username, rotate, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named '{username}'.") from None
        try:
            token = api_token_issue(user=user, rotate=rotate)
        except ValidationFailed as exc:
            raise CommandError(exc.reason) from None
        self.stdout.write(token.key)
