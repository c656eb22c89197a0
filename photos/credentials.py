"""Content Credentials (C2PA) for published photo renditions.

A rendition is signed with the agency's key and certificate chain and carries, in a
C2PA manifest embedded in the file, only what readers may know: the photographer
(author), the agency (publisher), the credit line, the rendition's title and what was
done to the picture. Nothing that EXIF stripping removed (place, camera make, model or
serial) is ever put into the manifest.

    signing_enabled() -> bool
        True when C2PA_SIGNING_KEY_FILE and C2PA_CERTIFICATE_CHAIN_FILE are both set.
        Callers check it and leave renditions unsigned when it is False: a site with no
        certificate (`make run` on a fresh machine) works as before.

    sign(content, image_format, *, author, publisher, credit, actions, title="",
         source_type=DIGITAL_CAPTURE) -> bytes
        The image bytes with the signed manifest embedded. image_format is Pillow's
        name ("JPEG" or "WEBP"); actions lists what the rendition did to the original
        (RESIZED, CROPPED, ...): the manifest records c2pa.created (the photograph,
        with its IPTC digital source type), those actions, then c2pa.published.
        Raises SigningError if the library cannot sign (its reason included),
        ImproperlyConfigured naming the file if the key or chain is missing, broken
        or mismatched, ValueError for another format or action.

    read(content, image_format) -> Credentials | None
        What a file's manifest says and whether it validates, for a "Content
        Credentials" view; None when the file carries no manifest. Validation trusts
        the library's own anchors plus C2PA_TRUST_ANCHORS_FILE, if set. Raises
        ReadingError if the file cannot be read at all.

    agency_publisher() -> str
        The agency's name as the publisher of files shared by both languages.

The manifest uses the CAWG metadata assertion (`cawg.metadata`: dc:creator,
dc:publisher, photoshop:Credit), which replaced schema.org CreativeWork (no longer in
the C2PA specification) for who made and who published a picture.
"""

import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# What a rendition may have done to the photo (C2PA standard action names).
RESIZED = "c2pa.resized"
CROPPED = "c2pa.cropped"
ORIENTATION = "c2pa.orientation"  # turned upright from the camera's orientation tag
TRANSCODED = "c2pa.transcoded"  # re-encoded in another format
EDITS = frozenset({RESIZED, CROPPED, ORIENTATION, TRANSCODED})
PUBLISHED = "c2pa.published"

# IPTC digital source types: C2PA requires one on c2pa.created.
DIGITAL_CAPTURE = "digitalCapture"  # a camera's photograph, a video's frame
SOURCE_TYPES = frozenset(
    {DIGITAL_CAPTURE, "negativeFilm", "positiveFilm", "print", "screenCapture"}
)
IPTC_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/"

MIME_TYPES = {"JPEG": "image/jpeg", "WEBP": "image/webp"}

# The actions in words, for the view.
ACTION_NAMES = {
    "c2pa.created": _("photographed"),
    RESIZED: _("resized"),
    CROPPED: _("cropped"),
    ORIENTATION: _("turned upright"),
    TRANSCODED: _("saved in another format"),
    PUBLISHED: _("published"),
}

# The library's validation codes a reader may meet most, in words for the view.
PROBLEMS = {
    "signingCredential.untrusted": _(
        "The signing certificate is not from an authority this site trusts."
    ),
    "signingCredential.expired": _("The signing certificate had expired."),
    "signingCredential.revoked": _("The signing certificate was revoked."),
    "assertion.dataHash.mismatch": _("The picture was changed after it was signed."),
    "claimSignature.mismatch": _("The signature does not match the credentials."),
}


class SigningError(Exception):
    """The c2pa library could not sign a rendition."""


class ReadingError(Exception):
    """The file's manifest could not be read at all (not a JPEG or WebP, say)."""


@dataclass(frozen=True)
class Credentials:
    """What a rendition's active manifest says, and whether it holds."""

    state: str  # "trusted", "valid" (intact, signer not trusted) or "invalid"
    problems: list[str] = field(default_factory=list)  # C2PA failure codes
    signer: str = ""  # the signing certificate's common name
    signer_issuer: str = ""  # the organisation that issued it
    signed_at: datetime | None = None  # only with a timestamp authority
    author: str = ""
    publisher: str = ""
    credit: str = ""
    title: str = ""
    actions: list[str] = field(default_factory=list)  # c2pa.created, c2pa.resized...

    @property
    def trusted(self) -> bool:
        return self.state == "trusted"

    def problem_texts(self) -> list[str]:
        return [str(PROBLEMS.get(code, code)) for code in self.problems]

    def action_texts(self) -> list[str]:
        return [str(ACTION_NAMES.get(action, action)) for action in self.actions]


