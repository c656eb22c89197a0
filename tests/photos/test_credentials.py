"""Content Credentials: renditions signed with a generated chain, read back, validated."""

import io
import json

import c2pa
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from PIL import Image

from photos import credentials
from photos.credentials import CROPPED, RESIZED
from tests.photos.c2pa_chain import (
    C2PA_CLAIM_SIGNING,
    DOCUMENT_SIGNING,
    EMAIL_PROTECTION,
    SIGNER_NAME,
    make_chain,
)
from tests.photos.images import SERIAL, photo_bytes

PHOTOGRAPHER = "Нина Беридзе"
CREDIT = "Фото Нины Беридзе для «Горного вестника»"


def rendition(image_format="JPEG", exif=False) -> bytes:
    """A rendition as the pipeline makes them: small and stripped (exif=True: not)."""
    return photo_bytes(image_format, size=(320, 200), exif=exif)


def signed(image_format="JPEG", content=None, actions=(RESIZED, CROPPED)) -> bytes:
    return credentials.sign(
        content or rendition(image_format),
        image_format,
        author=PHOTOGRAPHER,
        publisher=credentials.agency_publisher(),
        credit=CREDIT,
        actions=list(actions),
        title="Сель в Дербенте",
    )


def manifest_store_json(content: bytes, mime_type="image/jpeg") -> str:
    with c2pa.Reader(mime_type, io.BytesIO(content)) as reader:
        return reader.json()


@pytest.mark.parametrize("image_format", ["JPEG", "WEBP"])
def test_a_signed_rendition_validates_against_the_chain_with_what_it_says(
    c2pa_trusted, image_format
):
    content = signed(image_format)

    # Still a picture a browser shows, of the same size, and signing put no EXIF in.
    picture = Image.open(io.BytesIO(content))
    assert (picture.format, picture.size) == (image_format, (320, 200))
    assert not picture.getexif()
    found = credentials.read(content, image_format)
    assert found is not None
    assert found.state == "trusted", found.problems
    assert found.trusted and found.problems == []
    assert found.signer == SIGNER_NAME
    assert found.signer_issuer == "Newsroom Tests"
    assert found.signed_at is None  # no timestamp server in tests
    assert found.author == PHOTOGRAPHER
    assert found.publisher == "Горный вестник / Highland Herald"
    assert found.credit == CREDIT
    assert found.title == "Сель в Дербенте"
    assert found.actions == [
        "c2pa.created",
        "c2pa.resized",
        "c2pa.cropped",
        "c2pa.published",
    ]


def test_without_the_root_as_anchor_the_signature_holds_but_is_not_trusted(
    c2pa_chain, settings
):
    settings.C2PA_TRUST_ANCHORS_FILE = ""
    found = credentials.read(signed(actions=[RESIZED]), "JPEG")

    assert found.state == "valid"
    assert found.problems == ["signingCredential.untrusted"]
    assert found.actions == ["c2pa.created", "c2pa.resized", "c2pa.published"]
    with translation.override("en"):
        assert "not from an authority this site trusts" in found.problem_texts()[0]


@pytest.mark.parametrize("exif", [False, True])
def test_the_manifest_holds_no_place_and_no_camera(c2pa_chain, exif):
    # Even a file that still had its EXIF (exif=True) gets none of it in the manifest.
    store = manifest_store_json(signed(content=rendition(exif=exif)))

    for word in ("exif", "gps", "location", "canon", "eos r6", SERIAL.lower()):
        assert word not in store.lower()
    manifest = json.loads(store)["manifests"][json.loads(store)["active_manifest"]]
    # "Serial" appears once: the agency's signing certificate's, which is public.
    assert "serial" not in json.dumps(manifest["assertions"]).lower()
    assert sorted(a["label"] for a in manifest["assertions"]) == [
        "c2pa.actions.v2",
        "cawg.metadata",
    ]
    assert "thumbnail" not in manifest


def test_changed_pixels_no_longer_validate(c2pa_trusted):
    content = bytearray(signed())
    content[-100] ^= 0xFF  # inside the picture's data, after the manifest

    found = credentials.read(bytes(content), "JPEG")

    assert found.state == "invalid"
    assert "assertion.dataHash.mismatch" in found.problems
    assert not found.trusted
    with translation.override("en"):
        assert found.problem_texts() == ["The picture was changed after it was signed."]


def test_a_file_without_a_manifest_has_no_credentials(c2pa_trusted):
    assert credentials.read(rendition(), "JPEG") is None
    assert credentials.read(rendition("WEBP"), "WEBP") is None
    with pytest.raises(credentials.ReadingError, match="Could not read the JPEG"):
        credentials.read(b"not a picture", "JPEG")


