"""Writes golden values for `kara.optimizers` from real Keras.

Run from the repository root with each TensorFlow venv:

    /root/venvs/tf221/bin/python tools/golden_optimizers.py   # Keras 3.x
    /root/venvs/tf215/bin/python tools/golden_optimizers.py   # tf.keras 2.15

The first writes `tests/golden/optimizers_keras3.json`, the second
`tests/golden/optimizers_keras2.json` (the script detects the Keras version).
Each run takes about a minute on two cores.

What is recorded:
- `inputs`: three float32 variables (shapes (4,), (3, 5), (2, 3, 4), named
  "v0", "bias", "v2") and STEPS steps of random float32 gradients, stored in
  the file so the tests never need TensorFlow or a NumPy random stream.
  Some steps are scaled by 5 so that clipping triggers.
- `cases`: for each optimizer and notable option (momentum, nesterov,
  centered, amsgrad, clipnorm, clipvalue, global_clipnorm, weight_decay with
  `exclude_from_weight_decay`, use_ema, learning-rate schedules, ...): the
  values of every variable after every step (`trajectory[step][var]`), the
  number of optimizer variables and their shapes, `iterations` and the
  learning rate read back after training, and, with `use_ema`, the values
  after `finalize_variable_values`.
  Keras 3 runs `apply_gradients` eagerly. tf.keras 2.15 runs it inside a
  `tf.function`, as `model.fit` does (that matters for its Nadam; the case
  `Nadam[eager]` records the eager numbers too).
- `defaults`: `get_config()` of each optimizer built with no arguments.
- `schedules`: each learning-rate schedule's value at a list of steps, and
  its `get_config()`.
- `serialized`: `keras.optimizers.serialize` of an Adam with a schedule.

Floats are rounded to 9 significant digits, which round-trips float32
exactly, so both sides read identical float32 inputs.
"""

import json
import os
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
warnings.filterwarnings("ignore")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

KERAS3 = keras.__version__.startswith("3")
PROFILE = "keras3" if KERAS3 else "keras2"
OUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "tests",
    "golden",
    f"optimizers_{PROFILE}.json",
)
OPT = keras.optimizers
SCHED = keras.optimizers.schedules

SHAPES = [(4,), (3, 5), (2, 3, 4)]
NAMES = ["v0", "bias", "v2"]
STEPS = 8
SCALES = [1.0, 1.0, 5.0, 0.5, 1.0, 5.0, 0.1, 1.0]


