"""Malformed, truncated and hostile files: each gets a clear error, and a
model loading weights is left exactly as it was."""

import io
import json
import os
import sys
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import kara
import kara.saving
from kara import layers as L
from kara.saving import h5_weights
from kara.saving import keras_archive


def _model():
    model = kara.Sequential(
        [
            L.Input((4,)),
            L.Dense(3, activation="relu", name="hidden"),
            L.Dense(2, name="out"),
        ]
    )
    model.compile(kara.optimizers.Adam(0.01), "mse")
    model.optimizer.build(model.trainable_weights)
    return model


@pytest.fixture
def saved(tmp_path):
    """A good .keras file and its members."""
    path = tmp_path / "good.keras"
    _model().save(path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    return path, members


def _write_zip(path, members):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        with zipfile.ZipFile(path, "w") as z:
            for name, data in members:
                z.writestr(name, data)
    return path


def _h5_edit(data, edit):
    """The bytes of an h5 file after `edit(h5py.File)`."""
    buffer = io.BytesIO(data)
    with h5py.File(buffer, "a") as f:
        edit(f)
    return buffer.getvalue()


# ------------------------------------------------------------ the archive
def test_wrong_magic(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"hello, not a zip file")
    with pytest.raises(ValueError, match=r"not a `\.keras` file.*b'hell'"):
        kara.models.load_model(path)


def test_empty_file(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"starts with b''.*truncated"):
        kara.models.load_model(path)


def test_hdf5_file_named_keras(tmp_path):
    path = tmp_path / "m.weights.h5"
    _model().save_weights(path)
    os.rename(path, tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"is an HDF5 file, not a `\.keras`"):
        kara.models.load_model(tmp_path / "m.keras")


def test_truncated_file(saved, tmp_path):
    path, _ = saved
    data = path.read_bytes()
    cut = tmp_path / "cut.keras"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"truncated or corrupted"):
        kara.models.load_model(cut)


def test_corrupted_member(saved, tmp_path):
    path, members = saved
    data = bytearray(path.read_bytes())
    # flip bytes inside config.json's data: the CRC check catches it
    start = data.index(b'{"module"')
    data[start + 20 : start + 30] = b"X" * 10
    bad = tmp_path / "bad.keras"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"config\.json.*truncated or corr"):
        kara.models.load_model(bad)


@pytest.mark.parametrize("missing", ["config.json", "model.weights.h5"])
def test_missing_member(saved, tmp_path, missing):
    _, members = saved
    kept = [(n, d) for n, d in members.items() if n != missing]
    path = _write_zip(tmp_path / "m.keras", kept)
    with pytest.raises(ValueError, match=rf"lacks the member\(s\) {missing}"):
        kara.models.load_model(path)


@pytest.mark.parametrize(
    "name", ["../evil.txt", "assets/x.txt", "a\\b", "/etc/passwd", ".."]
)
def test_member_names_with_path_separators(saved, tmp_path, name):
    _, members = saved
    path = _write_zip(tmp_path / "m.keras", [*members.items(), (name, b"x")])
    with pytest.raises(ValueError, match="path separators, '..' or absolute"):
        kara.models.load_model(path)


def test_duplicate_members(saved, tmp_path):
    _, members = saved
    items = [*members.items(), ("config.json", b"{}")]
    path = _write_zip(tmp_path / "m.keras", items)
    with pytest.raises(ValueError, match="two members named 'config.json'"):
        kara.models.load_model(path)


def test_oversized_member(saved, monkeypatch):
    path, members = saved
    monkeypatch.setitem(keras_archive.MAX_MEMBER_BYTES, "config.json", 100)
    size = len(members["config.json"])
    with pytest.raises(
        ValueError, match=rf"'config.json' declares {size} bytes, more than"
    ):
        kara.models.load_model(path)


def test_too_many_members(saved, tmp_path):
    _, members = saved
    extra = [(f"junk{i}.txt", b"") for i in range(70)]
    path = _write_zip(tmp_path / "m.keras", [*members.items(), *extra])
    with pytest.raises(ValueError, match=r"holds 73 members"):
        kara.models.load_model(path)


@pytest.mark.parametrize(
    "text", [b"{not json", b"[" * 100000 + b"]" * 100000, b"\xff\xfe"]
)
def test_malformed_config_json(saved, tmp_path, text):
    _, members = saved
    members["config.json"] = text
    path = _write_zip(tmp_path / "m.keras", members.items())
    with pytest.raises(ValueError, match="config.json is not valid JSON"):
        kara.models.load_model(path)


