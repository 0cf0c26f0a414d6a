import logging

from django.core.management.base import BaseCommand, CommandParser

from baladiya.demo.loader import load_demo, profile_names


class Command(BaseCommand):
    help = "Load a demo municipality (idempotent: running it again adds nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", default="taffouh", choices=profile_names())
        parser.add_argument("--citizens", type=int, default=300)
        parser.add_argument("--establishments", type=int, default=120)

    def handle(self, *args: object, **options: object) -> None:
        # The demo files complaints and takes payments through the real services;
        # the console SMS of each would drown the list of logins.
        logging.getLogger("baladiya.sms").setLevel(logging.WARNING)
        logins = load_demo(
            str(options["profile"]),
            citizens=int(options["citizens"]),
            establishments=int(options["establishments"]),
        )
        self.stdout.write(self.style.SUCCESS(f"Demo '{options['profile']}' loaded."))
        self.stdout.write(f"{'username':<16} {'role':<16} scope")
        for login in logins:
            self.stdout.write(f"{login.username:<16} {login.role:<16} {login.scope}")
