"""The collector's pause around readers and writers: shared, re-entrant, restoring its state."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator

import pytest

from fmbom import _gc


@pytest.fixture
def collector() -> Iterator[None]:
    """Run each test with the collector enabled, and leave it enabled."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:  # pragma: no cover - pytest runs with the collector enabled
        gc.disable()


@pytest.mark.usefixtures("collector")
def test_nested_pauses_resume_when_the_outermost_ends() -> None:
    with _gc.no_gc():
        assert not gc.isenabled()
        with _gc.no_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_a_collector_disabled_by_the_application_stays_disabled() -> None:
    gc.disable()
    with _gc.no_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_the_pause_ends_after_an_error() -> None:
    with pytest.raises(ValueError, match="boom"), _gc.no_gc():
        raise ValueError("boom")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_overlapping_threads_share_one_pause() -> None:
    """The first thread out does not resume the collector under the second."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with _gc.no_gc():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with _gc.no_gc():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [False]
    assert gc.isenabled()


def test_keep_takes_the_live_objects_out_of_collections() -> None:
    before = gc.get_freeze_count()
    kept = [{"a": [1]} for _ in range(100)]
    try:
        _gc.keep()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("collector")
def test_the_command_line_keeps_what_it_read_out_of_collections(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``fmbom diff`` reads both inputs, then takes them out of the collector's walks."""
    from pathlib import Path

    from fmbom.cli import main

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    before = gc.get_freeze_count()
    try:
        old, new = str(examples / "assistant-v1.json"), str(examples / "assistant-v2.json")
        code = main(["diff", old, new, "--format", "json", "--fail-on", "never"])
        assert code == 0
        assert gc.get_freeze_count() > before
        assert gc.isenabled()
        assert '"changes"' in capsys.readouterr().out
    finally:
        gc.unfreeze()


def _assistant() -> str:
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    return (examples / "assistant-v2.json").read_text(encoding="utf-8")


@pytest.mark.usefixtures("collector")
@pytest.mark.parametrize(
    ("module", "inner", "operation"),
    [
        ("fmbom.native", "from_dict", "load"),
        ("fmbom.native", "native_text", "dump"),
        ("fmbom.check", "minimum_record", "check"),
        ("fmbom.report", "_document", "markdown"),
        ("fmbom.report", "_document", "html"),
    ],
)
def test_native_io_check_and_report_pause_the_collector(
    monkeypatch: pytest.MonkeyPatch, module: str, inner: str, operation: str
) -> None:
    """Each builds many acyclic objects: the collector is paused while it runs (a full
    collection walks the whole BOM again and again) and running again when it returns."""
    import importlib

    from fmbom import check, native, report

    target = importlib.import_module(module)
    text = _assistant()
    bom = native.loads(text)
    original = getattr(target, inner)
    seen: list[bool] = []

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(target, inner, spy)
    actions: dict[str, Callable[[], object]] = {
        "load": lambda: native.loads(text),
        "dump": lambda: native.dumps(bom),
        "check": lambda: check.check(bom),
        "markdown": lambda: report.to_markdown(bom),
        "html": lambda: report.to_html(bom),
    }
    result = actions[operation]()
    assert seen == [False]
    assert gc.isenabled()
    # the same result as before the pause: the BOM read again, the text written again
    assert result == {"load": bom, "dump": text}.get(operation, result)