def test_config_json_not_an_object(saved, tmp_path):
    _, members = saved
    members["config.json"] = b"[1, 2]"
    path = _write_zip(tmp_path / "m.keras", members.items())
    with pytest.raises(ValueError, match="should hold a JSON object, not list"):
        kara.models.load_model(path)


# -------------------------------------------------------------- the config
def _with_config(saved, tmp_path, edit):
    _, members = saved
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    return _write_zip(tmp_path / "m.keras", members.items())


def test_unknown_classes_are_all_named(saved, tmp_path):
    def edit(config):
        layers = config["config"]["layers"]
        layers[1]["class_name"] = "Conv9D"
        layers[2].update(
            class_name="Gadget", module="gadgets", registered_name="acme>Gadget"
        )

    path = _with_config(saved, tmp_path, edit)
    with pytest.raises(ValueError) as info:
        kara.models.load_model(path)
    message = str(info.value)
    assert "kara does not implement: Conv9D (layer 'hidden')" in message
    assert "not registered: Gadget (layer 'out')" in message
    assert "register_keras_serializable(package='acme')" in message


def test_config_that_is_not_a_model(saved, tmp_path):
    def edit(config):
        config.clear()
        config.update(kara.layers.serialize(L.Dense(2)))

    path = _with_config(saved, tmp_path, edit)
    with pytest.raises(ValueError, match=r"describes a 'Dense', which is not"):
        kara.models.load_model(path)


def test_malformed_layer_entry(saved, tmp_path):
    def edit(config):
        config["config"]["layers"][1] = ["not", "a", "dict"]

    path = _with_config(saved, tmp_path, edit)
    with pytest.raises(ValueError, match=r"Malformed layer config at .*\[1\]"):
        kara.models.load_model(path)


def test_lambda_bytecode_is_refused_in_safe_mode(tmp_path, rng):
    model = kara.Sequential(
        [L.Input((3,)), L.Lambda(lambda x: x * 3.0), L.Dense(1)]
    )
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"Python `lambda`.*safe_mode=False"):
        kara.models.load_model(tmp_path / "m.keras")
    loaded = kara.models.load_model(tmp_path / "m.keras", safe_mode=False)
    x = rng.uniform(size=(2, 3)).astype("float32")
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    # model_from_json follows the scope's default
    with pytest.raises(ValueError, match=r"Python `lambda`"):
        kara.models.model_from_json(model.to_json())
    with kara.saving.SafeModeScope(False):
        kara.models.model_from_json(model.to_json())


def test_file_naming_a_module_never_imports_it(saved, tmp_path, monkeypatch):
    """A Lambda whose function names a module: safe mode refuses it
    without importing the module (importing runs its code)."""
    folder = tmp_path / "mods"
    folder.mkdir()
    marker = tmp_path / "imported"
    (folder / "kara_test_evil_mod.py").write_text(
        f"open({str(marker)!r}, 'w').close()\ndef hook(x):\n    return x\n"
    )
    monkeypatch.syspath_prepend(str(folder))

    def edit(config):
        lam = kara.layers.serialize(L.Lambda(lambda x: x))
        lam["config"]["function"] = {
            "module": "kara_test_evil_mod",
            "class_name": "function",
            "config": "hook",
            "registered_name": "hook",
        }
        config["config"]["layers"].insert(2, lam)

    path = _with_config(saved, tmp_path, edit)
    with pytest.raises(ValueError, match=r"function 'hook' \(from module"):
        kara.models.load_model(path)
    assert not marker.exists()
    assert "kara_test_evil_mod" not in sys.modules


# ------------------------------------------------------------- the weights
def _weights_file(tmp_path, edit):
    path = tmp_path / "w.weights.h5"
    _model().save_weights(path)
    path.write_bytes(_h5_edit(path.read_bytes(), edit))
    return path


def _assert_unchanged(model, before):
    for w, b in zip(model.weights, before):
        np.testing.assert_array_equal(w.numpy(), b)


def _loaded_model_and_snapshot():
    model = _model()
    before = [w.numpy() for w in model.weights]
    opt = [v.numpy() for v in model.optimizer.variables]
    return model, before, opt


