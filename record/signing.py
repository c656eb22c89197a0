"""The agency's Ed25519 key, and the signed heads of the chain.

The private key is a PEM file (RECORD_SIGNING_KEY_FILE; made on first use if
missing: back it up with the database). Its public half is published at
/record/public-key.pem; a signed head is a canonical JSON document
(/record/heads/<day>.json) and its signature, base64 (/record/heads/<day>.sig), which
`openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin` checks (README).
"""

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.ninjs import iso
from record.models import Head, SignedHead, canonical_json


def private_key() -> Ed25519PrivateKey:
    path = Path(settings.RECORD_SIGNING_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Written whole or not at all, readable by its owner only.
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        os.replace(temporary, path)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_key_pem() -> str:
    return (
        private_key()
        .public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


def sign(document: bytes) -> str:
    return base64.b64encode(private_key().sign(document)).decode()


def signature_holds(document: bytes, signature: str, public_pem: str) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), document)
    except (InvalidSignature, ValueError):
        return False
    return True


def head_document(day) -> bytes:
    head = Head.objects.get_or_create(pk=1)[0]
    return canonical_json(
        {
            "day": day.isoformat(),
            "position": head.position,
            "sha256": head.sha256,
            "signed_at": iso(timezone.now()),
            # The key that signed it: heads keep verifying after the key is changed
            # or the database moves (its fingerprint is what readers compare).
            "public_key": public_key_pem(),
        }
    )


def sign_today() -> SignedHead | None:
    """The head as it stands, signed, once a day (the worker's clock)."""
    day = timezone.localdate()
    if SignedHead.objects.filter(day=day).exists():
        return None
    document = head_document(day)
    try:
        with transaction.atomic():
            return SignedHead.objects.create(
                day=day, document=document.decode(), signature=sign(document)
            )
    except IntegrityError:  # another worker signed it meanwhile
        return None
