"""Seed 000, a Japanese note on output heads and losses, run on kara.

Every snippet is the note's code, unchanged but for its imports:

    import tensorflow as tf                     -> import kara.tf as tf
    import tensorflow.keras as keras            -> import kara as keras
    from tensorflow.keras import layers as kl   -> from kara import layers as kl
    from sklearn.metrics import accuracy_score  -> a NumPy stand-in
    from matplotlib import pyplot as plt        -> a recorder of plt.plot

(The note's web page lost the indentation of function and loop bodies;
it is restored.) What the note reports and what is checked:

- softmax head: `print(accuracy_score(...))  # 1.0`: at least 0.99;
- sigmoid head: the note fits it on the one-hot labels, which Keras
  rejects (`tests/golden/seeds_*.json` records Keras's ValueError); kara
  rejects it too, with an error that says what to change. Fitted on the
  labels it meant (`y_train`): at least 0.99 (the note: 0.999);
- linear head: the note fits it on the one-hot labels too; Keras
  broadcasts them against the single output, so the model can only learn
  their mean (loss 0.25). kara does the same and warns. Fitted on
  `y_train`: at least 0.99 (the note: 0.999);
- the three loss figures: the 1,000 values of the built-in loss and of
  the hand-written one, against real TensorFlow's.
"""

import numpy as np
import pytest

import kara as keras
import kara.tf as tf
from kara import config
from kara import layers as kl
from tests.seeds._support import PyplotRecorder
from tests.seeds._support import accuracy_score
from tests.seeds._support import golden
from tests.seeds._support import printed_floats


# ----------------------------------------------------- the note's code
def common_problem():
    # 値が5以上なら1、5以下なら0のデータ
    x_train = np.random.uniform(0.0, 10.0, 1000)
    y_train = np.where(x_train < 0.5, 0, 1)
    return x_train, y_train


def categorycal_cross_entropy(y_val, y_pred):
    # int型だとエラーになりました
    y_val = tf.cast(y_val, tf.float32)
    y_pred = tf.cast(y_pred, tf.float32)
    y_pred = tf.clip_by_value(y_pred, 1e-6, y_pred)  # log(0)回避用
    # -Σ p * log(q)
    loss = -tf.reduce_sum(y_val * tf.math.log(y_pred), axis=1)
    return tf.reduce_mean(loss)


# fmt: off
def binary_cross_entropy(y_val, y_pred):
    # int型だとエラーになりました
    y_val = tf.cast(y_val, tf.float32)
    y_pred = tf.cast(y_pred, tf.float32)
    y_pred = tf.clip_by_value(y_pred, 1e-6, 1-1e-6) # log(0)log(1)回避用  # noqa: E501
    # - (p log(q) + (1-p) log(1-q))
    loss = - (y_val * tf.math.log(y_pred) + (1-y_val) * tf.math.log(1 - y_pred))  # noqa: E501
    return tf.reduce_mean(loss)
# fmt: on


def mse(y_val, y_pred):
    # 1/n Σ(y1 - y2)^2
    loss = tf.reduce_mean(tf.square(y_val - y_pred))
    return loss


@pytest.fixture(autouse=True)
def _seeded():
    keras.utils.set_random_seed(0)  # initial weights and np.random
    with config.using_profile("keras3"):  # unless a test says otherwise
        yield


# -------------------------------------------------------- the three heads
def test_softmax_head_with_categorical_crossentropy(capsys):
    x_train, y_train = common_problem()
    CATEGORY_NUM = 2  # カテゴリ数(2は2値分類)
    # 入力層と中間層(中間層は適当)
    model = keras.Sequential()
    model.add(kl.Input(shape=(1,)))
    model.add(kl.Dense(64, activation="relu"))
    model.add(kl.Dense(64, activation="relu"))
    # 出力層
    model.add(kl.Dense(CATEGORY_NUM, activation="softmax"))
    # loss = "categorical_crossentropy" でも可
    loss = tf.keras.losses.CategoricalCrossentropy()
    model.compile(optimizer="adam", loss=loss)
    # one-hotエンコーディング
    y_train_onehot = tf.one_hot(y_train, CATEGORY_NUM)
    # y_train は[0,1, ... ,1] と0か1が入っている shape=(1000,)
    # 返還後は[[1, 0], [0, 1], ... , [0, 1]] の形式 shape=(1000,2)
    # 学習と予測
    model.fit(x_train, y_train_onehot, epochs=10, batch_size=16)
    y_pred = model(x_train).numpy()
    # 評価(出力が各クラスの確率なので最大値を採用)
    y_pred = np.argmax(y_pred, axis=1)
    print(accuracy_score(y_pred, y_train))  # 1.0

    out = capsys.readouterr().out
    assert y_train_onehot.shape == (1000, 2)
    assert out.count("Epoch ") == 10 and "63/63" in out
    assert printed_floats(out.splitlines()[-1])[0] >= 0.99


