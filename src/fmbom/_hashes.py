"""The hash algorithms and their names in every format: public in :mod:`fmbom.vocabulary`.

A module of its own so that ``fmbom scan --help``, whose ``--hash`` choices these are, does
not import every other vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from fmbom._enums import Vocabulary
from fmbom._enums import invalid as _invalid

__all__ = ["HASH_NAMES", "HashAlgorithm", "HashNames"]


class HashAlgorithm(Vocabulary):
    """Digest algorithms, with the hex length each produces."""

    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"
    SHA3_256 = "sha3-256"
    SHA3_384 = "sha3-384"
    SHA3_512 = "sha3-512"
    BLAKE2B_256 = "blake2b-256"
    BLAKE2B_384 = "blake2b-384"
    BLAKE2B_512 = "blake2b-512"
    BLAKE3 = "blake3"

    @property
    def hex_length(self) -> int:
        """Number of hex digits of a digest of this algorithm."""
        return HASH_NAMES[self].hex_length

    @property
    def names(self) -> HashNames:
        """How this algorithm is written elsewhere: CycloneDX, SPDX 3, :mod:`hashlib`."""
        return HASH_NAMES[self]

    @classmethod
    def parse(cls, text: str, field: str = "") -> HashAlgorithm:
        """Read any common spelling: ``SHA-256``, ``SHA256``, ``sha_256`` and ``sha256`` agree.

        Raises :class:`~fmbom.errors.ValidationError` (with ``field`` as its path) for a name
        that is none of them.
        """
        found = _ALGORITHM_SPELLINGS.get(text)
        if found is None:
            found = _ALGORITHM_SPELLINGS.get(_spelling_key(text))
        if found is None:
            known = ", ".join(a.value for a in cls)
            raise _invalid(f"unknown hash algorithm {text!r} (known: {known})", field)
        return found

    @classmethod
    def coerce(cls, value: object, field: str = "") -> HashAlgorithm:
        """A member, or any common spelling of one (see :meth:`parse`)."""
        if isinstance(value, HashAlgorithm):
            return value
        if not isinstance(value, str):
            known = ", ".join(a.value for a in cls)
            raise _invalid(f"expected a hash algorithm ({known}); got {value!r}", field)
        return cls.parse(value, field)


class HashNames(NamedTuple):
    """One hash algorithm's digest length and its names in the formats fmbom reads and writes.

    ``hashlib`` is the name :func:`hashlib.new` takes (with ``digest_size`` for BLAKE2b), or
    None where the standard library has no such hash (BLAKE3).
    """

    hex_length: int
    cyclonedx: str
    spdx: str
    hashlib: str | None


#: Every hash algorithm's digest length and names: the one table of their spellings.
HASH_NAMES: Final[Mapping[HashAlgorithm, HashNames]] = MappingProxyType(
    {
        HashAlgorithm.MD5: HashNames(hex_length=32, cyclonedx="MD5", spdx="md5", hashlib="md5"),
        HashAlgorithm.SHA1: HashNames(
            hex_length=40, cyclonedx="SHA-1", spdx="sha1", hashlib="sha1"
        ),
        HashAlgorithm.SHA256: HashNames(
            hex_length=64, cyclonedx="SHA-256", spdx="sha256", hashlib="sha256"
        ),
        HashAlgorithm.SHA384: HashNames(
            hex_length=96, cyclonedx="SHA-384", spdx="sha384", hashlib="sha384"
        ),
        HashAlgorithm.SHA512: HashNames(
            hex_length=128, cyclonedx="SHA-512", spdx="sha512", hashlib="sha512"
        ),
        HashAlgorithm.SHA3_256: HashNames(
            hex_length=64, cyclonedx="SHA3-256", spdx="sha3_256", hashlib="sha3_256"
        ),
        HashAlgorithm.SHA3_384: HashNames(
            hex_length=96, cyclonedx="SHA3-384", spdx="sha3_384", hashlib="sha3_384"
        ),
        HashAlgorithm.SHA3_512: HashNames(
            hex_length=128, cyclonedx="SHA3-512", spdx="sha3_512", hashlib="sha3_512"
        ),
        HashAlgorithm.BLAKE2B_256: HashNames(
            hex_length=64, cyclonedx="BLAKE2b-256", spdx="blake2b256", hashlib="blake2b"
        ),
        HashAlgorithm.BLAKE2B_384: HashNames(
            hex_length=96, cyclonedx="BLAKE2b-384", spdx="blake2b384", hashlib="blake2b"
        ),
        HashAlgorithm.BLAKE2B_512: HashNames(
            hex_length=128, cyclonedx="BLAKE2b-512", spdx="blake2b512", hashlib="blake2b"
        ),
        HashAlgorithm.BLAKE3: HashNames(
            hex_length=64, cyclonedx="BLAKE3", spdx="blake3", hashlib=None
        ),
    }
)


def _spelling_key(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text).lower()


#: Every accepted spelling, folded (no case, spaces, dashes or underscores), to its algorithm;
#: the names as CycloneDX and SPDX write them are there unfolded too (found without folding).
_ALGORITHM_SPELLINGS: Final = {
    key: algorithm
    for algorithm, names in HASH_NAMES.items()
    for spelling in (algorithm.value, names.cyclonedx, names.spdx)
    for key in (_spelling_key(spelling), spelling)
}
