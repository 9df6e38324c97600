#!/usr/bin/env python3
"""Deterministic inputs for the mlmerge benchmark (standard library only).

Writes one folder per case, each holding `base`, `ours` and `theirs` with the
file's real extension (`.py` or `.ipynb`), plus `case.json` describing it:

* Python model modules of about 100, 3,000 and 50,000 lines, made of Keras
  `Sequential([...])` builders, functional-API builders, PyTorch modules and
  training helpers, each in two scenarios:
  - `clean`: ours and theirs edit places far apart, so `git merge-file`
    resolves the merge on its own;
  - `structured`: at several model builders both sides insert a different
    layer right after the same hidden `Dense` (the seed scenario:
    BatchNormalization on one side, Dropout on the other) and change
    different keyword arguments of the same one-line `model.compile(...)`,
    so git's line merge conflicts and only an argument-level merge is clean.
* Hostile inputs (`hostile_cases`, skipped with `--quick` or
  `--no-hostile`): a 5 MB one-line `Sequential` of 300,000 layers and a
  45 MB module, both merged as git would (see docs/limits.md).
* Notebooks of 200 cells (nbformat 4.4, no cell ids, as most notebooks in the
  wild) with about 5 MB and 20 MB of base64 PNG outputs, in two re-run
  scenarios:
  - `rerun`: each side re-ran a different range of cells (new execution
    counts, new images) and edited the source of a different cell;
  - `rerun-overlap`: the two re-run ranges overlap, so both sides replaced
    the outputs of the same cells and git's line merge conflicts inside the
    JSON.

* Notebooks of 1,000 small cells without ids (no images) where each side
  makes many small edits: about 60 in-line source edits, 10 inserted and
  5 deleted cells each, some of them in the same cells (git conflicts),
  on cells that look alike (the hard case for matching cells by content):
  - `many-edits`: edits spread over the whole notebook;
  - `many-edits-rerun`: the same, and both sides re-ran every code cell.

The same seed always gives the same bytes.

Usage: gen_inputs.py OUT_DIR [--quick] [--no-hostile]
"""

import base64
import copy
import json
import random
import sys
from pathlib import Path

SEED = 20240601

# Python model modules -------------------------------------------------------

HEADER = '''"""Model zoo: builders and training helpers (generated for the benchmark)."""

import numpy as np
import tensorflow as tf
import torch
from torch import nn
from tensorflow import keras
from tensorflow.keras import layers

'''


def keras_sequential_block(i, rng):
    conv = rng.choice([16, 32, 64])
    dense = rng.choice([64, 128, 256, 512])
    classes = rng.choice([2, 10, 100])
    return [
        f"def build_cnn_{i}(input_shape=(32, 32, 3), num_classes={classes}):",
        f'    """Convolutional classifier, variant {i}."""',
        "    model = keras.Sequential([",
        "        layers.Input(shape=input_shape),",
        f'        layers.Conv2D({conv}, 3, activation="relu", padding="same"),',
        "        layers.MaxPooling2D(),",
        f'        layers.Conv2D({conv * 2}, 3, activation="relu", padding="same"),',
        "        layers.MaxPooling2D(),",
        "        layers.Flatten(),",
        f'        layers.Dense({dense}, activation="relu"),',
        '        layers.Dense(num_classes, activation="softmax"),',
        "    ])",
        '    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
        "    return model",
        "",
        "",
    ]


def keras_functional_block(i, rng):
    width = rng.choice([128, 256, 512])
    rate = rng.choice(["0.1", "0.2", "0.3"])
    lr = rng.choice(["1e-3", "3e-4", "1e-4"])
    return [
        f"def build_mlp_{i}(input_dim={rng.randrange(8, 512)}):",
        f'    """Functional-API regressor, variant {i}."""',
        "    inputs = keras.Input(shape=(input_dim,))",
        f'    x = layers.Dense({width}, activation="relu")(inputs)',
        f"    x = layers.Dropout({rate})(x)",
        f'    x = layers.Dense({width // 2}, activation="relu")(x)',
        "    x = layers.LayerNormalization()(x)",
        "    outputs = layers.Dense(1)(x)",
        f'    model = keras.Model(inputs, outputs, name="mlp_{i}")',
        "    model.compile(",
        f"        optimizer=keras.optimizers.Adam(learning_rate={lr}),",
        '        loss="mse",',
        '        metrics=["mae"],',
        "    )",
        "    return model",
        "",
        "",
    ]