def test_signing_is_off_unless_both_files_are_set(c2pa_chain, settings):
    assert credentials.signing_enabled()
    settings.C2PA_SIGNING_KEY_FILE = ""
    assert not credentials.signing_enabled()
    settings.C2PA_SIGNING_KEY_FILE = "/etc/newsroom/c2pa-key.pem"
    settings.C2PA_CERTIFICATE_CHAIN_FILE = ""
    assert not credentials.signing_enabled()


def test_signing_is_off_by_default():
    from django.conf import settings

    # The test settings come from a bare environment, like a fresh `make run`.
    assert not credentials.signing_enabled()
    assert settings.C2PA_TSA_URL == ""


def test_a_broken_key_file_is_named(c2pa_chain, settings, tmp_path):
    broken = tmp_path / "broken-key.pem"
    broken.write_text(
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"
    )
    settings.C2PA_SIGNING_KEY_FILE = str(broken)

    with pytest.raises(
        ImproperlyConfigured, match=r"C2PA_SIGNING_KEY_FILE.*broken-key"
    ):
        signed()


def test_a_missing_chain_file_is_named(c2pa_chain, settings, tmp_path):
    settings.C2PA_CERTIFICATE_CHAIN_FILE = str(tmp_path / "absent.pem")

    with pytest.raises(
        ImproperlyConfigured, match=r"C2PA_CERTIFICATE_CHAIN_FILE.*absent"
    ):
        signed()


def test_a_chain_for_another_key_is_refused(c2pa_chain, settings, tmp_path):
    other = tmp_path / "other-chain.pem"
    other.write_bytes(make_chain().chain_pem)
    settings.C2PA_CERTIFICATE_CHAIN_FILE = str(other)

    with pytest.raises(ImproperlyConfigured, match="not the one for the key"):
        signed()


def test_a_self_signed_certificate_cannot_sign(c2pa_chain, settings, tmp_path):
    # The signer's profile in every other respect, but its own issuer: C2PA wants a
    # CA behind every signer, and the library's refusal is passed on.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.photos.c2pa_chain import _issue

    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _issue(
        SIGNER_NAME, key, SIGNER_NAME, key, signer_ekus=[C2PA_CLAIM_SIGNING]
    )
    key_file, chain_file = tmp_path / "self-key.pem", tmp_path / "self.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    settings.C2PA_SIGNING_KEY_FILE = str(key_file)
    settings.C2PA_CERTIFICATE_CHAIN_FILE = str(chain_file)

    with pytest.raises(
        credentials.SigningError, match="Could not sign the JPEG"
    ) as raised:
        signed()
    assert "certificate is invalid" in str(raised.value)


def test_only_a_renditions_actions_and_formats(c2pa_chain):
    with pytest.raises(ValueError, match=r"c2pa\.watermarked"):
        signed(actions=["c2pa.watermarked"])
    with pytest.raises(ValueError, match="JPEG and WebP"):
        credentials.sign(
            b"", "PNG", author="", publisher="", credit="", actions=[RESIZED]
        )


@pytest.mark.parametrize(
    "ekus",
    [[DOCUMENT_SIGNING], [EMAIL_PROTECTION], [C2PA_CLAIM_SIGNING, EMAIL_PROTECTION]],
    ids=["documentSigning", "emailProtection", "both"],
)
def test_a_signer_certificate_for_documents_or_email_signs_too(
    ekus, tmp_path, settings
):
    chain = make_chain(signer_ekus=ekus)
    for name, pem in [("key", chain.key_pem), ("chain", chain.chain_pem)]:
        (tmp_path / f"{name}.pem").write_bytes(pem)
    (tmp_path / "anchors.pem").write_bytes(chain.root_pem)
    settings.C2PA_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.C2PA_CERTIFICATE_CHAIN_FILE = str(tmp_path / "chain.pem")
    settings.C2PA_TRUST_ANCHORS_FILE = str(tmp_path / "anchors.pem")

    assert credentials.read(signed(), "JPEG").state == "trusted"


def test_an_ec_key_as_openssl_ecparam_writes_it_signs_too(c2pa_chain, settings):
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(c2pa_chain.key_pem, password=None)
    with open(settings.C2PA_SIGNING_KEY_FILE, "wb") as key_file:
        key_file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,  # EC PRIVATE KEY
                serialization.NoEncryption(),
            )
        )

    assert credentials.read(signed(), "JPEG").signer == SIGNER_NAME


def test_an_unreachable_timestamp_server_fails_the_signing(c2pa_chain, settings):
    settings.C2PA_TSA_URL = "http://127.0.0.1:9/"  # the discard port: refused at once

    with pytest.raises(
        credentials.SigningError, match=r"timestamp server http://127\.0\.0\.1:9/\)"
    ):
        signed()
