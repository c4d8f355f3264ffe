"""Reading Hugging Face layouts: config.json, tokenizer files, quantization configs, cards.

Each function turns one file's parsed content into plain facts (or model value types); the
scanner decides which components they become.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from fmbom.model import (
    AdapterMethod,
    Digest,
    HashAlgorithm,
    Quantization,
    SpecialToken,
    TokenizerType,
)

__all__ = [
    "CONTEXT_KEYS",
    "adapter_method",
    "base_model_ids",
    "chat_template_digest",
    "context_length",
    "hf_license_to_spdx",
    "normalize_repo_id",
    "quantization_from_config",
    "special_tokens",
    "string_list",
    "tokenizer_facts",
    "tokenizer_type_from_class",
]

#: config.json keys that give the context length, in order of preference.
CONTEXT_KEYS: Final = (
    "max_position_embeddings",
    "n_positions",
    "max_sequence_length",
    "seq_length",
    "max_seq_len",
    "n_ctx",
    "sliding_window_size",
)

#: Hugging Face license ids whose SPDX id differs only in case (or is the same).
_SPDX_IDS: Final = {
    s.lower(): s
    for s in (
        "Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSL-1.0",
        "CC0-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0",
        "CC-BY-SA-4.0", "CC-BY-NC-2.0", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0",
        "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0",
        "CC-BY-NC-SA-4.0", "AFL-3.0", "Artistic-2.0", "ECL-2.0", "EPL-1.0", "EPL-2.0",
        "EUPL-1.1", "EUPL-1.2", "AGPL-3.0", "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0",
        "ISC", "LPPL-1.3c", "MS-PL", "MPL-2.0", "ODC-By-1.0", "ODbL-1.0", "OFL-1.1",
        "OSL-3.0", "PDDL-1.0", "PostgreSQL", "Unlicense", "WTFPL", "Zlib", "NCSA",
        "CDLA-Sharing-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "C-UDA-1.0",
    )
}  # fmt: skip
_HF_ALIASES: Final = {
    "gpl": "GPL-3.0-or-later",
    "lgpl-lr": "LicenseRef-lgpl-lr",
    "odc-by": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "pddl": "PDDL-1.0",
    "cc": "LicenseRef-cc",
}


def hf_license_to_spdx(license_id: str, license_name: str | None = None) -> str:
    """An SPDX expression for a card's ``license``: known ids map to SPDX ids, the rest
    (``llama2``, ``openrail``, ``other`` with its ``license_name``) to ``LicenseRef-...``."""
    text = license_id.strip()
    lowered = text.lower()
    if lowered in _SPDX_IDS:
        return _SPDX_IDS[lowered]
    if lowered in _HF_ALIASES:
        return _HF_ALIASES[lowered]
    if lowered in ("other", "unknown") and license_name:
        text = license_name
    return "LicenseRef-" + (re.sub(r"[^A-Za-z0-9.\-]+", "-", text).strip("-") or "unknown")


def normalize_repo_id(value: str) -> str:
    """``https://huggingface.co/org/name`` or ``org/name`` -> ``org/name``."""
    text = value.strip()
    text = re.sub(r"^https?://(www\.)?(huggingface\.co|hf\.co)/", "", text)
    text = re.sub(r"^(models/)", "", text)
    return text.strip("/")


def base_model_ids(card: Mapping[str, Any]) -> list[str]:
    """The card's ``base_model`` ids (a string or a list), normalized."""
    raw = card.get("base_model")
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [normalize_repo_id(str(v)) for v in values if str(v).strip()]


def context_length(config: Mapping[str, Any]) -> int | None:
    """The context length from a config (also inside ``text_config``)."""
    for source in (config, config.get("text_config")):
        if not isinstance(source, Mapping):
            continue
        for key in CONTEXT_KEYS:
            value = source.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def quantization_from_config(config: Mapping[str, Any]) -> Quantization | None:
    """A :class:`Quantization` from a ``quantization_config`` or ``quantize_config.json``.

    GPTQ and AWQ give bits and group size (a group size of -1 means none); bitsandbytes gives
    4 or 8 bits and the 4-bit type; other methods keep their ``quant_method`` name.
    """
    method = str(config.get("quant_method") or "").lower()
    if not method:
        if "w_bit" in config or str(config.get("version", "")).upper() in ("GEMM", "GEMV"):
            method = "awq"
        elif "bits" in config:
            method = "gptq"
        elif config.get("load_in_4bit") or config.get("load_in_8bit"):
            method = "bitsandbytes"
        else:
            return None
    if method == "bitsandbytes":
        if config.get("load_in_4bit"):
            kind = str(config.get("bnb_4bit_quant_type") or "fp4")
            return Quantization(method=f"bitsandbytes-{kind}", bits=4)
        return Quantization(method="bitsandbytes-int8", bits=8)
    bits = _int(config.get("bits")) or _int(config.get("w_bit"))
    group = _int(config.get("group_size")) or _int(config.get("q_group_size"))
    if method.startswith("fp8"):
        bits = bits or 8
    return Quantization(method=method, bits=bits, group_size=group)


