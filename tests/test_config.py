"""kara.config: numeric defaults, the compatibility profile, grad mode, and
importing kara without side effects."""

import os
import subprocess
import sys

import numpy as np
import pytest

import kara
from kara import config


@pytest.fixture(autouse=True)
def _restore_config():
    saved = (
        config._FLOATX,
        config._EPSILON,
        config._IMAGE_DATA_FORMAT,
        config._PROFILE,
        config._GRAD_ENABLED,
    )
    yield
    (
        config._FLOATX,
        config._EPSILON,
        config._IMAGE_DATA_FORMAT,
        config._PROFILE,
        config._GRAD_ENABLED,
    ) = saved


# --------------------------------------------------------------- numerics
def test_defaults_are_keras_defaults():
    assert config.floatx() == "float32"
    assert config.epsilon() == 1e-7
    assert config.image_data_format() == "channels_last"
    assert kara.config is config


@pytest.mark.parametrize("value", ["float16", "float32", "float64"])
def test_set_floatx(value):
    config.set_floatx(value)
    assert config.floatx() == value
    assert kara.ops.ones((1,)).dtype == np.dtype(value)


@pytest.mark.parametrize("value", ["float128", "int32", "bfloat16", None, "x"])
def test_set_floatx_rejects_bad_values(value):
    with pytest.raises(
        ValueError, match=rf"Unknown `floatx` value.*value={value!r}"
    ):
        config.set_floatx(value)
    assert config.floatx() == "float32"


@pytest.mark.parametrize("value", [1e-3, 1, np.float32(1e-5), np.float64(2e-7)])
def test_set_epsilon(value):
    config.set_epsilon(value)
    assert config.epsilon() == pytest.approx(float(value))
    assert isinstance(config.epsilon(), float)


@pytest.mark.parametrize("value", [0, -1e-7, "1e-7", None, True, float("nan")])
def test_set_epsilon_rejects_bad_values(value):
    with pytest.raises(
        ValueError,
        match=rf"`epsilon` must be a positive number\. Received: "
        rf"value={value!r}",
    ):
        config.set_epsilon(value)
    assert config.epsilon() == 1e-7


def test_set_image_data_format():
    config.set_image_data_format("channels_first")
    assert config.image_data_format() == "channels_first"
    config.set_image_data_format("CHANNELS_LAST")
    assert config.image_data_format() == "channels_last"
    with pytest.raises(ValueError, match=r"data_format='nchw'"):
        config.set_image_data_format("nchw")


# ---------------------------------------------------------------- profile
def test_profile_defaults_to_keras3(monkeypatch):
    monkeypatch.delenv("KARA_PROFILE", raising=False)
    config._PROFILE = None
    assert config.profile() == "keras3"


def test_profile_is_read_lazily_from_the_environment(monkeypatch):
    config._PROFILE = None
    monkeypatch.setenv("KARA_PROFILE", " Keras2 ")
    assert config.profile() == "keras2"
    # read once: later changes of the environment do not count
    monkeypatch.setenv("KARA_PROFILE", "keras3")
    assert config.profile() == "keras2"


def test_bad_profile_in_the_environment_names_the_variable(monkeypatch):
    config._PROFILE = None
    monkeypatch.setenv("KARA_PROFILE", "keras4")
    with pytest.raises(
        ValueError,
        match=r"Unknown compatibility profile 'keras4' \(from "
        r"`KARA_PROFILE`\)",
    ):
        config.profile()


def test_set_profile():
    config.set_profile("keras2")
    assert config.profile() == "keras2"
    config.set_profile("KERAS3")
    assert config.profile() == "keras3"
    with pytest.raises(
        ValueError,
        match=r"Unknown compatibility profile 'tf1' \(from `name`\)\. "
        r"Expected one of \('keras3', 'keras2'\)",
    ):
        config.set_profile("tf1")
    assert config.profile() == "keras3"


def test_using_profile_restores_the_previous_one_even_on_error():
    config.set_profile("keras3")
    with config.using_profile("keras2"):
        assert config.profile() == "keras2"
        with config.using_profile("keras3"):
            assert config.profile() == "keras3"
        assert config.profile() == "keras2"
    assert config.profile() == "keras3"
    with pytest.raises(KeyError):
        with config.using_profile("keras2"):
            raise KeyError("boom")
    assert config.profile() == "keras3"
    with pytest.raises(ValueError, match=r"'nope'"):
        with config.using_profile("nope"):
            pass
    assert config.profile() == "keras3"


# -------------------------------------------------------------- grad mode
def test_grad_mode_flags():
    assert config.is_grad_enabled()
    with config.no_grad():
        assert not config.is_grad_enabled()
        with config.enable_grad():
            assert config.is_grad_enabled()
        assert not config.is_grad_enabled()
    assert config.is_grad_enabled()
    assert kara.no_grad is config.no_grad
    assert kara.enable_grad is config.enable_grad


def test_grad_modes_as_decorators_nest_and_restore():
    @config.no_grad()
    def inner():
        return config.is_grad_enabled()

    @config.enable_grad()
    def outer():
        return config.is_grad_enabled(), inner(), config.is_grad_enabled()

    assert inner.__name__ == "inner"
    with config.no_grad():
        assert outer() == (True, False, True)
        assert not config.is_grad_enabled()
    ctx = config.no_grad()
    with ctx:  # one object entered twice in turn
        pass
    with ctx:
        assert not config.is_grad_enabled()
    assert config.is_grad_enabled()


# ------------------------------------------------- import without effects
def _run_python(code, tmp_path, **env_extra):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KARA_PROFILE", "KERAS_HOME")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONDONTWRITEBYTECODE="1",
        **env_extra,
    )
    work = tmp_path / "cwd"
    work.mkdir(exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc, home, work


def test_import_prints_nothing_and_writes_nothing(tmp_path):
    code = "import kara, kara.ops, kara.testing; kara.ops.ones((2,))"
    proc, home, work = _run_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    assert list(home.rglob("*")) == []  # no ~/.keras/keras.json or the like
    assert list(work.rglob("*")) == []


def test_profile_env_var_is_read_after_import(tmp_path):
    code = (
        "import os, kara\n"
        "os.environ['KARA_PROFILE'] = 'keras2'\n"
        "print(kara.config.profile())\n"
    )
    proc, _, _ = _run_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "keras2"


def test_bad_profile_env_var_does_not_break_import(tmp_path):
    code = (
        "import kara\n"
        "try:\n"
        "    kara.config.profile()\n"
        "except ValueError as e:\n"
        "    print('raised', e)\n"
    )
    proc, _, _ = _run_python(code, tmp_path, KARA_PROFILE="bogus")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(
        "raised Unknown compatibility profile 'bogus'"
    )
