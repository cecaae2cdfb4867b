"""HTTPS for the hub: a small local certificate authority, and a pinned client.

`frontaid serve --tls` (and `device enroll`, so every code can pin it) makes the hub
a certificate authority of its own: an ECDSA P-256 key and a self-signed CA
certificate, then a server certificate signed by it for localhost, 127.0.0.1, the
machine's name and LAN addresses, and whatever `--host`/`--san` name. Re-issued when
the names change or it nears its end; the CA stays, so phones install it once.

Where the keys live: only inside the replica (meta rows `tls_ca_key`, `tls_key`),
which protect-crypt encrypts, never in a file beside it. Python's `ssl` loads a key
only from a path, so `server_context` writes the PEM, itself encrypted under a random
one-time password, into an anonymous memory file (`memfd_create`: RAM only, no name
in any filesystem, gone when closed) and loads it from /proc/self/fd; where memfd is
missing, a 0600 file in a fresh 0700 directory, unlinked right after loading, still
holding only the password-encrypted PEM. uvicorn builds the context through
`ssl_context_factory`, which each worker process calls for itself.

Devices pin the CA: the enrolment code carries the SHA-256 of the CA certificate
(`ca_fingerprint`); a device syncing over https fetches /ca.crt once, refuses it
unless its hash is the pinned one, keeps it, and trusts that one CA and nothing
else (not the system store). The hub's address may change with DHCP, so the name
in the certificate is not checked; a certificate signed by any other key is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ipaddress
import json
import os
import secrets
import socket
import ssl
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from frontaid.errors import BadInput, SyncRefused
from frontaid.i18n import gettext
from frontaid.store.replica import Replica

CA_DAYS = 10 * 365
CERT_DAYS = 397          # browsers refuse server certificates valid for longer
RENEW_DAYS = 30
CA_PATH = "/ca.crt"


def not_pinned() -> SyncRefused:
    return SyncRefused(reason=gettext("the hub's certificate is not the one this device was enrolled with"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _load_key(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def fingerprint(cert_pem: str) -> str:
    """The SHA-256 of a certificate (DER), as 64 hex characters."""
    der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def spaced(fp: str) -> str:
    """A fingerprint as phones show it: AB:CD:..."""
    return ":".join(fp[i:i + 2] for i in range(0, len(fp), 2)).upper()


def ensure_ca(rep: Replica) -> str:
    """The hub's CA certificate (PEM), made on first use; its key stays in the replica."""
    cert = rep.meta("tls_ca_cert")
    if cert:
        return str(cert)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "frontaid"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"frontaid hub {rep.town} {rep.origin[:8]}")])
    now = _now()
    ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=CA_DAYS))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
          .sign(key, hashes.SHA256()))
    pem = ca.public_bytes(serialization.Encoding.PEM).decode()
    with rep.transaction():
        rep.set_meta("tls_ca_key", _pem_key(key))
        rep.set_meta("tls_ca_cert", pem)
    return pem


def ca_fingerprint(rep: Replica) -> str:
    return fingerprint(ensure_ca(rep))


def local_names(extra: Iterable[str] = ()) -> list[str]:
    """Names and addresses this machine answers to: localhost, loopback, hostname, LAN addresses."""
    names = ["localhost", "127.0.0.1", "::1"]
    host = socket.gethostname()
    names.append(host)
    with contextlib.suppress(OSError):
        names += socket.gethostbyname_ex(host)[2]
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))  # UDP: picks the outgoing address, sends nothing
        names.append(s.getsockname()[0])
    names += [n.strip() for n in extra if n.strip() and n.strip() not in ("0.0.0.0", "::")]
    return sorted(set(names))


def _san(names: Iterable[str]) -> x509.SubjectAlternativeName:
    out: list[x509.GeneralName] = []
    for n in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            out.append(x509.DNSName(n))
    return x509.SubjectAlternativeName(out)