def torch_module_block(i, rng):
    hidden = rng.choice([64, 128, 256])
    return [
        f"class Net{i}(nn.Module):",
        f'    """PyTorch classifier, variant {i}."""',
        "",
        f"    def __init__(self, in_features={rng.randrange(16, 1024)}, num_classes=10):",
        "        super().__init__()",
        "        self.features = nn.Sequential(",
        f"            nn.Linear(in_features, {hidden}),",
        "            nn.ReLU(),",
        f"            nn.Linear({hidden}, {hidden // 2}),",
        "            nn.ReLU(),",
        "        )",
        f"        self.head = nn.Linear({hidden // 2}, num_classes)",
        "",
        "    def forward(self, x):",
        "        x = self.features(x)",
        "        return self.head(x)",
        "",
        "",
    ]


def training_block(i, rng):
    return [
        f"def train_{i}(model, x_train, y_train, epochs={rng.choice([5, 10, 20, 50])}):",
        f'    """Fit model variant {i} with early stopping."""',
        '    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3)]',
        "    history = model.fit(",
        "        x_train,",
        "        y_train,",
        f"        batch_size={rng.choice([16, 32, 64, 128])},",
        "        epochs=epochs,",
        "        validation_split=0.1,",
        "        callbacks=callbacks,",
        "    )",
        '    return history.history["val_loss"][-1]',
        "",
        "",
        f"def evaluate_{i}(model, loader):",
        "    model.eval()",
        "    correct = 0",
        "    with torch.no_grad():",
        "        for xb, yb in loader:",
        "            correct += (model(xb).argmax(dim=1) == yb).sum().item()",
        "    return correct / len(loader.dataset)",
        "",
        "",
    ]


BLOCK_KINDS = [keras_sequential_block, keras_functional_block, torch_module_block, training_block]


def model_module(target_lines, rng):
    """Blocks of code (lists of lines) adding up to about `target_lines`."""
    blocks = []
    total = HEADER.count("\n")
    i = 0
    while total < target_lines:
        block = BLOCK_KINDS[i % len(BLOCK_KINDS)](i, rng)
        blocks.append(block)
        total += len(block)
        i += 1
    return blocks


def join(blocks):
    return HEADER + "\n".join(line for block in blocks for line in block).rstrip("\n") + "\n"


def line_index(block, needle):
    for n, line in enumerate(block):
        if needle in line:
            return n
    raise ValueError(f"generator bug: {needle!r} not in block")


def hidden_dense(block):
    """Index of the hidden `layers.Dense(..., activation="relu")` line."""
    return next(n for n, line in enumerate(block) if line.strip().startswith("layers.Dense(") and "relu" in line)


