"""The closed vocabularies of fmbom's outputs and options, on the standard library alone.

The command line takes its choices from these enums, so that ``fmbom --help`` and each verb's
``--help`` load no more than :mod:`enum`: the object model, its converters and the format
libraries are imported by the verb that runs. Each enum is public in the module of the
operation it belongs to (``fmbom.io.OutputFormat``, ``fmbom.diff.DiffFormat``,
``fmbom.check.CheckFormat`` and ``Profile``, ``fmbom.graph.GraphFormat``,
``fmbom.report.ReportFormat``, ``fmbom.cyclonedx.SpecVersion``); this module is their home.
"""

from __future__ import annotations

from fmbom._enums import Vocabulary
from fmbom._enums import invalid as _invalid

#: ``typing.TYPE_CHECKING`` without importing :mod:`typing` (start-up time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

__all__ = [
    "DEFAULT_SPEC_VERSION",
    "CheckFormat",
    "DiffFormat",
    "GraphFormat",
    "OutputFormat",
    "Profile",
    "ReportFormat",
    "SpecVersion",
]


class OutputFormat(Vocabulary):
    """The formats fmbom writes a BOM in (the choices of ``fmbom export --format``)."""

    NATIVE = "native"
    CYCLONEDX_JSON = "cyclonedx-json"
    CYCLONEDX_XML = "cyclonedx-xml"
    SPDX3_JSON = "spdx3-json"


class SpecVersion(Vocabulary):
    """The CycloneDX versions fmbom writes (the choices of ``--spec-version``)."""

    V1_5 = "1.5"
    V1_6 = "1.6"
    V1_7 = "1.7"


#: The CycloneDX version written when none is asked for.
DEFAULT_SPEC_VERSION: Final = "1.6"


class DiffFormat(Vocabulary):
    """The formats of a diff report (the choices of ``fmbom diff --format``)."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


class Profile(Vocabulary):
    """What a check asks of the BOM (the choices of ``fmbom check --profile``)."""

    MINIMUM_RECORD = "minimum-record"
    EU_AI_ACT_GPAI = "eu-ai-act-gpai"

    @classmethod
    def parse(cls, text: str | Profile) -> Profile:
        """The profile named ``text``; a :class:`~fmbom.errors.ValidationError` (a
        ``ValueError``) naming the choices otherwise."""
        if isinstance(text, Profile):
            return text
        try:
            return cls(text.strip().lower())
        except (ValueError, AttributeError):
            choices = ", ".join(p.value for p in cls)
            raise _invalid(f"unknown profile {text!r} (choose from {choices})") from None


class CheckFormat(Vocabulary):
    """The formats of a check report (the choices of ``fmbom check --format``)."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


class GraphFormat(Vocabulary):
    """The formats of a lineage picture (the choices of ``fmbom graph --format``)."""

    MERMAID = "mermaid"
    DOT = "dot"


class ReportFormat(Vocabulary):
    """The formats of a system card (the choices of ``fmbom report --format``)."""

    MARKDOWN = "markdown"
    HTML = "html"