def test_weights_of_the_wrong_shape_leave_model_unchanged(tmp_path):
    def edit(f):
        del f["layers/dense_1/vars/0"]
        f["layers/dense_1/vars/0"] = np.zeros((5, 2), "float32")

    path = _weights_file(tmp_path, edit)
    model, before, opt = _loaded_model_and_snapshot()
    with pytest.raises(
        ValueError,
        match=r"layer 'out' \(Dense, layers/dense_1\): weight #0 'kernel'"
        r" has shape \(3, 2\) in the model, but shape \(5, 2\)",
    ):
        model.load_weights(path)
    # layers/dense was fine, but nothing was assigned
    _assert_unchanged(model, before)
    for v, b in zip(model.optimizer.variables, opt):
        np.testing.assert_array_equal(v.numpy(), b)


def test_weights_of_the_wrong_count(tmp_path):
    path = _weights_file(
        tmp_path, lambda f: f.__delitem__("layers/dense/vars/1")
    )
    model, before, _ = _loaded_model_and_snapshot()
    with pytest.raises(
        ValueError,
        match=r"layer 'hidden' \(Dense, layers/dense\) has 2 weights \(kernel "
        r"\(4, 3\), bias \(3,\)\), but .* holds 1 for it",
    ):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_missing_layer_group(tmp_path):
    path = _weights_file(tmp_path, lambda f: f.__delitem__("layers/dense_1"))
    model, before, _ = _loaded_model_and_snapshot()
    with pytest.raises(ValueError, match=r"has no weights for layer 'out'"):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_extra_layer_in_file(tmp_path):
    def edit(f):
        group = f.create_group("layers/dense_2/vars")
        group["0"] = np.zeros((2, 2), "float32")

    path = _weights_file(tmp_path, edit)
    model, before, _ = _loaded_model_and_snapshot()
    with pytest.raises(ValueError, match=r"has no place for: 'layers/dense_2'"):
        model.load_weights(path)
    _assert_unchanged(model, before)
    # skip_mismatch loads the layers that fit and ignores the extra group
    model.load_weights(path, skip_mismatch=True)
    stored = h5_weights.read_weights(path)
    np.testing.assert_array_equal(
        model.weights[0].numpy(), stored["layers/dense"].arrays[0]
    )


def test_skip_mismatch_skips_only_the_bad_layer(tmp_path):
    good = _model()
    path = tmp_path / "w.weights.h5"
    good.save_weights(path)

    def edit(f):
        del f["layers/dense_1/vars/0"]
        f["layers/dense_1/vars/0"] = np.zeros((5, 2), "float32")

    path.write_bytes(_h5_edit(path.read_bytes(), edit))
    model, before, _ = _loaded_model_and_snapshot()
    with pytest.warns(UserWarning, match=r"Skipping a layer: layer 'out'"):
        model.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(
        model.weights[0].numpy(), good.weights[0].numpy()
    )
    np.testing.assert_array_equal(model.weights[2].numpy(), before[2])


def test_unbuilt_model(tmp_path):
    path = tmp_path / "w.weights.h5"
    _model().save_weights(path)
    model = kara.Sequential([L.Dense(3), L.Dense(2)])
    with pytest.raises(ValueError, match=r"has no weights yet\. Build it"):
        model.load_weights(path)
    model.compile("adam", "mse")  # an optimizer, but still no weights
    with pytest.raises(ValueError, match=r"has no weights yet\. Build it"):
        model.load_weights(path)


@pytest.mark.parametrize("kind", ["soft", "external"])
def test_links_are_refused(tmp_path, kind):
    def edit(f):
        del f["layers/dense/vars/1"]
        if kind == "soft":
            f["layers/dense/vars/1"] = h5py.SoftLink("/layers/dense_1/vars/1")
        else:
            f["layers/dense/vars/1"] = h5py.ExternalLink("/etc/passwd", "/x")

    path = _weights_file(tmp_path, edit)
    model, before, _ = _loaded_model_and_snapshot()
    with pytest.raises(ValueError, match=r"Link\. Links could point outside"):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_string_dataset_is_refused(tmp_path):
    def edit(f):
        del f["layers/dense/vars/1"]
        f["layers/dense/vars/1"] = np.array([b"abc", b"def", b"ghi"])

    path = _weights_file(tmp_path, edit)
    with pytest.raises(ValueError, match=r"weights must be plain numbers"):
        _model().load_weights(path)