def sites(blocks, kind, count):
    """Indices of `count` blocks of `kind`, spread evenly over the module."""
    candidates = [n for n, block in enumerate(blocks) if block[0].startswith(kind)]
    step = max(1, len(candidates) // count)
    return candidates[::step][:count]


def clean_edits(blocks, count):
    """Ours edits training defaults in the first half, theirs adds a layer to
    PyTorch modules in the second half: never near each other."""
    ours, theirs = copy.deepcopy(blocks), copy.deepcopy(blocks)
    trains = sites(blocks, "def train_", 2 * count)
    nets = sites(blocks, "class Net", 2 * count)
    for n in trains[: max(1, len(trains) // 2)]:
        k = line_index(ours[n], "batch_size=")
        ours[n][k] = ours[n][k].split("=")[0] + "=256,"
        k = line_index(ours[n], "patience=3")
        ours[n][k] = ours[n][k].replace("patience=3", "patience=5")
    for n in nets[len(nets) // 2 :][:count]:
        k = line_index(theirs[n], "nn.ReLU(),")
        theirs[n].insert(k + 1, "            nn.Dropout(0.25),")
    return ours, theirs


def structured_edits(blocks, count):
    """Both sides insert a different layer after the same hidden Dense and
    change different keyword arguments of the same one-line compile()."""
    ours, theirs = copy.deepcopy(blocks), copy.deepcopy(blocks)
    for n in sites(blocks, "def build_cnn_", count):
        c = line_index(blocks[n], "model.compile(")
        ours[n][c] = ours[n][c].replace('optimizer="adam"', "optimizer=keras.optimizers.Adam(learning_rate=3e-4)")
        theirs[n][c] = theirs[n][c].replace('metrics=["accuracy"]', 'metrics=["accuracy", "top_k_categorical_accuracy"]')
        k = hidden_dense(blocks[n])
        ours[n].insert(k + 1, "        layers.Dropout(0.5),")
        theirs[n].insert(k + 1, "        layers.BatchNormalization(),")
    return ours, theirs


def python_cases(sizes):
    cases = []
    for size in sizes:
        rng = random.Random(f"{SEED}-py-{size}")
        blocks = model_module(size, rng)
        count = max(1, size // 1000)
        for scenario, edit in (("clean", clean_edits), ("structured", structured_edits)):
            ours, theirs = edit(blocks, count)
            cases.append(
                {
                    "name": f"py-{size}-{scenario}",
                    "kind": "python",
                    "scenario": scenario,
                    "ext": "py",
                    "sites": count,
                    "texts": (join(blocks), join(ours), join(theirs)),
                }
            )
    return cases


# Hostile inputs (issue 9) -----------------------------------------------------


def hostile_cases():
    """Inputs crafted to make a structured merge work hard; both end as git's
    line merge would, and the rows show the time and memory that takes.

    * `hostile-oneline`: a 5 MB one-line `Sequential([...])` of 300,000
      layers; ours changes layer 10, theirs layer 299,990 (one line, so git
      conflicts on it).
    * `hostile-45mb`: a generated 45 MB model module (about 1.5 million
      lines) with the `structured` edits at 30 sites: git conflicts at each,
      and the file is over the structured merge's size limit.
    """
    n = 300_000
    layers = [f"layers.Dense({i % 997 + 1})" for i in range(n)]
    head = "from tensorflow import keras\nfrom tensorflow.keras import layers\n\n"

    def one_line(items):
        return head + "model = keras.Sequential([" + ", ".join(items) + "])\n"

    ours, theirs = list(layers), list(layers)
    ours[10] = "layers.Dense(4096)"
    theirs[n - 10] = "layers.Dropout(0.5)"
    cases = [
        {
            "name": "hostile-oneline",
            "kind": "python",
            "scenario": "hostile",
            "ext": "py",
            "peer": False,
            "texts": (one_line(layers), one_line(ours), one_line(theirs)),
        }
    ]
    rng = random.Random(f"{SEED}-hostile-45mb")
    blocks = model_module(1_500_000, rng)
    ours_blocks, theirs_blocks = structured_edits(blocks, 30)
    cases.append(
        {
            "name": "hostile-45mb",
            "kind": "python",
            "scenario": "hostile",
            "ext": "py",
            "peer": False,
            "texts": (join(blocks), join(ours_blocks), join(theirs_blocks)),
        }
    )
    return cases


# Notebooks ------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_payload(rng, size):
    """Base64 of `size` pseudo-random bytes behind a PNG signature, written as
    Jupyter writes image/png outputs (one string, trailing newline)."""
    raw = PNG_MAGIC + rng.randbytes(max(0, size - len(PNG_MAGIC)))
    return base64.b64encode(raw).decode("ascii") + "\n"


def source_lines(text):
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def code_cell(i, rng, image_bytes, count):
    units = rng.choice([32, 64, 128, 256])
    src = "\n".join(
        [
            f"# Experiment {i}",
            "model = keras.Sequential([",
            f'    layers.Dense({units}, activation="relu"),',
            f"    layers.Dropout({rng.choice(['0.1', '0.2', '0.3'])}),",
            "    layers.Dense(10),",
            "])",
            f"history_{i} = model.fit(x_train, y_train, epochs={rng.choice([3, 5, 10])}, verbose=0)",
            f"plt.plot(history_{i}.history['loss'])",
        ]
    )
    outputs = [
        {
            "name": "stdout",
            "output_type": "stream",
            "text": [f"Epoch 1/5 - loss: {rng.random():.4f}\n", f"Epoch 5/5 - loss: {rng.random():.4f}\n"],
        }
    ]
    if image_bytes:
        outputs.append(
            {
                "data": {
                    "image/png": png_payload(rng, image_bytes),
                    "text/plain": ["<Figure size 640x480 with 1 Axes>"],
                },
                "metadata": {},
                "output_type": "display_data",
            }
        )
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {},
        "outputs": outputs,
        "source": source_lines(src),
    }


def markdown_cell(i, rng):
    return {
        "cell_type": "markdown",
        "metadata": {},
        "source": source_lines(f"## Step {i}\n\nTry {rng.choice(['a wider', 'a deeper', 'a regularised'])} model and plot its loss."),
    }


def notebook(cells):
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }


def dump(nb):
    """As Jupyter writes: one-space indent, sorted keys, non-ASCII kept, final newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def rerun(cells, rng, first, last, image_bytes, start_count):
    """Re-run code cells with index in [first, last): new counts and outputs."""
    count = start_count
    for n in range(first, last):
        cell = cells[n]
        if cell["cell_type"] != "code":
            continue
        fresh = code_cell(n, rng, image_bytes, count)
        cell["outputs"] = fresh["outputs"]
        cell["execution_count"] = count
        count += 1


def edit_source(cells, n, line):
    cells[n]["source"][-1] = cells[n]["source"][-1] + "\n"
    cells[n]["source"].append(line)


def notebook_cases(image_megabytes, cell_count=200):
    cases = []
    for megabytes in image_megabytes:
        rng = random.Random(f"{SEED}-nb-{megabytes}")
        code_count = cell_count // 2
        image_bytes = int(megabytes * 1_000_000 * 3 / 4 / code_count)
        cells = []
        for i in range(cell_count):
            if i % 2 == 0:
                cells.append(markdown_cell(i, rng))
            else:
                cells.append(code_cell(i, rng, image_bytes, i // 2 + 1))
        base = notebook(cells)
        for scenario, ours_range, theirs_range in (
            ("rerun", (20, 60), (120, 160)),
            ("rerun-overlap", (20, 100), (60, 140)),
        ):
            ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
            side_rng = random.Random(f"{SEED}-nb-{megabytes}-{scenario}")
            rerun(ours["cells"], side_rng, *ours_range, image_bytes, 101)
            rerun(theirs["cells"], side_rng, *theirs_range, image_bytes, 201)
            edit_source(ours["cells"], 5, "model.summary()")
            edit_source(theirs["cells"], 185, "model.save('model.keras')")
            cases.append(
                {
                    "name": f"nb-{megabytes}MB-{scenario}",
                    "kind": "notebook",
                    "scenario": scenario,
                    "ext": "ipynb",
                    "sites": 1,
                    "texts": (dump(base), dump(ours), dump(theirs)),
                }
            )
    return cases


def many_edit_cases(cell_count=1000):
    cases = []
    for scenario in ("many-edits", "many-edits-rerun"):
        rng = random.Random(f"{SEED}-many-{scenario}")
        cells = []
        for i in range(cell_count):
            cells.append(markdown_cell(i, rng) if i % 3 == 0 else code_cell(i, rng, 0, i + 1))
        base = notebook(cells)
        sides = []
        for side in ("ours", "theirs"):
            nb = copy.deepcopy(base)
            side_rng = random.Random(f"{SEED}-many-{scenario}-{side}")
            cs = nb["cells"]
            for n in side_rng.sample(range(cell_count), 60):
                src = cs[n]["source"]
                k = side_rng.randrange(len(src))
                src[k] = src[k].replace("Dense(", "Dense(2 * ", 1) if "Dense(" in src[k] else src[k].rstrip("\n") + f" # {side}" + ("\n" if src[k].endswith("\n") else "")
            for n in sorted(side_rng.sample(range(cell_count), 5), reverse=True):
                del cs[n]
            for _ in range(10):
                at = side_rng.randrange(len(cs))
                cs.insert(at, code_cell(at, side_rng, 0, None) if side_rng.random() < 0.5 else markdown_cell(at, side_rng))
            if scenario == "many-edits-rerun":
                rerun(cs, side_rng, 0, len(cs), 0, 1 if side == "ours" else 7)
            sides.append(nb)
        cases.append(
            {
                "name": f"nb-1000cells-{scenario}",
                "kind": "notebook",
                "scenario": scenario,
                "ext": "ipynb",
                "sites": 60,
                "texts": (dump(base), dump(sides[0]), dump(sides[1])),
            }
        )
    return cases


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = Path(argv[0])
    quick = "--quick" in argv
    sizes = [100, 3_000] if quick else [100, 3_000, 50_000]
    images = [1] if quick else [5, 20]
    hostile = [] if quick or "--no-hostile" in argv else hostile_cases()
    for case in python_cases(sizes) + notebook_cases(images) + many_edit_cases() + hostile:
        folder = out / case["name"]
        folder.mkdir(parents=True, exist_ok=True)
        for role, text in zip(("base", "ours", "theirs"), case["texts"]):
            (folder / f"{role}.{case['ext']}").write_text(text, encoding="utf-8", newline="")
        meta = {k: v for k, v in case.items() if k != "texts"}
        meta["lines"] = case["texts"][0].count("\n")
        meta["bytes"] = len(case["texts"][0].encode("utf-8"))
        (folder / "case.json").write_text(json.dumps(meta, indent=1) + "\n")
        print(f"{case['name']}: {meta['lines']} lines, {meta['bytes']} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