def test_sigmoid_head_rejects_one_hot_labels_then_learns(capsys):
    x_train, y_train = common_problem()
    y_train_onehot = tf.one_hot(y_train, 2)
    # 入力層と中間層(中間層は適当)
    model = keras.Sequential()
    model.add(kl.Input(shape=(1,)))
    model.add(kl.Dense(64, activation="relu"))
    model.add(kl.Dense(64, activation="relu"))
    # 出力層
    model.add(kl.Dense(1, activation="sigmoid"))
    # loss = "binary_crossentropy" でも可
    loss = tf.keras.losses.BinaryCrossentropy()
    model.compile(optimizer="adam", loss=loss)
    # 学習と予測
    with pytest.raises(ValueError, match=r"y_true has shape \(\d+, 2\) but "):
        model.fit(x_train, y_train_onehot, epochs=10, batch_size=16)
    # Keras rejects it too (recorded from real Keras in both versions)
    for profile in ("keras3", "keras2"):
        error = golden(profile)["seed000"]["sigmoid_head_on_one_hot"]
        assert error["error"] == "ValueError"
    # the labels the note meant: one 0/1 label per sample
    model.fit(x_train, y_train, epochs=10, batch_size=16)
    y_pred = model(x_train).numpy()
    # 評価(出力は0~1(確率)なので閾値0.5で変換)
    y_pred = np.where(y_pred < 0.5, 0, 1)
    print(accuracy_score(y_pred, y_train))  # 0.999

    out = capsys.readouterr().out
    assert printed_floats(out.splitlines()[-1])[0] >= 0.99


def test_the_one_hot_error_says_what_to_change():
    x_train, y_train = common_problem()
    model = keras.Sequential()
    model.add(kl.Input(shape=(1,)))
    model.add(kl.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss=tf.keras.losses.BinaryCrossentropy())
    with pytest.raises(ValueError) as info:
        model.fit(x_train, tf.one_hot(y_train, 2), epochs=1, verbose=0)
    message = str(info.value)
    assert "looks one-hot" in message
    assert "np.argmax(y_true, axis=-1)" in message
    assert "activation='softmax'" in message
    assert "categorical_crossentropy" in message


def test_linear_head_broadcasts_one_hot_labels_then_learns(capsys):
    x_train, y_train = common_problem()
    y_train_onehot = tf.one_hot(y_train, 2)
    # 入力層と中間層(中間層は適当)
    model = keras.Sequential()
    model.add(kl.Input(shape=(1,)))
    model.add(kl.Dense(64, activation="relu"))
    model.add(kl.Dense(64, activation="relu"))
    # 出力層(activationを省略した場合もlinearになります)
    model.add(kl.Dense(1, activation="linear"))
    # loss = "mse" でも可
    loss = tf.keras.losses.MeanSquaredError()
    model.compile(optimizer="adam", loss=loss)
    # 学習と予測
    with pytest.warns(
        UserWarning, match=r"Keras broadcasts them to \(\d+, 2\)"
    ):
        history = model.fit(x_train, y_train_onehot, epochs=10, batch_size=16)
    # Keras runs it too (recorded from real Keras in both versions) ...
    for profile in ("keras3", "keras2"):
        outcome = golden(profile)["seed000"]["linear_head_on_one_hot"]
        assert outcome["error"] is None
    # ... and can only learn the mean of the two columns, 0.5: loss 0.25
    assert history.history["loss"][-1] == pytest.approx(0.25, abs=2e-3)
    assert np.mean(model(x_train).numpy()) == pytest.approx(0.5, abs=0.01)
    # the labels the note meant
    model.fit(x_train, y_train, epochs=10, batch_size=16)
    y_pred = model(x_train).numpy()
    # 評価(出力は数値なので閾値0.5で変換)
    y_pred = np.where(y_pred < 0.5, 0, 1)
    print(accuracy_score(y_pred, y_train))  # 0.999

    out = capsys.readouterr().out
    assert printed_floats(out.splitlines()[-1])[0] >= 0.99


def test_sigmoid_head_learns_under_tf_keras2():
    x_train, y_train = common_problem()
    with config.using_profile("keras2"):
        model = keras.Sequential()
        model.add(kl.Input(shape=(1,)))
        model.add(kl.Dense(64, activation="relu"))
        model.add(kl.Dense(64, activation="relu"))
        model.add(kl.Dense(1, activation="sigmoid"))
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x_train, y_train, epochs=10, batch_size=16, verbose=0)
        y_pred = np.where(model(x_train).numpy() < 0.5, 0, 1)
    assert accuracy_score(y_pred, y_train) >= 0.99


