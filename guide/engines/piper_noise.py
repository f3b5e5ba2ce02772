"""Piper's noise made a function of the sentence: a rewrite of a voice's ONNX graph, done when the voice loads.

A Piper (VITS) model draws Gaussian noise twice per sentence, with ``RandomNormalLike`` nodes: for the
stochastic duration predictor and for the latent ``z_p``. onnxruntime fills them from its own generator, so
the same sentence sounds different on every call, and its seeding (``set_seed``, a node's ``seed``) gives one
sequence per session, advanced by every call: still a function of call order and threads.

:func:`seeded` replaces each such node by a small subgraph computing the same kind of noise from the sentence
itself: a seed hashed from the phoneme ids (the model's first input), then per element a hash of its index,
the seed and the node's number, iterated squaring modulo the prime 2^31 - 1, giving 12 uniforms whose sum
minus 6 is approximately standard normal (Irwin–Hall). Only int64 ``Mul``/``Add``/``Mod``, a ``Cast``, and
double ``Add``/``Div``/``Sub`` are used: integer arithmetic is exact and these IEEE operations are correctly
rounded, so the noise is the same bits on every CPU, thread count and process (no ``Log``/``Cos``, whose
vectorised kernels may differ between machines). Since the ids and the scales are all a sentence's audio
depends on, a take becomes a function of its take key.

The model keeps its inputs and outputs: ``piper.PiperVoice.synthesize`` runs it as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import EngineError

if TYPE_CHECKING:  # the onnx package is imported when a voice loads, never at import time
    import onnx

NOISE_VERSION = "seeded-irwin-hall-1"
"""Names the noise in a Piper take's key: change it whenever :func:`seeded` would give other samples."""

RANDOM_OP = "RandomNormalLike"
"""The node type rewritten."""

PRIME = 2_147_483_647
"""2^31 - 1: values stay below it, so a square stays below 2^62 and int64 arithmetic never overflows."""

UNIFORMS = 12
"""Uniforms summed per sample: 12 of variance 1/12 give variance 1, so the sum minus 6 needs no scaling."""

# One additive constant per squaring round: each round is h -> h * h + c (mod PRIME), distinct per round so
# no two rounds are the same map.
_ROUND_CONSTANTS = (48271, 69621, 16807, 39373, 40692, 40014, 53668, 12211, 25207, 63689, 20021, 36969)
# The seed of a sentence: sum over positions of (id + 1) * (31 * position + 7), modulo PRIME.
_POSITION_WEIGHT, _POSITION_OFFSET = 31, 7
# An element's first state: index * _INDEX_MUL + seed * _SEED_MUL + 1 + _NODE_MUL * node (mod PRIME); the
# multipliers are primes, so neighbouring elements and sentences start far apart.
_INDEX_MUL, _SEED_MUL, _NODE_MUL = 7919, 104_729, 13
_FLOAT_TYPES = {1: "FLOAT", 10: "FLOAT16", 11: "DOUBLE", 16: "BFLOAT16"}


@dataclass(frozen=True)
class Rewritten:
    """A voice's model after :func:`seeded`."""

    model: bytes
    """The serialised model, for ``onnxruntime.InferenceSession(bytes)``."""

    nodes: int
    """How many ``RandomNormalLike`` nodes were replaced."""


def random_nodes(model: onnx.ModelProto) -> list[str]:
    """The names of the main graph's ``RandomNormalLike`` nodes (Piper's voices: two)."""
    return [node.name or node.output[0] for node in model.graph.node if node.op_type == RANDOM_OP]


def seeded(model: onnx.ModelProto) -> Rewritten | None:
    """`model` with each ``RandomNormalLike`` drawing its noise from the phoneme ids; None when it has none.

    `model` is changed in place. The noise keeps each node's ``dtype``, ``mean`` and ``scale``.
    """
    from onnx import TensorProto, helper  # noqa: PLC0415 - heavy: imported when a voice loads

    graph = model.graph
    count = sum(1 for node in graph.node if node.op_type == RANDOM_OP)
    if count == 0:
        return None
    ids = graph.input[0].name  # Piper's phoneme ids, shape (1, length), int64
    build = _Builder(graph)
    nodes = build.seed_of(ids)
    seed = nodes[-1].output[0]
    rewritten = []
    number = 0
    for node in graph.node:
        if node.op_type != RANDOM_OP:
            rewritten.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        dtype = int(attrs.get("dtype", TensorProto.FLOAT))
        if dtype not in _FLOAT_TYPES:
            raise EngineError(f"{RANDOM_OP} node {node.name!r} draws type {dtype}, not a floating type")
        rewritten += build.noise_like(
            node.input[0],
            node.output[0],
            seed,
            number,
            float(attrs.get("mean", 0.0)),
            float(attrs.get("scale", 1.0)),
            dtype,
        )
        number += 1
    del graph.node[:]
    graph.node.extend(nodes + rewritten)
    return Rewritten(model.SerializeToString(), count)


