"""The training loop behind `Model.compile/fit/evaluate/predict`.

- `trainer.py`: the `Trainer` mixin (compile, metrics, steps, fit,
  evaluate, predict);
- `on_batch.py`: `train_on_batch`, `test_on_batch`, `predict_on_batch`;
- `compile_utils.py`: what `loss=` and `metrics=` become;
- `data_adapter.py`: user data to checked arrays and batches;
- `epoch_iterator.py`: which batches make an epoch (`steps_per_epoch`);
- `trainer_utils.py`: argument checks, target checks, Ctrl-C handling.
"""
