"""The small weights of an optimizer, updated together in flat buffers.

An optimizer step is a dozen in-place NumPy passes per weight. Each NumPy
call costs about half a microsecond however small its array, and
`update_step`'s own bookkeeping a few more, so for a bias of 10 or 128
numbers nearly all of its update is overhead. `SmallWeights` keeps the
slots of all small float32 weights (Adam's `m` and `v`) as views of one
flat buffer per slot: a step copies their gradients into one flat
gradient and runs each pass once over all of them. Every pass is
elementwise with the same scalars, so each number comes out exactly as
it would weight by weight.

The slot Variables stay the optimizer's (saved, restored and listed in
`optimizer.variables` as before); only their arrays share memory
(`assign` writes into them in place). If a slot is given a new array
instead, `gather` copies the slots back into the buffer first and binds
them again.

Example:
>>> import numpy as np, kara
>>> model = kara.Sequential([kara.Input((3,)), kara.layers.Dense(2)])
>>> opt = kara.optimizers.Adam()
>>> opt.build(model.trainable_variables)
>>> opt._small.size  # the 3 x 2 kernel and the bias: 8 numbers
8
"""

import numpy as np

# Weights of at most this many numbers are grouped: below it a NumPy
# call's fixed cost is a large share of a pass; above it, one more pass
# (the gradient copy) costs more than the calls it saves.
LIMIT = 16384


class SmallWeights:
    """The small float32 weights of an optimizer and their slots, flat.

    Args:
        variables: the small weights, in the optimizer's order.
        slot_lists: one list per slot kind (e.g. `[m_slots, v_slots]`),
            each holding that slot's Variable for every weight in
            `variables`.
        n_scratch: how many flat temporaries the update needs.
    """

    def __init__(self, variables, slot_lists, n_scratch):
        self.variables = list(variables)
        sizes = [v.data.size for v in self.variables]
        self.bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        self.size = self.bounds[-1]
        self.position = {id(v): i for i, v in enumerate(self.variables)}
        self.slot_lists = [list(slots) for slots in slot_lists]
        self.slots = [np.empty(self.size, np.float32) for _ in slot_lists]
        self.grad = np.empty(self.size, np.float32)
        self.scratch = [
            np.empty(self.size, np.float32) for _ in range(n_scratch)
        ]
        self._bind()

    @classmethod
    def of(cls, var_list, slot_lists, n_scratch, limit=LIMIT):
        """A `SmallWeights` for the small float32 weights of `var_list`, or
        None when fewer than two are small (nothing to gain)."""
        picked = [
            i
            for i, v in enumerate(var_list)
            if v.data.dtype == np.float32 and 0 < v.data.size <= limit
        ]
        if len(picked) < 2:
            return None
        return cls(
            [var_list[i] for i in picked],
            [[slots[i] for i in picked] for slots in slot_lists],
            n_scratch,
        )

    def views(self, flat):
        """Each weight's part of the flat array `flat`, in its shape."""
        b = self.bounds
        return [
            flat[b[i] : b[i + 1]].reshape(v.data.shape)
            for i, v in enumerate(self.variables)
        ]

    def _bind(self):
        """Copies each slot's values into its buffer and makes the slot's
        array a view of it; pairs each weight with its part of the last
        scratch buffer, where `subtract` takes the update from."""
        self._steps = list(zip(self.variables, self.views(self.scratch[-1])))
        self._bindings = []
        for buffer, slots in zip(self.slots, self.slot_lists):
            for slot, view in zip(slots, self.views(buffer)):
                view[...] = slot.data
                slot.data = view
                self._bindings.append((slot, buffer))

    def _bound(self):
        for slot, buffer in self._bindings:
            if slot.data.base is not buffer:
                return False
        return True

    def gather(self, grads, variables):
        """Splits a step's gradients into the flat gradient of the small
        weights and the other weights' `(grads, variables)`.

        Returns `(flat gradient, grads, variables)`; the flat gradient is
        None (and every weight is left in the lists) when some small
        weight has no gradient this step.
        """
        position = self.position
        small = [None] * len(self.variables)
        rest_g, rest_v = [], []
        for g, v in zip(grads, variables):
            i = position.get(id(v))
            if i is None:
                rest_g.append(g)
                rest_v.append(v)
            else:
                small[i] = g
        if any(g is None for g in small):
            return None, grads, variables
        if not self._bound():
            self._bind()
        np.concatenate([g.reshape(-1) for g in small], out=self.grad)
        return self.grad, rest_g, rest_v

    def subtract(self):
        """`w -= update` for each small weight, the update being in the
        last scratch buffer."""
        for v, part in self._steps:
            v.data -= part