class _Builder:
    """Adds the rewrite's nodes and constants to a graph, under names of its own."""

    def __init__(self, graph: onnx.GraphProto) -> None:
        self.graph = graph
        self.prefix = "guide_noise"
        self.counter = 0

    def name(self, what: str) -> str:
        """A fresh value name."""
        self.counter += 1
        return f"{self.prefix}/{what}_{self.counter}"

    def const(self, value: int | float | list[int], dtype: str = "int64") -> str:
        """A constant initializer; its name."""
        import numpy as np  # noqa: PLC0415
        from onnx import numpy_helper  # noqa: PLC0415

        name = self.name("const")
        self.graph.initializer.append(numpy_helper.from_array(np.array(value, dtype=dtype), name))
        return name

    def op(self, kind: str, inputs: list[str], what: str, **attrs: object) -> tuple[onnx.NodeProto, str]:
        """One node; (it, its output's name)."""
        from onnx import helper  # noqa: PLC0415

        out = self.name(what)
        return helper.make_node(kind, inputs, [out], name=out, **attrs), out

    def seed_of(self, ids: str) -> list[onnx.NodeProto]:
        """Nodes computing the sentence's seed from the phoneme ids; the last one's output is the seed."""
        nodes: list[onnx.NodeProto] = []

        def add(kind: str, inputs: list[str], what: str, **attrs: object) -> str:
            node, out = self.op(kind, inputs, what, **attrs)
            nodes.append(node)
            return out

        flat = add("Reshape", [ids, self.const([-1])], "ids")
        length = add("Size", [flat], "length")
        position = add("Range", [self.const(0), length, self.const(1)], "position")
        weight = add(
            "Add", [add("Mul", [position, self.const(_POSITION_WEIGHT)], "pw"), self.const(_POSITION_OFFSET)], "w"
        )
        terms = add("Mul", [add("Add", [flat, self.const(1)], "id1"), weight], "terms")
        terms = add("Mod", [terms, self.const(PRIME)], "terms_mod")
        add("Mod", [add("ReduceSum", [terms], "sum", keepdims=0), self.const(PRIME)], "seed")
        return nodes

    def noise_like(
        self, like: str, out: str, seed: str, number: int, mean: float, scale: float, dtype: int
    ) -> list[onnx.NodeProto]:
        """Nodes writing `out`: noise of `like`'s shape, from `seed`, distinct per node `number`."""
        from onnx import TensorProto  # noqa: PLC0415

        nodes: list[onnx.NodeProto] = []

        def add(kind: str, inputs: list[str], what: str, **attrs: object) -> str:
            node, name = self.op(kind, inputs, what, **attrs)
            nodes.append(node)
            return name

        shape = add("Shape", [like], "shape")
        index = add("Range", [self.const(0), add("Size", [like], "size"), self.const(1)], "index")
        start = add(
            "Add",
            [
                add("Mul", [index, self.const(_INDEX_MUL)], "im"),
                add("Mul", [seed, self.const(_SEED_MUL)], "sm"),
            ],
            "start",
        )
        state = add("Mod", [add("Add", [start, self.const(1 + _NODE_MUL * number)], "s1"), self.const(PRIME)], "h")
        uniforms = []
        for constant in _ROUND_CONSTANTS[:UNIFORMS]:
            squared = add("Add", [add("Mul", [state, state], "sq"), self.const(constant)], "sqc")
            state = add("Mod", [squared, self.const(PRIME)], "h")
            uniforms.append(add("Cast", [state], "u", to=TensorProto.DOUBLE))
        total = uniforms[0]
        for uniform in uniforms[1:]:  # summed in this order, one rounding each: the same bits everywhere
            total = add("Add", [total, uniform], "t")
        normal = add(
            "Sub", [add("Div", [total, self.const(float(PRIME), "float64")], "d"), self.const(6.0, "float64")], "z"
        )
        if scale != 1.0:
            normal = add("Mul", [normal, self.const(scale, "float64")], "scaled")
        if mean != 0.0:
            normal = add("Add", [normal, self.const(mean, "float64")], "shifted")
        cast = add("Cast", [normal], "cast", to=dtype)
        nodes.append(self.op("Reshape", [cast, shape], "noise")[0])
        nodes[-1].output[0] = out
        return nodes