# -------------------------------------------------------- the figures
def figure_categorical(plt):
    loss = tf.keras.losses.CategoricalCrossentropy()
    arr_x = []
    arr_y1 = []
    arr_y2 = []  # 確認用にべた書き版も
    for x in np.linspace(0, 1, 1000):
        arr_x.append(x)
        x1 = np.array([[0.0, 1.0]])  # 正解
        x2 = np.array([[x, 1-x]])  # fmt: skip
        arr_y1.append(loss(x1, x2).numpy())
        arr_y2.append(categorycal_cross_entropy(x1, x2).numpy())
    plt.plot(arr_x, arr_y1, label="tensorflow")
    plt.plot(arr_x, arr_y2, label="my")
    plt.legend()
    plt.show()


def figure_binary(plt):
    loss = tf.keras.losses.BinaryCrossentropy()
    arr_x = []
    arr_y1 = []
    arr_y2 = []  # 確認用にべた書き版も
    for x in np.linspace(0, 1, 1000):
        arr_x.append(x)
        x1 = np.array([0.0])  # 正解
        x2 = np.array([x])
        arr_y1.append(loss(x1, x2).numpy())
        arr_y2.append(binary_cross_entropy(x1, x2).numpy())
    plt.plot(arr_x, arr_y1, label="tensorflow")
    plt.plot(arr_x, arr_y2, label="my")
    plt.legend()
    plt.show()


def figure_mse(plt):
    loss = tf.keras.losses.MeanSquaredError()
    arr_x = []
    arr_y1 = []
    arr_y2 = []  # 確認用にべた書き版も
    for x in np.linspace(0, 1, 1000):
        arr_x.append(x)
        x1 = np.array([0.0])  # 正解
        x2 = np.array([x])
        arr_y1.append(loss(x1, x2).numpy())
        arr_y2.append(mse(x1, x2).numpy())
    plt.plot(arr_x, arr_y1, label="tensorflow")
    plt.plot(arr_x, arr_y2, label="my")
    plt.legend()
    plt.show()


FIGURES = {
    "categorical": figure_categorical,
    "binary": figure_binary,
    "mse": figure_mse,
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figures_match_keras3(name):
    plt = PyplotRecorder()
    with config.using_profile("keras3"):
        FIGURES[name](plt)
    expected = golden("keras3")["seed000"][name]
    assert plt.shown == 1
    x, built_in = plt.lines["tensorflow"]
    _, by_hand = plt.lines["my"]
    np.testing.assert_allclose(x, np.linspace(0, 1, 1000))
    # float32 values: 2 ulp of the value, or of 1.0 near 0
    np.testing.assert_allclose(
        built_in, expected["arr_y1"], rtol=2.5e-7, atol=2.5e-7
    )
    np.testing.assert_allclose(by_hand, expected["arr_y2"], rtol=2.5e-7)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figures_match_tf_keras2(name):
    # tf.keras 2 computes the note's float64 arrays in float64; kara, in
    # float32. That shows only where the 1e-7 clipping decides, at the
    # two ends of the sweep (BCE at y_pred = 1: 15.42 vs 15.33), and in
    # BCE's extra eps inside the logs (2e-5 relative). The hand-written
    # losses cast to float32 first and match exactly.
    plt = PyplotRecorder()
    with config.using_profile("keras2"):
        FIGURES[name](plt)
    expected = golden("keras2")["seed000"][name]
    _, built_in = plt.lines["tensorflow"]
    _, by_hand = plt.lines["my"]
    np.testing.assert_allclose(
        built_in[1:-1], expected["arr_y1"][1:-1], rtol=3e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        built_in[[0, -1]], expected["arr_y1"][::999], rtol=0.01, atol=2e-7
    )
    np.testing.assert_allclose(by_hand, expected["arr_y2"], rtol=2.5e-7)


def test_hand_written_losses_differ_from_keras_only_at_the_clip():
    # the note's comment: the two curves agree; they part only where the
    # prediction is 0 or 1 and the clipping (1e-6 vs 1e-7) decides
    plt = PyplotRecorder()
    figure_categorical(plt)
    _, built_in = plt.lines["tensorflow"]
    _, by_hand = plt.lines["my"]
    np.testing.assert_allclose(built_in[1:-1], by_hand[1:-1], rtol=1e-6)
    assert built_in[-1] == pytest.approx(-np.log(1e-7), rel=1e-6)  # 16.118
    assert by_hand[-1] == pytest.approx(-np.log(1e-6), rel=1e-6)  # 13.816
