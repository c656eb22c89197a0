"""A throwaway C2PA signing chain for tests: root CA -> intermediate CA -> signer.

The signer (leaf) certificate has the profile the C2PA specification asks of a claim
signer, which the c2pa library checks when it signs and when it validates: X.509 v3,
an ECDSA P-256 key (ES256), issued by a CA (not self-signed), keyUsage
digitalSignature only (critical), the extendedKeyUsage c2pa-kp-claimSigning (what the
C2PA conformance program's CAs issue; make_chain takes others), subject and authority
key identifiers (without the authority's, the library calls the certificate invalid). The CAs have basicConstraints
CA:true and keyCertSign. Readers configure the root as their trust anchor; the chain
file holds the leaf, then the intermediate, as an agency's CA would hand them out.

`c2pa_chain` writes the key and the chain to tmp_path and points the settings at them;
it and `c2pa_test_chain` are registered for every test in tests/conftest.py.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNER_NAME = "Highland Herald Test Signer"
INTERMEDIATE_NAME = "Newsroom Test Signing CA"
ROOT_NAME = "Newsroom Test Root CA"
C2PA_CLAIM_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.62558.2.1")
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")
EMAIL_PROTECTION = ExtendedKeyUsageOID.EMAIL_PROTECTION


@dataclass(frozen=True)
class Chain:
    key_pem: bytes  # the signer's private key (PKCS#8, unencrypted)
    chain_pem: bytes  # signer, then intermediate (C2PA_CERTIFICATE_CHAIN_FILE)
    root_pem: bytes  # the trust anchor a reader configures


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Newsroom Tests"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
        ]
    )


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def _issue(name, key, issuer_name, issuer_key, *, ca_path_length=None, signer_ekus=()):
    signer = bool(signer_ekus)
    now = datetime.datetime.now(datetime.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.BasicConstraints(ca=not signer, path_length=ca_path_length),
            critical=True,
        )
        .add_extension(_key_usage(signer=signer), critical=True)
        .add_extension(ski, critical=False)
    )
    if issuer_key is not key:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if signer:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(list(signer_ekus)), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_chain(signer_ekus=(C2PA_CLAIM_SIGNING,)) -> Chain:
    root_key, ca_key, signer_key = (
        ec.generate_private_key(ec.SECP256R1()) for _ in "123"
    )
    root = _issue(ROOT_NAME, root_key, ROOT_NAME, root_key, ca_path_length=1)
    ca = _issue(INTERMEDIATE_NAME, ca_key, ROOT_NAME, root_key, ca_path_length=0)
    signer = _issue(
        SIGNER_NAME, signer_key, INTERMEDIATE_NAME, ca_key, signer_ekus=signer_ekus
    )
    pem = serialization.Encoding.PEM
    return Chain(
        key_pem=signer_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        chain_pem=signer.public_bytes(pem) + ca.public_bytes(pem),
        root_pem=root.public_bytes(pem),
    )


@pytest.fixture(scope="session")
def c2pa_test_chain() -> Chain:
    return make_chain()


@pytest.fixture
def c2pa_chain(c2pa_test_chain, tmp_path: Path, settings) -> Chain:
    """Signing on: the agency's key and chain files in tmp_path, no timestamp server."""
    key_file = tmp_path / "c2pa-key.pem"
    chain_file = tmp_path / "c2pa-chain.pem"
    key_file.write_bytes(c2pa_test_chain.key_pem)
    chain_file.write_bytes(c2pa_test_chain.chain_pem)
    settings.C2PA_SIGNING_KEY_FILE = str(key_file)
    settings.C2PA_CERTIFICATE_CHAIN_FILE = str(chain_file)
    settings.C2PA_TSA_URL = ""
    return c2pa_test_chain


@pytest.fixture
def c2pa_trusted(c2pa_chain, tmp_path: Path, settings) -> Chain:
    """Signing on, and reading trusting the test chain's root (as a site with a
    private CA would, through C2PA_TRUST_ANCHORS_FILE)."""
    anchors = tmp_path / "c2pa-anchors.pem"
    anchors.write_bytes(c2pa_chain.root_pem)
    settings.C2PA_TRUST_ANCHORS_FILE = str(anchors)
    return c2pa_chain
