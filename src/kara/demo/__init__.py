"""The demo, `python -m kara.demo`: a real training run, offline.

- `__main__.py`: the command (options, summary, fit, evaluate, plot);
- `data.py`: the datasets it trains on, at MNIST's 28x28 size (the shipped
  digits scaled up, or MNIST / Fashion-MNIST from kara's cache).

The examples in `examples/` reuse `kara.demo.data` for their offline
fallback.
"""
