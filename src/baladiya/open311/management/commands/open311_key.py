from django.core.management.base import BaseCommand, CommandParser

from baladiya.open311.services import issue_api_key


class Command(BaseCommand):
    help = "Issue an Open311 API key for a client (printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who the key is for")

    def handle(self, *args: object, **options: object) -> None:
        api_key, plain = issue_api_key(actor=None, name=str(options["name"]))
        self.stdout.write(f"{api_key.name}: {plain}")