def sig(x):
    """Rounds floats to 9 significant digits, recursively, for JSON."""
    if isinstance(x, dict):
        return {k: sig(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [sig(v) for v in x]
    if isinstance(x, np.ndarray):
        return sig(x.tolist())
    if isinstance(x, (bool, np.bool_)) or x is None or isinstance(x, str):
        return x if not isinstance(x, np.bool_) else bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(f"{float(x):.9g}")
    return x


def make_inputs():
    rng = np.random.default_rng(20240515)
    init = [rng.uniform(-1.5, 1.5, s).astype("float32") for s in SHAPES]
    grads = [
        [(rng.standard_normal(s) * sc).astype("float32") for s in SHAPES]
        for sc in SCALES
    ]
    # round-trip through the JSON representation: both sides read these
    init = [np.asarray(sig(x), "float32") for x in init]
    grads = [[np.asarray(sig(g), "float32") for g in step] for step in grads]
    return init, grads


def sched(name, **kwargs):
    return {"schedule": name, "config": kwargs}


# (case name, optimizer class, kwargs, options)
# options: "exclude": var_names for exclude_from_weight_decay,
#          "keras3_only": skip on tf.keras 2.
CASES = [
    ("SGD", "SGD", {}, {}),
    ("SGD(lr=0.1)", "SGD", {"learning_rate": 0.1}, {}),
    ("SGD(momentum)", "SGD", {"learning_rate": 0.1, "momentum": 0.9}, {}),
    (
        "SGD(nesterov)",
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
        {},
    ),
    ("SGD(clipnorm)", "SGD", {"learning_rate": 0.1, "clipnorm": 1.0}, {}),
    ("SGD(clipvalue)", "SGD", {"learning_rate": 0.1, "clipvalue": 0.5}, {}),
    (
        "SGD(global_clipnorm)",
        "SGD",
        {"learning_rate": 0.1, "global_clipnorm": 2.0},
        {},
    ),
    (
        "SGD(weight_decay)",
        "SGD",
        {"learning_rate": 0.1, "weight_decay": 0.05},
        {"exclude": ["bias"]},
    ),
    (
        "SGD(use_ema)",
        "SGD",
        {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.9},
        {},
    ),
    (
        "SGD(piecewise)",
        "SGD",
        {
            "learning_rate": sched(
                "PiecewiseConstantDecay",
                boundaries=[2, 5],
                values=[0.1, 0.05, 0.01],
            ),
            "momentum": 0.5,
        },
        {},
    ),
    ("RMSprop", "RMSprop", {}, {}),
    ("RMSprop(lr=0.01)", "RMSprop", {"learning_rate": 0.01}, {}),
    (
        "RMSprop(momentum)",
        "RMSprop",
        {"learning_rate": 0.01, "momentum": 0.9},
        {},
    ),
    (
        "RMSprop(centered)",
        "RMSprop",
        {"learning_rate": 0.01, "centered": True, "rho": 0.8},
        {},
    ),
    (
        "RMSprop(centered,momentum,eps)",
        "RMSprop",
        {
            "learning_rate": 0.01,
            "centered": True,
            "momentum": 0.5,
            "epsilon": 1e-3,
        },
        {},
    ),
    (
        "RMSprop(cosine_warmup)",
        "RMSprop",
        {
            "learning_rate": sched(
                "CosineDecay",
                initial_learning_rate=0.0,
                decay_steps=5,
                alpha=0.1,
                warmup_target=0.01,
                warmup_steps=3,
            )
        },
        {},
    ),
    ("Adagrad", "Adagrad", {}, {}),
    (
        "Adagrad(lr,init,eps)",
        "Adagrad",
        {
            "learning_rate": 0.1,
            "initial_accumulator_value": 0.3,
            "epsilon": 1e-6,
        },
        {},
    ),
    ("Adadelta", "Adadelta", {}, {}),
    (
        "Adadelta(lr=1,rho,eps)",
        "Adadelta",
        {"learning_rate": 1.0, "rho": 0.8, "epsilon": 1e-6},
        {},
    ),
    ("Adam", "Adam", {}, {}),
    ("Adam(positional)", "Adam", {"args": [0.01, 0.8, 0.99]}, {}),
    ("Adam(amsgrad)", "Adam", {"learning_rate": 0.01, "amsgrad": True}, {}),
    ("Adam(clipnorm)", "Adam", {"learning_rate": 0.01, "clipnorm": 1.0}, {}),
    (
        "Adam(global_clipnorm)",
        "Adam",
        {"learning_rate": 0.01, "global_clipnorm": 1.0},
        {},
    ),
    ("Adam(clipvalue)", "Adam", {"learning_rate": 0.01, "clipvalue": 0.3}, {}),
    (
        "Adam(weight_decay)",
        "Adam",
        {"learning_rate": 0.01, "weight_decay": 0.1},
        {},
    ),
    (
        "Adam(exponential)",
        "Adam",
        {
            "learning_rate": sched(
                "ExponentialDecay",
                initial_learning_rate=0.05,
                decay_steps=1,
                decay_rate=0.9,
            )
        },
        {},
    ),
    (
        "Adam(use_ema,overwrite)",
        "Adam",
        {
            "learning_rate": 0.01,
            "use_ema": True,
            "ema_momentum": 0.8,
            "ema_overwrite_frequency": 3,
        },
        {},
    ),
    (
        "Adam(use_ema)",
        "Adam",
        {"learning_rate": 0.01, "use_ema": True},
        {},
    ),
    (
        "Adam(gradient_accumulation)",
        "Adam",
        {"learning_rate": 0.01, "gradient_accumulation_steps": 3},
        {"keras3_only": True},
    ),
    (
        "Adam(loss_scale_factor)",
        "Adam",
        {"learning_rate": 0.01, "loss_scale_factor": 4.0, "clipnorm": 1.0},
        {"keras3_only": True},
    ),
    ("AdamW", "AdamW", {}, {}),
    (
        "AdamW(wd,exclude)",
        "AdamW",
        {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True},
        {"exclude": ["bias"]},
    ),
    (
        "AdamW(restarts)",
        "AdamW",
        {
            "learning_rate": sched(
                "CosineDecayRestarts",
                initial_learning_rate=0.02,
                first_decay_steps=2,
                t_mul=2.0,
                m_mul=0.5,
                alpha=0.05,
            ),
            "weight_decay": 0.2,
        },
        {},
    ),
    ("Adamax", "Adamax", {}, {}),
    (
        "Adamax(lr,betas,eps)",
        "Adamax",
        {
            "learning_rate": 0.2,
            "beta_1": 0.85,
            "beta_2": 0.95,
            "epsilon": 1e-6,
        },
        {},
    ),
    ("Nadam", "Nadam", {}, {}),
    (
        "Nadam(lr,betas,eps)",
        "Nadam",
        {
            "learning_rate": 0.05,
            "beta_1": 0.5,
            "beta_2": 0.67,
            "epsilon": 1e-5,
        },
        {},
    ),
    (
        "Nadam(polynomial)",
        "Nadam",
        {
            "learning_rate": sched(
                "PolynomialDecay",
                initial_learning_rate=0.05,
                decay_steps=5,
                end_learning_rate=0.001,
                power=2.0,
            )
        },
        {},
    ),
    ("Lion", "Lion", {}, {}),
    ("Lion(lr,betas)", "Lion", {"learning_rate": 0.01, "beta_1": 0.8}, {}),
    ("Ftrl", "Ftrl", {}, {}),
    (
        "Ftrl(all)",
        "Ftrl",
        {
            "learning_rate": 0.05,
            "learning_rate_power": -0.2,
            "initial_accumulator_value": 0.4,
            "l1_regularization_strength": 0.05,
            "l2_regularization_strength": 0.15,
            "l2_shrinkage_regularization_strength": 0.01,
            "beta": 0.3,
        },
        {},
    ),
    ("Adafactor", "Adafactor", {}, {}),
    (
        "Adafactor(lr,no_relative)",
        "Adafactor",
        {
            "learning_rate": 0.05,
            "relative_step": False,
            "clip_threshold": 0.5,
        },
        {},
    ),
    (
        "Adafactor(inverse_time)",
        "Adafactor",
        {
            "learning_rate": sched(
                "InverseTimeDecay",
                initial_learning_rate=0.5,
                decay_steps=2,
                decay_rate=0.5,
                staircase=True,
            )
        },
        {},
    ),
    ("Lamb", "Lamb", {}, {"keras3_only": True}),
    (
        "Lamb(lr,wd)",
        "Lamb",
        {"learning_rate": 0.01, "weight_decay": 0.01},
        {"keras3_only": True},
    ),
]

SCHEDULES = [
    (
        "ExponentialDecay",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.96),
    ),
    (
        "ExponentialDecay",
        dict(
            initial_learning_rate=0.1,
            decay_steps=3,
            decay_rate=0.5,
            staircase=True,
        ),
    ),
    (
        "PiecewiseConstantDecay",
        dict(boundaries=[10, 20, 30], values=[1.0, 0.5, 0.1, 0.01]),
    ),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20)),
    (
        "PolynomialDecay",
        dict(
            initial_learning_rate=0.1,
            decay_steps=20,
            end_learning_rate=0.01,
            power=0.5,
            cycle=True,
        ),
    ),
    (
        "InverseTimeDecay",
        dict(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5),
    ),
    (
        "InverseTimeDecay",
        dict(
            initial_learning_rate=0.1,
            decay_steps=5,
            decay_rate=0.5,
            staircase=True,
        ),
    ),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=30)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=30, alpha=0.1)),
    (
        "CosineDecay",
        dict(
            initial_learning_rate=0.0,
            decay_steps=30,
            warmup_target=0.2,
            warmup_steps=10,
        ),
    ),
    (
        "CosineDecay",
        dict(
            initial_learning_rate=0.01,
            decay_steps=20,
            alpha=0.05,
            warmup_target=0.1,
            warmup_steps=5,
        ),
    ),
    (
        "CosineDecayRestarts",
        dict(initial_learning_rate=0.1, first_decay_steps=10),
    ),
    (
        "CosineDecayRestarts",
        dict(
            initial_learning_rate=0.1,
            first_decay_steps=7,
            t_mul=1.0,
            m_mul=0.8,
            alpha=0.1,
        ),
    ),
    (
        "CosineDecayRestarts",
        dict(
            initial_learning_rate=0.1, first_decay_steps=4, t_mul=1.5, m_mul=0.9
        ),
    ),
]
SCHEDULE_STEPS = [
    0,
    1,
    2,
    3,
    4,
    5,
    7,
    9,
    10,
    11,
    12,
    15,
    19,
    20,
    21,
    25,
    28,
    29,
    30,
    31,
    35,
    40,
    45,
    50,
    69,
    70,
    99,
    100,
    1000,
]

