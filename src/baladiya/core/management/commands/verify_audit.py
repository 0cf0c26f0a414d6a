from django.core.management.base import BaseCommand, CommandError

from baladiya.core.services import verify_audit_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; fail and name every tampered entry."

    def handle(self, *args: object, **options: object) -> None:
        checked, problems = verify_audit_chain()
        if problems:
            for problem in problems:
                self.stderr.write(f"audit entry {problem.seq}: {problem.message}")
            raise CommandError(
                f"Audit log verification FAILED: {len(problems)} problem(s) in {checked} entries."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} entries verified."))
