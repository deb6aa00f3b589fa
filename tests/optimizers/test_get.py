"""`kara.optimizers.get`, `serialize`, `deserialize` and the names."""

import pytest

from kara import optimizers as O

NAMES = {
    "sgd": O.SGD,
    "rmsprop": O.RMSprop,
    "adagrad": O.Adagrad,
    "adadelta": O.Adadelta,
    "adam": O.Adam,
    "adamw": O.AdamW,
    "adamax": O.Adamax,
    "nadam": O.Nadam,
    "ftrl": O.Ftrl,
    "lion": O.Lion,
    "adafactor": O.Adafactor,
    "lamb": O.Lamb,
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_get_by_name_case_insensitive(name):
    cls = NAMES[name]
    assert type(O.get(name)) is cls
    assert type(O.get(cls.__name__)) is cls
    assert type(O.get(name.upper())) is cls


def test_get_defaults_match_the_class():
    assert O.get("sgd").get_config()["learning_rate"] == pytest.approx(0.01)
    assert O.get("rmsprop").rho == 0.9
    assert O.get("adam").epsilon == 1e-7


def test_get_other_identifiers():
    assert O.get(None) is None
    opt = O.Adam()
    assert O.get(opt) is opt
    assert type(O.get(O.Nadam)) is O.Nadam
    got = O.get({"class_name": "Adam", "config": {"learning_rate": 0.5}})
    assert float(got.learning_rate.numpy()) == 0.5


def test_unknown_name_lists_close_names():
    with pytest.raises(
        ValueError,
        match="Could not interpret optimizer "
        "identifier: 'adan'. Did you mean "
        "'adam'.*Valid names are: "
        "adadelta, adafactor",
    ):
        O.get("adan")
    with pytest.raises(
        ValueError, match="Could not interpret optimizer identifier: 3"
    ):
        O.get(3)


def test_deserialize_keras2_format_and_custom_objects():
    config = {
        "class_name": "Adam",
        "config": {
            "name": "Adam",
            "learning_rate": 0.001,
            "jit_compile": False,
            "is_legacy_optimizer": False,
            "beta_1": 0.8,
        },
    }
    assert O.deserialize(config).beta_1 == 0.8

    class MySGD(O.SGD):
        pass

    serialized = O.serialize(MySGD(0.3))
    assert serialized["class_name"] == "MySGD"
    again = O.deserialize(serialized, custom_objects={"MySGD": MySGD})
    assert type(again) is MySGD
    with pytest.raises(ValueError, match="Expected a dict with keys"):
        O.deserialize("adam")