def ensure_server_cert(rep: Replica, names: list[str]) -> tuple[str, str]:
    """(certificate chain PEM, key PEM) for `names`, issued by the hub's CA when missing,
    when the names changed or when it ends within RENEW_DAYS."""
    ca_pem = ensure_ca(rep)
    cert, key_pem, held = rep.meta("tls_cert"), rep.meta("tls_key"), rep.meta("tls_names")
    if cert and key_pem and held == json.dumps(names):
        leaf = x509.load_pem_x509_certificate(str(cert).encode())
        if leaf.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_DAYS):
            return str(cert), str(key_pem)
    ca = x509.load_pem_x509_certificate(ca_pem.encode())
    ca_key = _load_key(str(rep.meta("tls_ca_key")))
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "hub")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=CERT_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_san(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    chain = leaf.public_bytes(serialization.Encoding.PEM).decode() + ca_pem
    with rep.transaction():
        rep.set_meta("tls_cert", chain)
        rep.set_meta("tls_key", _pem_key(key))
        rep.set_meta("tls_names", json.dumps(names))
    return chain, _pem_key(key)


@contextlib.contextmanager
def _ram_file(data: bytes) -> Iterator[str]:
    """A path to `data` that lives in memory only (memfd), else in a private file removed at once."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("frontaid-tls", os.MFD_CLOEXEC)
        try:
            os.write(fd, data)
            yield f"/proc/self/fd/{fd}"
        finally:
            os.close(fd)
        return
    with tempfile.TemporaryDirectory(prefix="frontaid-tls-") as d:  # 0700
        path = Path(d) / "k.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        try:
            yield str(path)
        finally:
            path.unlink(missing_ok=True)


def server_context(chain_pem: str, key_pem: str) -> ssl.SSLContext:
    """An SSLContext for the hub, loaded without the key ever reaching a disk."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    password = secrets.token_bytes(32)
    locked = _load_key(key_pem).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.BestAvailableEncryption(password))
    with _ram_file(chain_pem.encode()) as cert_path, _ram_file(locked) as key_path:
        ctx.load_cert_chain(cert_path, key_path, password=password)
    return ctx


def serve_context(db: Path) -> ssl.SSLContext:
    """The server context for the replica at `db` (its certificate made at `serve` start)."""
    rep = Replica.open(db)
    try:
        chain, key = rep.meta("tls_cert"), rep.meta("tls_key")
        if not chain or not key:
            chain, key = ensure_server_cert(rep, local_names())
        return server_context(str(chain), str(key))
    finally:
        rep.close()


# -- the device's side ------------------------------------------------------------------------

def pin(rep: Replica, fp: str) -> None:
    """Pin the hub's CA by its SHA-256 (from the enrolment code, or given by hand)."""
    fp = fp.replace(":", "").strip().lower()
    if len(fp) != 64 or any(c not in "0123456789abcdef" for c in fp):
        raise BadInput("'{value}' is not a certificate fingerprint (64 hex characters).", value=fp)
    with rep.transaction():
        rep.set_meta("hub_ca_fingerprint", fp)
        rep.set_meta("hub_ca_cert", None)


def pinned_context(rep: Replica, url: str, timeout: float = 30) -> ssl.SSLContext:
    """A client SSLContext that trusts the hub's pinned CA only (fetched once and checked)."""
    import httpx

    fp = rep.meta("hub_ca_fingerprint")
    if not fp:
        raise SyncRefused(reason=gettext("this device has no pinned certificate for the hub; "
                                         "give it with --pin (frontaid serve --tls prints it)"))
    cert = rep.meta("hub_ca_cert")
    if not cert:
        # Fetched without trust on purpose: what makes it trusted is its hash, checked next.
        try:
            got = httpx.get(url.rstrip("/") + CA_PATH, verify=False, timeout=timeout).text  # noqa: S501
            ok = fingerprint(got) == str(fp)
        except (httpx.HTTPError, ValueError):
            ok = False
        if not ok:
            raise not_pinned()
        cert = got
        with rep.transaction():
            rep.set_meta("hub_ca_cert", cert)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False  # DHCP moves the hub; only a certificate from its own CA passes
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=str(cert))
    return ctx