OPT_CLASSES = [
    "SGD",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "Lion",
    "Ftrl",
    "Adafactor",
] + (["Lamb"] if KERAS3 else [])


def build_schedule(spec):
    return getattr(SCHED, spec["schedule"])(**spec["config"])


def build_optimizer(cls_name, kwargs):
    kwargs = dict(kwargs)
    args = kwargs.pop("args", [])
    lr = kwargs.get("learning_rate")
    if isinstance(lr, dict):
        kwargs["learning_rate"] = build_schedule(lr)
    return getattr(OPT, cls_name)(*args, **kwargs)


def config_to_json(config):
    out = {}
    for k, v in config.items():
        if isinstance(v, dict):
            out[k] = config_to_json(v)
        elif isinstance(v, (np.floating, float)):
            out[k] = float(v)
        elif isinstance(v, (np.integer,)):
            out[k] = int(v)
        else:
            out[k] = v
    return out


def run_case(cls_name, kwargs, options, init, grads, eager):
    opt = build_optimizer(cls_name, kwargs)
    if KERAS3:
        variables = [
            keras.Variable(x.copy(), name=n) for x, n in zip(init, NAMES)
        ]
    else:
        variables = [tf.Variable(x.copy(), name=n) for x, n in zip(init, NAMES)]
    if "exclude" in options:
        opt.exclude_from_weight_decay(var_names=options["exclude"])

    def step(gs):
        opt.apply_gradients(zip(gs, variables))

    if not eager:
        step = tf.function(step)
    trajectory = []
    for gs in grads:
        step([tf.constant(g) for g in gs])
        trajectory.append([np.array(v.numpy()) for v in variables])
    lr = opt.learning_rate
    result = {
        "trajectory": trajectory,
        "n_variables": len(opt.variables),
        "variable_shapes": [list(v.shape) for v in opt.variables],
        "iterations": int(np.asarray(opt.iterations.numpy())),
        "final_learning_rate": float(np.asarray(lr)),
    }
    if kwargs.get("use_ema"):
        opt.finalize_variable_values(variables)
        result["finalized"] = [np.array(v.numpy()) for v in variables]
    return result