def adapter_method(config: Mapping[str, Any]) -> AdapterMethod:
    """The adapter method of an ``adapter_config.json``."""
    peft_type = str(config.get("peft_type") or "").upper()
    if peft_type == "LORA":
        return AdapterMethod.DORA if config.get("use_dora") else AdapterMethod.LORA
    return {
        "IA3": AdapterMethod.IA3,
        "PREFIX_TUNING": AdapterMethod.PREFIX_TUNING,
        "PROMPT_TUNING": AdapterMethod.PROMPT_TUNING,
        "P_TUNING": AdapterMethod.P_TUNING,
    }.get(peft_type, AdapterMethod.OTHER)


def chat_template_digest(template: str) -> Digest:
    """SHA-256 of a chat template's text (UTF-8)."""
    value = hashlib.sha256(template.encode("utf-8")).hexdigest()
    return Digest(algorithm=HashAlgorithm.SHA256, value=value)


_ROLES: Final = ("bos", "eos", "unk", "pad", "sep", "cls", "mask")


def _content(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("content"), str):
        return str(value["content"])
    return None


def special_tokens(*sources: Mapping[str, Any] | None) -> tuple[SpecialToken, ...]:
    """Special tokens from ``special_tokens_map.json`` / ``tokenizer_config.json`` (first wins)."""
    found: dict[str, str] = {}
    extra: list[str] = []
    for source in sources:
        if not source:
            continue
        for role in _ROLES:
            content = _content(source.get(f"{role}_token"))
            if content is not None and role not in found:
                found[role] = content
        if not extra and isinstance(source.get("additional_special_tokens"), list):
            extra = [c for c in map(_content, source["additional_special_tokens"]) if c]
    tokens = [SpecialToken(role=role, content=found[role]) for role in _ROLES if role in found]
    tokens.extend(SpecialToken(role="additional", content=c) for c in dict.fromkeys(extra))
    return tuple(tokens)


_CLASS_TYPES: Final = {
    "bert": TokenizerType.WORDPIECE,
    "distilbert": TokenizerType.WORDPIECE,
    "electra": TokenizerType.WORDPIECE,
    "gpt2": TokenizerType.BYTE_LEVEL_BPE,
    "qwen2": TokenizerType.BYTE_LEVEL_BPE,
    "roberta": TokenizerType.BYTE_LEVEL_BPE,
    "codegen": TokenizerType.BYTE_LEVEL_BPE,
    "llama": TokenizerType.SENTENCEPIECE,
    "t5": TokenizerType.SENTENCEPIECE,
    "gemma": TokenizerType.SENTENCEPIECE,
    "xlmroberta": TokenizerType.SENTENCEPIECE,
    "mistral": TokenizerType.SENTENCEPIECE,
}


def tokenizer_type_from_class(name: str) -> TokenizerType | None:
    """``GPT2TokenizerFast`` -> byte-level BPE, ``BertTokenizer`` -> WordPiece, ..."""
    key = re.sub(r"(TokenizerFast|Tokenizer)$", "", name).lower()
    return _CLASS_TYPES.get(key)


def tokenizer_facts(document: Mapping[str, Any]) -> tuple[TokenizerType | None, int | None]:
    """Type and vocabulary size from a ``tokenizer.json`` document."""
    model = document.get("model")
    if not isinstance(model, Mapping):
        return None, None
    kind = str(model.get("type") or "")
    vocab = model.get("vocab")
    ids: list[int] = []
    if isinstance(vocab, Mapping):
        ids = [v for v in vocab.values() if isinstance(v, int)]
    elif isinstance(vocab, list):
        ids = [len(vocab) - 1] if vocab else []
    added = document.get("added_tokens")
    if isinstance(added, list):
        ids.extend(
            t["id"] for t in added if isinstance(t, Mapping) and isinstance(t.get("id"), int)
        )
    size = max(ids) + 1 if ids else None
    if kind == "BPE":
        byte_level = _mentions_byte_level(document.get("pre_tokenizer")) or _mentions_byte_level(
            document.get("decoder")
        )
        return (TokenizerType.BYTE_LEVEL_BPE if byte_level else TokenizerType.BPE), size
    types = {
        "WordPiece": TokenizerType.WORDPIECE,
        "Unigram": TokenizerType.UNIGRAM,
        "WordLevel": TokenizerType.OTHER,
    }
    return types.get(kind), size


def _mentions_byte_level(node: Any) -> bool:
    if isinstance(node, Mapping):
        return node.get("type") == "ByteLevel" or any(
            _mentions_byte_level(v) for v in node.values() if isinstance(v, (Mapping, list))
        )
    if isinstance(node, list):
        return any(_mentions_byte_level(v) for v in node)
    return False


def string_list(value: Any) -> list[str]:
    """A card field that may be a string or a list of strings, as a list of strings."""
    items: Iterable[Any] = value if isinstance(value, list) else [value] if value else []
    return [str(v) for v in items if v is not None and str(v).strip()]