def test_object_dtype_dataset_is_refused(tmp_path):
    def edit(f):
        del f["layers/dense/vars/1"]
        f.create_dataset(
            "layers/dense/vars/1",
            data=["a", "bb", "ccc"],
            dtype=h5py.string_dtype(),
        )

    path = _weights_file(tmp_path, edit)
    with pytest.raises(ValueError, match=r"weights must be plain numbers"):
        _model().load_weights(path)


def test_shape_bomb_is_refused(tmp_path):
    def edit(f):
        del f["layers/dense/vars/1"]
        # declares 2**40 float32 (4 TiB) but stores nothing: a fill value
        f.create_dataset(
            "layers/dense/vars/1",
            shape=(2**40,),
            dtype="float32",
            chunks=(1024,),
            compression="gzip",
        )

    path = _weights_file(tmp_path, edit)
    with pytest.raises(ValueError, match=r"refusing to allocate it"):
        _model().load_weights(path)


def test_bad_dataset_names(tmp_path):
    def edit(f):
        f["layers/dense/vars/kernel"] = f["layers/dense/vars/0"][()]
        del f["layers/dense/vars/0"]

    path = _weights_file(tmp_path, edit)
    with pytest.raises(
        ValueError, match=r"should hold datasets named \['0', '1'\]"
    ):
        _model().load_weights(path)


def test_weights_file_wrong_magic(tmp_path):
    path = tmp_path / "w.weights.h5"
    path.write_bytes(b"GIF89a....")
    with pytest.raises(ValueError, match=r"is not an HDF5 file"):
        _model().load_weights(path)


def test_weights_file_that_is_a_zip(saved, tmp_path):
    path, _ = saved
    target = tmp_path / "w.weights.h5"
    target.write_bytes(path.read_bytes())
    with pytest.raises(ValueError, match=r"is a zip archive \(a `\.keras`"):
        _model().load_weights(target)


def test_truncated_weights_file(tmp_path):
    path = tmp_path / "w.weights.h5"
    _model().save_weights(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    model, before, _ = _loaded_model_and_snapshot()
    with pytest.raises(ValueError, match=r"truncated or corrupted"):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_optimizer_state_that_does_not_fit_warns(tmp_path):
    path = tmp_path / "w.weights.h5"
    trained = _model()  # Adam: 2 + 2 * 4 variables
    trained.train_on_batch(np.ones((2, 4), "float32"), np.ones((2, 2)))
    trained.save_weights(path)
    model = kara.Sequential(
        [L.Input((4,)), L.Dense(3, activation="relu"), L.Dense(2)]
    )
    model.compile(kara.optimizers.SGD(0.1, momentum=0.9), "mse")
    with pytest.warns(UserWarning, match=r"Skipping the optimizer state"):
        model.load_weights(path)


@pytest.mark.parametrize(
    "saved, loaded", [("keras2", "keras3"), ("keras3", "keras2")]
)
def test_optimizer_state_of_the_other_profile_says_how(tmp_path, saved, loaded):
    path = tmp_path / "m.keras"
    x, y = np.ones((2, 4), "float32"), np.ones((2, 2), "float32")
    with kara.config.using_profile(saved):
        trained = _model()
        trained.train_on_batch(x, y)
        trained.save(path)
        again = kara.models.load_model(path)  # same profile: restored
        for a, b in zip(trained.optimizer.variables, again.optimizer.variables):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    with kara.config.using_profile(loaded):
        with pytest.warns(
            UserWarning,
            match=rf"the profile now is '{loaded}'.*saved under '{saved}', "
            rf"load it under that profile.*using_profile\('{saved}'\)",
        ):
            kara.models.load_model(path)


# -------------------------------------------------------------- the names
@pytest.mark.parametrize(
    "name, match",
    [
        ("m.h5", r"legacy tf\.keras HDF5 model format"),
        ("m.weights.h5", r"is a weights file"),
        ("m.txt", r"Supported: `\.keras` for a whole model"),
    ],
)
def test_load_model_extensions(tmp_path, name, match):
    with pytest.raises(ValueError, match=match):
        kara.models.load_model(tmp_path / name)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No such file"):
        kara.models.load_model(tmp_path / "nothing.keras")
    with pytest.raises(FileNotFoundError, match=r"No such file"):
        _model().load_weights(tmp_path / "nothing.weights.h5")


def test_read_limits_are_module_constants():
    assert keras_archive.MAX_MEMBER_BYTES["config.json"] == 64 << 20
    assert h5_weights.MAX_DATASET_BYTES == 1 << 34
