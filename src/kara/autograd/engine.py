"""Backpropagation: walk the graph backwards and accumulate gradients.

The engine owns everything that is the same for every op:

1. ordering the graph (an iterative depth-first search, so a deep graph
   never hits Python's recursion limit);
2. summing a broadcast gradient back to its input's shape (`sum_to`), once,
   here, so no op can forget it;
3. casting each gradient to its input's dtype (float32 stays float32);
4. accumulating gradients of a tensor used several times;
5. freeing the graph afterwards, unless asked to keep it.
"""

import numpy as np


def sum_to(g, shape):
    """Sums `g` over the axes that broadcasting added or stretched.

    Args:
        g: the gradient array, of the broadcast shape.
        shape: the input's shape.

    Returns:
        An array of `shape`.

    Example:
    >>> sum_to(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    shape = tuple(shape)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    # axes added in front, then axes where the input had size 1
    axes = tuple(range(lead)) + tuple(
        lead + i
        for i, n in enumerate(shape)
        if n == 1 and g.shape[lead + i] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead or g.shape != shape:
        g = g.reshape(shape)
    return g


def topological_order(roots, min_seq=None):
    """Returns the Functions that produced `roots`, inputs before outputs.

    Args:
        roots: Tensors to start from.
        min_seq: if given, nodes recorded before this sequence number are
            treated as constants (a GradientTape sees only its own nodes).
    """
    order = []
    visited = set()
    stack = []
    for root in roots:
        if root.creator is not None:
            stack.append((root.creator, False))
    while stack:
        f, expanded = stack.pop()
        if expanded:
            order.append(f)
            continue
        if id(f) in visited:
            continue
        if min_seq is not None and f.seq < min_seq:
            continue
        visited.add(id(f))
        stack.append((f, True))
        for x in f.inputs:
            c = x.creator
            if c is not None and id(c) not in visited:
                stack.append((c, False))
    return order


def backprop(roots, root_grads, keep=(), retain_graph=False, min_seq=None):
    """Computes gradients of `roots` with respect to everything they used.

    Args:
        roots: output Tensors.
        root_grads: one upstream gradient array per root.
        keep: Tensors whose gradient must be returned even if they are
            intermediate results (GradientTape sources).
        retain_graph: keep the graph so backprop can run again.
        min_seq: ignore nodes recorded before this number (see
            `topological_order`).

    Returns:
        `(grads, leaves)`: `grads` maps `id(tensor)` to `(tensor, gradient)`
        for every leaf reached and every tensor in `keep`; `leaves` maps
        `id(tensor)` to the leaf Tensors reached that require grad.
    """
    grads = {}
    for root, g in zip(roots, root_grads):
        _accumulate(grads, root, g)
    keep_ids = {id(t) for t in keep}
    leaves = {}
    # This loop runs once per node per training step, so it is written
    # plainly for speed: one output per node is the common case.
    for f in reversed(topological_order(roots, min_seq)):
        refs = f.outputs
        if len(refs) == 1:
            gys = (_take_grad(grads, refs[0](), keep_ids),)
            unused = gys[0] is None  # the output does not reach the roots
        else:
            gys = [_take_grad(grads, ref(), keep_ids) for ref in refs]
            unused = all(g is None for g in gys)
            if not unused:  # several outputs, some unused: zeros for those
                gys = [
                    np.zeros(shape, dtype) if g is None else g
                    for g, (shape, dtype) in zip(gys, f.output_meta)
                ]
        if unused:
            if not retain_graph:
                f.release()
            continue
        gxs = f.backward(*gys)
        if not isinstance(gxs, tuple):
            gxs = (gxs,)
        for x, gx, need in zip(f.inputs, gxs, f.needs_input_grad):
            if not need or gx is None:
                continue
            _accumulate(grads, x, gx)
            creator = x.creator
            if creator is None or (
                min_seq is not None and creator.seq < min_seq
            ):
                leaves[id(x)] = x
        if not retain_graph:
            f.release()
    return grads, leaves


def _take_grad(grads, y, keep_ids):
    """The gradient summed for output `y` (removed unless kept), or None."""
    if y is None:  # the output Tensor was dropped: nothing flowed into it
        return None
    key = id(y)
    entry = grads.get(key) if key in keep_ids else grads.pop(key, None)
    return None if entry is None else entry[1]


def _accumulate(grads, x, gx):
    data = x.data
    if type(gx) is not np.ndarray:
        gx = np.asarray(gx)
    if gx.shape != data.shape:
        gx = sum_to(gx, data.shape)
    if gx.dtype != data.dtype:
        gx = gx.astype(data.dtype)
    key = id(x)
    previous = grads.get(key)
    # Keep x itself alive next to its gradient: once its consumer is
    # released, x may have no other owner until its own creator runs.
    # Sum into a new array, never in place: gx may alias another gradient.
    grads[key] = (x, gx if previous is None else previous[1] + gx)


def backward(tensor, gradient=None, retain_graph=False):
    """Backpropagates from `tensor` and adds the results into leaf `.grad`.

    Args:
        tensor: the output (usually a scalar loss).
        gradient: upstream gradient; defaults to ones of `tensor`'s shape.
        retain_graph: keep the graph for another backward pass.
    """
    if tensor.creator is None and tensor._graph_freed:
        raise RuntimeError(
            "backward() was called on a tensor whose graph was already "
            "freed by an earlier backward(). Pass retain_graph=True to the "
            "first backward() to backpropagate through the graph twice."
        )
    if gradient is None:
        gradient = np.ones(tensor.data.shape, tensor.data.dtype)
    is_leaf = tensor.creator is None
    grads, leaves = backprop([tensor], [gradient], retain_graph=retain_graph)
    if is_leaf and tensor.requires_grad:
        leaves[id(tensor)] = tensor
    owned = set()
    for key, leaf in leaves.items():
        g = grads[key][1]
        if leaf.grad is None:
            leaf.grad = own_gradient(g, owned, (gradient,))
        else:
            leaf.grad = leaf.grad + g  # a new array: never add in place
        owned.add(id(leaf.grad))


def own_gradient(g, owned, roots=()):
    """Returns `g`, or a copy if it may be shared or read-only.

    Gradients handed out (`.grad`, `tape.gradient`) must be arrays of their
    own: optimizers and gradient clipping may update them in place. A
    backward may return a read-only view (`broadcast_to` in sum's
    backward), one array for two inputs (add), or the caller's upstream
    gradient unchanged.

    Args:
        g: the gradient array.
        owned: ids of the arrays already handed out in this pass.
        roots: the upstream gradients given by the caller.
    """
    if id(g) in owned or g.base is not None or not g.flags.writeable:
        return g.copy()
    for r in roots:
        if g is r:
            return g.copy()
    return g
