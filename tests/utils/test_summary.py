"""`model.summary()` against the text real Keras prints.

The goldens (tests/golden/summary/keras3/*.txt and keras2/*.txt, plus
keras3.json / keras2.json) come from tools/golden_summary.py, run with
Keras 3.15 and tf.keras 2.15 with COLUMNS=80 (what Keras prints when
stdout is not a terminal). The models are the script's (defined once in
tests/utils/_summary_cases.py), built with kara; the text must match
character for character.
"""

import io
import json
import os

import pytest

import kara
from kara import config
from kara.utils import naming
from tests.utils._summary_cases import make_cases

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "summary")


def _golden(profile):
    with open(os.path.join(GOLDEN, f"{profile}.json"), encoding="utf-8") as f:
        return json.load(f)["cases"]


GOLDENS = {"keras3": _golden("keras3"), "keras2": _golden("keras2")}


# the models of tools/golden_summary.py, built with kara
CASES = make_cases(kara)
UNBUILT = {"unbuilt", "subclassed_unbuilt"}


@pytest.fixture(autouse=True)
def _not_a_terminal(monkeypatch):
    # what Keras sees in a pipe, a file, CI: an 80-column console
    monkeypatch.setenv("COLUMNS", "80")


def _summary(profile, name, capsys, **extra):
    factory, kwargs = CASES[name]
    with config.using_profile(profile):
        naming.clear_session()
        model = factory()
        capsys.readouterr()
        model.summary(**kwargs, **extra)
    return model, capsys.readouterr().out


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
@pytest.mark.parametrize("name", sorted(set(CASES) - UNBUILT))
def test_text_matches_keras(profile, name, capsys):
    model, text = _summary(profile, name, capsys)
    golden = GOLDENS[profile][name]
    assert text == golden["text"]
    assert model.name == golden["model_name"]
    assert [x.name for x in model.layers] == golden["layer_names"]
    assert [list(w.shape) for w in model.get_weights()] == (
        golden["weight_shapes"]
    )


def test_seed002_numbers(capsys):
    _, text = _summary("keras3", "seed002", capsys)
    assert " Total params: 101,770 (397.54 KB)" in text
    _, text = _summary("keras2", "seed002", capsys)
    assert "Total params: 101770 (397.54 KB)" in text


@pytest.mark.parametrize("name", sorted(UNBUILT))
def test_unbuilt_keras3_is_keras_table_plus_a_hint(name, capsys):
    model, text = _summary("keras3", name, capsys)
    golden = GOLDENS["keras3"][name]["text"]
    assert text.startswith(golden)
    hint = text[len(golden) :]
    assert "not built yet" in hint and "model.build((None, ...))" in hint
    assert "Input(shape=...)" in hint
    assert not model.built


@pytest.mark.parametrize("name", sorted(UNBUILT))
def test_unbuilt_keras2_prints_instead_of_raising(name, capsys):
    # tf.keras 2 raises here (see the golden); kara explains instead
    assert GOLDENS["keras2"][name]["text"].startswith("ValueError")
    _, text = _summary("keras2", name, capsys)
    assert "?" in text and "0 (unused)" in text and "not built yet" in text


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
def test_print_fn_calls(profile, capsys):
    for name in ("seed002", "functional_multi_input", "nested_expanded"):
        calls = []
        _summary(profile, name, capsys, print_fn=calls.append)
        assert len(calls) == GOLDENS[profile][name]["print_fn_calls"]
        expected = GOLDENS[profile][name]["text"]
        joined = (
            "".join(calls) if profile == "keras3" else ("\n".join(calls) + "\n")
        )
        assert joined == expected


def test_layer_range(capsys):
    _, text = _summary("keras3", "zoo", capsys, layer_range=("re_lu", "elu"))
    assert "re_lu (ReLU)" in text and "elu (ELU)" in text
    assert "dense (Dense)" not in text and "softmax" not in text
    with pytest.raises(ValueError, match="do not match the layer names"):
        _summary("keras3", "zoo", capsys, layer_range=("nope", "elu"))


def test_ascii_fallback_when_stdout_cannot_encode(monkeypatch, capsys):
    class Latin1(io.StringIO):
        encoding = "latin-1"

    out = Latin1()
    monkeypatch.setattr("sys.stdout", out)
    naming.clear_session()
    CASES["seed002"][0]().summary()
    text = out.getvalue()
    assert "+-----" in text and "| flatten (Flatten)" in text
    text.encode("latin-1")


def test_narrow_console_raises_like_keras(capsys):
    with pytest.raises(ValueError, match="Insufficient console width"):
        _summary("keras3", "seed002", capsys, line_length=10)


FROM_CONFIG = sorted(
    name
    for name, case in GOLDENS["keras3"].items()
    if case["config"] is not None and not name.startswith("compiled")
)


@pytest.mark.parametrize("name", FROM_CONFIG)
def test_keras_config_rebuilds_the_same_model(name, capsys):
    """Keras 3's own `get_config()` loads into kara: same summary text."""
    from kara.layers.serialization import deserialize

    golden = GOLDENS["keras3"][name]
    config = golden["config"]
    kind = (
        "Sequential"
        if "build_input_shape" in config or ("input_layers" not in config)
        else "Functional"
    )
    model = deserialize({"class_name": kind, "config": config}, safe_mode=False)
    capsys.readouterr()
    model.summary(**CASES[name][1])
    text = capsys.readouterr().out
    if name in UNBUILT:
        assert text.startswith(golden["text"])
    else:
        assert text == golden["text"]
    assert [list(w.shape) for w in model.get_weights()] == (
        golden["weight_shapes"]
    )