def main():
    init, grads = make_inputs()
    cases = {}
    for name, cls_name, kwargs, options in CASES:
        if options.get("keras3_only") and not KERAS3:
            continue
        # tf.keras 2 is run as model.fit runs it: inside a tf.function
        res = run_case(cls_name, kwargs, options, init, grads, eager=KERAS3)
        cases[name] = {
            "class": cls_name,
            "kwargs": kwargs,
            "options": options,
            **res,
        }
        print(name, "done", flush=True)
    if not KERAS3:
        res = run_case("Nadam", {}, {}, init, grads, eager=True)
        cases["Nadam[eager]"] = {
            "class": "Nadam",
            "kwargs": {},
            "options": {"eager": True},
            **res,
        }

    defaults = {}
    for cls_name in OPT_CLASSES:
        opt = getattr(OPT, cls_name)()
        defaults[cls_name] = config_to_json(opt.get_config())

    schedules = []
    for name, cfg in SCHEDULES:
        s = getattr(SCHED, name)(**cfg)
        values = [float(np.asarray(s(step))) for step in SCHEDULE_STEPS]
        schedules.append(
            {
                "class": name,
                "config": cfg,
                "values": values,
                "get_config": config_to_json(s.get_config()),
            }
        )

    decay = SCHED.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    sched_adam = OPT.Adam(learning_rate=decay)
    serialized = config_to_json(OPT.serialize(sched_adam))

    data = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "profile": PROFILE,
        "inputs": {
            "shapes": SHAPES,
            "names": NAMES,
            "init": init,
            "grads": grads,
        },
        "cases": cases,
        "defaults": defaults,
        "schedule_steps": SCHEDULE_STEPS,
        "schedules": schedules,
        "serialized": serialized,
    }
    with open(OUT, "w") as f:
        json.dump(sig(data), f, separators=(",", ":"))
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