def signing_enabled() -> bool:
    return bool(settings.C2PA_SIGNING_KEY_FILE and settings.C2PA_CERTIFICATE_CHAIN_FILE)


def check_signing_material() -> None:
    """Raise ImproperlyConfigured, naming the file, if the key or chain is wrong."""
    _signing_material()


def agency_publisher() -> str:
    """One file serves readers in every language, so it names the agency in each."""
    names = dict.fromkeys(
        settings.NEWSROOM_AGENCY_NAME[code] for code, _name in settings.LANGUAGES
    )
    return " / ".join(name for name in names if name)


def sign(
    content: bytes,
    image_format: str,
    *,
    author: str,
    publisher: str,
    credit: str,
    actions: list[str],
    title: str = "",
    source_type: str = DIGITAL_CAPTURE,
) -> bytes:
    mime_type = _mime_type(image_format)
    unknown = set(actions) - EDITS
    if unknown:
        raise ValueError(f"Not a rendition's action: {', '.join(sorted(unknown))}")
    if source_type not in SOURCE_TYPES:
        raise ValueError(f"Not a photo's digital source type: {source_type}")
    key_pem, chain_pem, algorithm = _signing_material()
    manifest = {
        "claim_generator_info": [{"name": "Newsroom"}],
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": IPTC_SOURCE_TYPE + source_type,
                        },
                        *({"action": action} for action in actions),
                        {"action": PUBLISHED},
                    ]
                },
            },
            {"label": "cawg.metadata", "data": _metadata(author, publisher, credit)},
        ],
    }
    if title:
        manifest["title"] = title
    signed = io.BytesIO()
    try:
        info = c2pa.C2paSignerInfo(
            algorithm, chain_pem, key_pem, settings.C2PA_TSA_URL or None
        )
        with (
            c2pa.Signer.from_info(info) as signer,
            c2pa.Context.from_dict(_SIGNING_SETTINGS) as context,
            c2pa.Builder(manifest, context=context) as builder,
        ):
            builder.sign(signer, mime_type, io.BytesIO(content), signed)
    except c2pa.C2paError as error:
        used = f"certificate chain {settings.C2PA_CERTIFICATE_CHAIN_FILE}"
        if settings.C2PA_TSA_URL:
            used += f", timestamp server {settings.C2PA_TSA_URL}"
        raise SigningError(
            f"Could not sign the {image_format} rendition ({used}): {error}"
        ) from error
    return signed.getvalue()


def read(content: bytes, image_format: str) -> Credentials | None:
    mime_type = _mime_type(image_format)
    try:
        with c2pa.Context.from_dict(_reading_settings()) as context:
            reader = c2pa.Reader.try_create(
                mime_type, io.BytesIO(content), context=context
            )
            if reader is None:
                return None
            with reader:
                store = json.loads(reader.json())
    except c2pa.C2paError as error:
        raise ReadingError(
            f"Could not read the {image_format} file's credentials: {error}"
        ) from error
    manifest = store.get("manifests", {}).get(store.get("active_manifest"), {})
    signature = manifest.get("signature_info", {})
    metadata = _assertion(manifest, "cawg.metadata") or {}
    actions = (_assertion(manifest, "c2pa.actions.v2") or {}).get("actions", [])
    failures = store.get("validation_results", {}).get("activeManifest", {})
    return Credentials(
        state=store.get("validation_state", "Invalid").lower(),
        problems=[item["code"] for item in failures.get("failure", [])],
        signer=signature.get("common_name", ""),
        signer_issuer=signature.get("issuer", ""),
        signed_at=_datetime(signature.get("time")),
        author=", ".join(metadata.get("dc:creator", [])),
        publisher=", ".join(metadata.get("dc:publisher", [])),
        credit=metadata.get("photoshop:Credit", ""),
        title=manifest.get("title", ""),
        actions=[action["action"] for action in actions],
    )


