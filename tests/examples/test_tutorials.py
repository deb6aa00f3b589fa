"""TensorFlow's two beginner tutorials run end to end on kara.

`fashion_mnist_mlp` (seed 002's tutorial) and `mnist_beginner` (the
quickstart, written with `import kara.tf as tf`) read their data through
`load_data()`. Here the data is a small set written in the real file
formats into the test's cache (`mnist.npz`; four gzipped IDX files), so
the whole path runs: cache lookup, SHA-256 check, parsing, scaling,
summary, fit, evaluate, predict. With an empty cache and no network the
tutorials fall back to the shipped digits and say so.
"""

import re

import pytest

PARAMS = ["Total params: 101,770", "100,480", "1,290"]


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_fashion_mnist_tutorial_in_both_profiles(
    run_example, fashion_cache, profile
):
    # tf.keras 2's summary prints 101770, Keras 3's 101,770
    out = run_example("fashion_mnist_mlp", profile=profile)
    assert "Total params: 101,770" in out.replace("101770", "101,770")
    bar = r"\[=+\]" if profile == "keras2" else "━+"
    assert len(re.findall(rf"^16/16 {bar} ", out, re.M)) == 5
    assert accuracy_in(out) > 0.9


def accuracy_in(out):
    match = re.search(r"Test accuracy: (\d\.\d+)", out)
    assert match, out
    return float(match.group(1))


def test_fashion_mnist_tutorial_on_real_format_files(
    run_example, fashion_cache
):
    out = run_example("fashion_mnist_mlp")
    assert out.startswith("Data: Fashion-MNIST\n")
    assert "512 training images, 200 test images of 28x28 pixels" in out
    for text in PARAMS:
        assert text in out
    assert "784 x 128 weights + 128 biases = 100,480 parameters" in out
    assert "512 images / batches of 32 = 16 steps per epoch" in out
    assert out.count("Epoch ") == 5 and "16/16" in out
    # learnable bars: reading the files right gives near-perfect accuracy
    assert accuracy_in(out) > 0.9
    names = re.findall(r"true '([^']+)'", out)
    assert len(names) == 5 and set(names) <= {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
        "Shirt", "Sneaker", "Bag", "Ankle boot",
    }  # fmt: skip


def test_fashion_mnist_tutorial_falls_back_to_digits(run_example):
    out = run_example("fashion_mnist_mlp", "--epochs", "3")
    assert "Fashion-MNIST is not in kara's cache" in out
    assert "--download" in out
    assert "512 training images, 256 test images of 28x28 pixels" in out
    assert out.count("Epoch ") == 3
    for text in PARAMS:
        assert text in out
    assert accuracy_in(out) > 0.7


def test_fashion_mnist_download_error_names_the_files(run_example):
    # --download on an offline machine: the loader's error, not a crash
    from kara.datasets import DatasetDownloadError

    with pytest.raises(DatasetDownloadError, match="t10k-images-idx3"):
        run_example("fashion_mnist_mlp", "--download")


def test_mnist_quickstart_on_a_real_format_file(run_example, mnist_cache):
    out = run_example("mnist_beginner")
    assert out.startswith("Data: MNIST\n")
    # the untrained model: ten scores, probabilities summing to 1, and a
    # loss near -log(1/10)
    logits = re.search(r"first image: +\[\[(.*?)\]\]", out, re.S).group(1)
    assert len(logits.split()) == 10
    initial = float(re.search(r"untrained loss: (\d\.\d{4})", out).group(1))
    assert 1.0 < initial < 4.0
    assert out.count("Epoch ") == 5
    assert accuracy_in(out) > 0.9
    predicted = re.search(r"predicted: \[([\d ]+)\] true: \[([\d ]+)\]", out)
    assert predicted and len(predicted.group(1).split()) == 5


def test_mnist_quickstart_falls_back_to_digits(run_example):
    out = run_example("mnist_beginner", "--epochs", "2")
    assert "MNIST is not in kara's cache" in out
    assert out.count("Epoch ") == 2
    assert accuracy_in(out) > 0.6
