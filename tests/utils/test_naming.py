"""Name helpers: snake_case and "did you mean" suggestions."""

import pytest

from kara.utils import lookup
from kara.utils import naming


@pytest.mark.parametrize(
    "name, snake",
    [
        ("GlorotUniform", "glorot_uniform"),
        ("HeNormal", "he_normal"),
        ("L1L2", "l1l2"),
        ("MaxNorm", "max_norm"),
        ("OrthogonalRegularizer", "orthogonal_regularizer"),
        ("Conv2D", "conv2d"),
        ("relu", "relu"),
    ],
)
def test_to_snake_case(name, snake):
    assert naming.to_snake_case(name) == snake


def test_closest_names_merges_spellings_and_ignores_case():
    names = ["HeNormal", "he_normal", "HeUniform", "he_uniform", "zeros"]
    assert naming.closest_names("he_nromal", names)[0] == "he_normal"
    assert naming.closest_names("HENORMAL", names)[0] == "he_normal"
    assert naming.closest_names("xyzzy", names) == []


def test_unknown_name_error_lists_valid_names():
    err = naming.unknown_name_error("loss", "mse2", ["mse", "mae", "MSE"])
    assert isinstance(err, ValueError)
    assert "Could not interpret loss identifier: 'mse2'" in str(err)
    assert "Did you mean 'mse'" in str(err)
    assert str(err).endswith("Valid names are: mae, mse.")


def test_suggest_kwargs_decorator():
    @naming.suggest_kwargs
    def f(x, alpha=1.0, beta=2.0):
        return x + alpha + beta

    assert f(1.0, beta=0.0) == 2.0
    with pytest.raises(
        TypeError,
        match=r"f\(\) got an unexpected keyword "
        r"argument 'alhpa'\. Did you mean 'alpha'\?",
    ):
        f(1.0, alhpa=3.0)

    @naming.suggest_kwargs
    def g(x, **kwargs):
        return kwargs

    assert g(1, anything=2) == {"anything": 2}  # **kwargs: left alone


def test_deserialize_object_forms():
    class Thing:
        def __init__(self, size=1):
            self.size = size

        def get_config(self):
            return {"size": self.size}

    table = {"Thing": Thing, "thing": Thing}
    assert lookup.deserialize_object("thing", table, "thing").size == 1
    obj = lookup.deserialize_object(
        {"class_name": "Thing", "config": {"size": 3}}, table, "thing"
    )
    assert obj.size == 3
    config = lookup.serialize_object(obj, "keras.things", table)
    assert config == {
        "module": "keras.things",
        "class_name": "Thing",
        "config": {"size": 3},
        "registered_name": None,
    }
    with pytest.raises(ValueError, match="'class_name' key"):
        lookup.deserialize_object({"config": {}}, table, "thing")
    with pytest.raises(ValueError, match="Did you mean 'thing'"):
        lookup.deserialize_object("thingy", table, "thing")
