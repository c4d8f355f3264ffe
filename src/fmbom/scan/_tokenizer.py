"""Tokenizers: Hugging Face tokenizer files, tiktoken and tekken files, SentencePiece models,
and the tokenizer a GGUF header embeds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from fmbom.model import Property, SpecialToken, Tokenizer, TokenizerType, Weights
from fmbom.scan import _hf
from fmbom.scan._context import MAX_JSON, FileRecord, P, UnitScope

__all__ = ["TOKENIZER_FILES", "gguf_tokenizer", "is_tokenizer_file", "read_tokenizer"]

#: Tokenizer files by name, the one giving the type first.
TOKENIZER_FILES: Final = (
    "tokenizer.json",
    "tekken.json",
    "tokenizer.model",
    "spiece.model",
    "sentencepiece.bpe.model",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "chat_template.jinja",
    "chat_template.json",
)
_SENTENCEPIECE: Final = ("tokenizer.model", "spiece.model", "sentencepiece.bpe.model")
#: A tiktoken BPE file: one ``base64-token rank`` pair per line.
_TIKTOKEN_LINE: Final = re.compile(rb"^[A-Za-z0-9+/]+={0,2} \d+\r?\n")
_GGUF_TYPES: Final = {
    "llama": TokenizerType.SENTENCEPIECE,
    "gpt2": TokenizerType.BYTE_LEVEL_BPE,
    "bert": TokenizerType.WORDPIECE,
    "t5": TokenizerType.UNIGRAM,
}


def is_tokenizer_file(name: str) -> bool:
    """True for the files that make up a tokenizer (at the unit's top level)."""
    return "/" not in name and (name in TOKENIZER_FILES or name.endswith(".tiktoken"))


def _is_tiktoken(record: FileRecord) -> bool:
    return record.name.endswith(".tiktoken") or bool(_TIKTOKEN_LINE.match(record.head(256)))


def read_tokenizer(unit: UnitScope) -> Tokenizer | None:
    """The unit's tokenizer from its tokenizer files, or None when it has none."""
    present = [unit.files[n] for n in sorted(unit.files, key=_order) if is_tokenizer_file(n)]
    if not present:
        return None
    ref = unit.prefix + "tokenizer"
    unit.use(ref, *present)
    props: list[Property] = []
    config = unit.json("tokenizer_config.json")
    config = config if isinstance(config, dict) else {}
    special_map = unit.json("special_tokens_map.json")
    tokenizer_type: TokenizerType | None = None
    vocab_size: int | None = None
    main = present[0]
    files = unit.files
    document = unit.json("tokenizer.json") if "tokenizer.json" in files else None
    tiktoken = [r for r in present if r.name.endswith((".tiktoken", ".model")) and _is_tiktoken(r)]
    if isinstance(document, dict):
        tokenizer_type, vocab_size = _hf.tokenizer_facts(document)
        unit.note(ref, "tokenizer_type", "tokenizer.json", "model.type", derived=True)
        if vocab_size is not None:
            unit.note(
                ref, "vocab_size", "tokenizer.json", "model.vocab + added_tokens", derived=True
            )
    elif "tekken.json" in files:
        tokenizer_type = TokenizerType.TEKKEN
        unit.note(ref, "tokenizer_type", "tekken.json", "file name")
        tekken = unit.json("tekken.json")
        if isinstance(tekken, dict) and isinstance(tekken.get("config"), dict):
            size = tekken["config"].get("default_vocab_size")
            vocab_size = size if isinstance(size, int) and size > 0 else None
            if vocab_size is not None:
                unit.note(ref, "vocab_size", "tekken.json", "config.default_vocab_size")
    elif tiktoken:
        main = tiktoken[0]
        tokenizer_type = TokenizerType.TIKTOKEN
        unit.state.note(ref, "tokenizer_type", main.rel, "tiktoken rank lines", derived=True)
        text = unit.state.read_text(main, MAX_JSON)
        if text is not None:
            vocab_size = sum(1 for line in text.splitlines() if line.strip())
            unit.state.note(ref, "vocab_size", main.rel, "rank lines counted", derived=True)
    elif any(n in files for n in _SENTENCEPIECE):
        tokenizer_type = TokenizerType.SENTENCEPIECE
        name = next(n for n in _SENTENCEPIECE if n in files)
        unit.note(ref, "tokenizer_type", name, "file name")
    elif "vocab.txt" in files:
        tokenizer_type = TokenizerType.WORDPIECE
        unit.note(ref, "tokenizer_type", "vocab.txt", "file name")
        text = unit.state.read_text(files["vocab.txt"], MAX_JSON)
        vocab_size = len(text.splitlines()) if text is not None else None
        unit.note(ref, "vocab_size", "vocab.txt", "lines counted", derived=True)
    elif "vocab.json" in files:
        vocab = unit.json("vocab.json")
        vocab_size = len(vocab) if isinstance(vocab, dict) else None
        unit.note(ref, "vocab_size", "vocab.json", "entries counted", derived=True)
    tokenizer_class = config.get("tokenizer_class")
    if isinstance(tokenizer_class, str):
        props.append(Property(name=P + "tokenizer-class", value=tokenizer_class))
        if tokenizer_type is None:
            tokenizer_type = _hf.tokenizer_type_from_class(tokenizer_class)
            unit.note(
                ref, "tokenizer_type", "tokenizer_config.json", "tokenizer_class", derived=True
            )
    if vocab_size is None and isinstance(config.get("vocab_size"), int):
        vocab_size = int(config["vocab_size"])
        unit.note(ref, "vocab_size", "tokenizer_config.json", "vocab_size")
    template, template_source = _chat_template(unit, config)
    if template is not None:
        unit.note(ref, "chat_template_digest", *template_source, derived=True)
    special = _hf.special_tokens(special_map if isinstance(special_map, dict) else None, config)
    if special:
        source = (
            "special_tokens_map.json" if isinstance(special_map, dict) else "tokenizer_config.json"
        )
        unit.note(ref, "special_tokens", source, "*_token, additional_special_tokens")
    return Tokenizer(
        ref=ref,
        name=f"{unit.name} tokenizer",
        version=None,  # the release version belongs to the unit, not its parts
        tokenizer_type=tokenizer_type,
        vocab_size=vocab_size if vocab_size and vocab_size > 0 else None,
        special_tokens=special,
        chat_template_digest=_hf.chat_template_digest(template) if template else None,
        digests=(main.digest,) if main.digest else (),
        properties=props,
    )


def _order(name: str) -> tuple[int, str]:
    if name in TOKENIZER_FILES:
        return TOKENIZER_FILES.index(name), name
    return len(TOKENIZER_FILES), name


def _chat_template(
    unit: UnitScope, config: Mapping[str, Any]
) -> tuple[str | None, tuple[str, str]]:
    if "chat_template.jinja" in unit.files:
        text = unit.state.read_text(unit.files["chat_template.jinja"], MAX_JSON)
        return text, ("chat_template.jinja", "SHA-256 of the text")
    source: Any = config.get("chat_template")
    origin = ("tokenizer_config.json", "SHA-256 of chat_template")
    if source is None:
        document = unit.json("chat_template.json")
        source = document.get("chat_template") if isinstance(document, dict) else None
        origin = ("chat_template.json", "SHA-256 of chat_template")
    if isinstance(source, list):
        named = {str(t.get("name")): t.get("template") for t in source if isinstance(t, dict)}
        source = named.get("default", next(iter(named.values()), None))
    return (source if isinstance(source, str) else None), origin


def gguf_tokenizer(unit: UnitScope, weight: Weights, ref: str, name: str) -> Tokenizer | None:
    """The tokenizer a GGUF file's header embeds, or None when it names none."""
    facts = unit.headers.get(weight.ref)
    if facts is None:
        return None
    meta = facts.metadata
    model = meta.get("tokenizer.ggml.model")
    if not isinstance(model, str):
        return None
    tokens = meta.get("tokenizer.ggml.tokens")
    tokens = tokens if isinstance(tokens, list) else []
    special = []
    for role, key in (
        ("bos", "bos_token_id"),
        ("eos", "eos_token_id"),
        ("unk", "unknown_token_id"),
        ("pad", "padding_token_id"),
        ("sep", "seperator_token_id"),
        ("cls", "cls_token_id"),
        ("mask", "mask_token_id"),
    ):
        index = meta.get(f"tokenizer.ggml.{key}")
        if isinstance(index, int) and 0 <= index < len(tokens):
            special.append(SpecialToken(role=role, content=tokens[index]))
    template = meta.get("tokenizer.chat_template")
    source = weight.files[0].path if weight.files else weight.name
    unit.state.note(ref, "tokenizer_type", source, "tokenizer.ggml.model", derived=True)
    if tokens:
        unit.state.note(ref, "vocab_size", source, "tokenizer.ggml.tokens (length)", derived=True)
    return Tokenizer(
        ref=ref,
        name=name,
        version=None,  # the release version belongs to the unit, not its parts
        tokenizer_type=_GGUF_TYPES.get(model, TokenizerType.OTHER),
        vocab_size=len(tokens) if tokens else None,
        special_tokens=special,
        chat_template_digest=_hf.chat_template_digest(template)
        if isinstance(template, str)
        else None,
        properties=[
            Property(name=P + "gguf:tokenizer-model", value=model),
            Property(name=P + "source", value=weight.name),
        ],
    )
