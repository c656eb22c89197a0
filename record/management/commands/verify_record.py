"""manage.py verify_record: recompute the publication record's every hash."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from record import chain, signing
from record.models import Entry, SignedHead, sha256


class Command(BaseCommand):
    help = (
        "Recompute every entry's material hash from its stored texts and the chain "
        "of entry hashes, and check the signed daily heads. Names the first entry "
        "that does not verify and exits with 1; exits with 0 when the whole record "
        "verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--trust-key",
            action="append",
            default=[],
            metavar="PEM_FILE",
            help=(
                "A public key, besides this installation's, whose signed heads are "
                "accepted (the agency's earlier key, after it was changed)."
            ),
        )

    def handle(self, *args, trust_key: list, **options):
        started = time.monotonic()
        checked, broken = chain.verify()
        if broken is not None:
            raise CommandError(
                f"The record does not verify at {broken} "
                f"({checked} entries before it verified)."
            )
        trusted = {signing.public_key_pem()} | {
            Path(path).read_text() for path in trust_key
        }
        heads, keys = 0, set()
        for head in SignedHead.objects.order_by("day"):
            stated = json.loads(head.document)
            if stated["public_key"] not in trusted:
                raise CommandError(
                    f"The signed head of {head.day} was signed with a key that is "
                    "neither this installation's nor one given with --trust-key "
                    f"(SHA-256 {sha256(stated['public_key'].encode())})."
                )
            if not signing.signature_holds(
                head.document.encode(), head.signature, stated["public_key"]
            ):
                raise CommandError(f"The signed head of {head.day} does not verify.")
            if (
                stated["position"]
                and not Entry.objects.filter(
                    position=stated["position"], sha256=stated["sha256"]
                ).exists()
            ):
                raise CommandError(
                    f"The signed head of {head.day} names entry "
                    f"#{stated['position']}, which the chain does not hold."
                )
            heads += 1
            keys.add(sha256(stated["public_key"].encode()))
        self.stdout.write(
            f"The record verifies: {checked} entries and {heads} signed heads "
            f"in {time.monotonic() - started:.1f} s."
        )
        # What a reader compares with the fingerprint the agency published.
        for fingerprint in sorted(keys):
            self.stdout.write(
                f"Heads signed with the key whose SHA-256 is {fingerprint}"
            )