# The signer certificate purposes (EKUs) accepted, for signing (which validates what
# it wrote) and reading. The library's default list lacks c2pa-kp-claimSigning, the
# EKU of the C2PA conformance program's certificates, and documentSigning: with it, a
# conformant certificate would fail to sign with "certificate missing required EKU".
SIGNER_EKUS = "\n".join(
    [
        "1.3.6.1.4.1.62558.2.1",  # c2pa-kp-claimSigning
        "1.3.6.1.5.5.7.3.36",  # documentSigning
        "1.3.6.1.5.5.7.3.4",  # emailProtection (S/MIME)
        "1.3.6.1.4.1.311.76.59.1.9",  # Microsoft's C2PA signing
    ]
)

# No thumbnail in the manifest (the rendition is its own picture), and no network:
# neither while checking the signature right after signing nor while reading, where a
# manifest stored elsewhere or a revocation check would make requests to a third
# party's address.
_SIGNING_SETTINGS = {
    "builder": {"thumbnail": {"enabled": False}},
    "trust": {"trust_config": SIGNER_EKUS},
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
}


def _reading_settings() -> dict:
    trust = {"trust_config": SIGNER_EKUS}
    if settings.C2PA_TRUST_ANCHORS_FILE:
        # user_anchors adds to the library's own list; trust_anchors would replace it.
        trust["user_anchors"] = _read_file(
            "C2PA_TRUST_ANCHORS_FILE", settings.C2PA_TRUST_ANCHORS_FILE
        ).decode()
    return {"trust": trust, "verify": _SIGNING_SETTINGS["verify"]}


def _metadata(author: str, publisher: str, credit: str) -> dict:
    metadata = {
        "@context": {
            "dc": "http://purl.org/dc/elements/1.1/",
            "photoshop": "http://ns.adobe.com/photoshop/1.0/",
        }
    }
    # dc:creator and dc:publisher are XMP lists; an empty value is left out.
    if author:
        metadata["dc:creator"] = [author]
    if publisher:
        metadata["dc:publisher"] = [publisher]
    if credit:
        metadata["photoshop:Credit"] = credit
    return metadata


def _mime_type(image_format: str) -> str:
    try:
        return MIME_TYPES[image_format.upper()]
    except KeyError:
        raise ValueError(
            f"Content Credentials are made for JPEG and WebP, not {image_format}"
        ) from None


def _read_file(setting: str, path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(
            f"{setting}: cannot read {path} ({error.strerror or error})"
        ) from error


def _signing_material() -> tuple[bytes, bytes, c2pa.C2paSigningAlg]:
    """The key, the chain and the algorithm the key signs with, checked up front so
    that a wrong file is named instead of failing deep inside the library."""
    key_file = settings.C2PA_SIGNING_KEY_FILE
    chain_file = settings.C2PA_CERTIFICATE_CHAIN_FILE
    key_pem = _read_file("C2PA_SIGNING_KEY_FILE", key_file)
    chain_pem = _read_file("C2PA_CERTIFICATE_CHAIN_FILE", chain_file)
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            f"C2PA_SIGNING_KEY_FILE: {key_file} is not an unencrypted PEM private "
            f"key ({error})"
        ) from error
    try:
        certificates = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"C2PA_CERTIFICATE_CHAIN_FILE: {chain_file} is not a PEM certificate "
            f"chain ({error})"
        ) from error
    if certificates[0].public_key() != key.public_key():
        raise ImproperlyConfigured(
            f"C2PA_CERTIFICATE_CHAIN_FILE: the first certificate in {chain_file} is "
            f"not the one for the key in {key_file} (the signer's certificate comes "
            "first, then its intermediates)"
        )
    # The library reads PKCS#8 only; openssl ecparam writes SEC1 ("EC PRIVATE KEY").
    pkcs8 = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pkcs8, chain_pem, _algorithm(key, key_file)


def _algorithm(key, key_file: str) -> c2pa.C2paSigningAlg:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        by_curve = {
            "secp256r1": c2pa.C2paSigningAlg.ES256,
            "secp384r1": c2pa.C2paSigningAlg.ES384,
            "secp521r1": c2pa.C2paSigningAlg.ES512,
        }
        if key.curve.name in by_curve:
            return by_curve[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return c2pa.C2paSigningAlg.ED25519
    if isinstance(key, rsa.RSAPrivateKey):
        return c2pa.C2paSigningAlg.PS256  # C2PA allows RSA-PSS only
    raise ImproperlyConfigured(
        f"C2PA_SIGNING_KEY_FILE: {key_file} holds a key C2PA cannot sign with "
        "(use ECDSA P-256, P-384 or P-521, Ed25519 or RSA)"
    )


def _assertion(manifest: dict, label: str) -> dict | None:
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") == label:
            return assertion.get("data")
    return None


def _datetime(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
