"""Typed failures of signing and verification, so callers can tell the user what to fix.

Every exception's ``str()`` is a translated, user-facing sentence; the class says what
kind of problem it is (a wrong password is not a damaged file).
"""

from __future__ import annotations


class SigningFailure(Exception):
    """Base of everything this package raises on purpose."""


class CredentialError(SigningFailure):
    """A PKCS#12 file, key or certificate cannot be used for signing."""


class NotPkcs12Error(CredentialError):
    """The data is not a PKCS#12 (.p12 / .pfx) file at all."""


class WrongPasswordError(CredentialError):
    """The PKCS#12 file is well formed but the password does not open it."""


class NoPrivateKeyError(CredentialError):
    """The PKCS#12 file holds certificates only: nothing to sign with."""


class NoCertificateError(CredentialError):
    """The PKCS#12 file holds a key but no certificate for it."""


class KeyMismatchError(CredentialError):
    """The private key does not belong to the certificate."""


class CertificateExpiredError(CredentialError):
    """The signer's certificate is past its end of validity."""


class CertificateNotYetValidError(CredentialError):
    """The signer's certificate starts to be valid only later."""


class NotACertificateError(CredentialError, ValueError):
    """A file given as a certificate is neither PEM nor DER X.509 (also a ValueError)."""


class PdfSigningError(SigningFailure):
    """A PDF could not be signed as asked (the input is left untouched)."""


class DamagedPdfError(SigningFailure):
    """The bytes are not a PDF, or a PDF too damaged to read."""


class ValidatorUnavailableError(SigningFailure):
    """The independent validator (Poppler ``pdfsig`` with NSS ``certutil``) is not installed."""


class PdfsigError(SigningFailure):
    """``pdfsig`` ran but failed in a way its report does not explain."""
