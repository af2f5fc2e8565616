#!/usr/bin/env python3
"""Writes realistic ONNX models as backend test cases (model.onnx and
test_data_set_0/{input,output}_*.pb) for `nnvp check`, with reference
outputs computed here in float64 numpy, independently of nnvp; and, beside
each model, two scenarios for `nnvp run` at the model's own precision:
scenario.json (functional, inputs from test_data_set_0/input_*.npy) and
scenario_timing.json (timing, inputs from the .pb files).

  python3 tools/onnx_models/make_models.py OUT_DIR [PLATFORM.json]

PLATFORM.json (default: platform/configs/default.json of this checkout) is
the scenarios' platform.

Needs Debian's python3-onnx (and python3-numpy). Seeded: the same files on
every run. Models:
  transformer_block  one pre-norm encoder block (T=8, D=16, 2 heads, FFN 32)
                     in the form torch.onnx.export writes at opset 13:
                     LayerNorm decomposed (ReduceMean, Sub, Pow, Sqrt, Div),
                     heads split by Reshape / Transpose, scaled Q.K^T, Softmax,
                     Erf-based GELU, residual Adds.
  mobilenet_v3_block an inverted residual block as in MobileNetV3 (1x1
                     expand, HardSwish, depthwise 3x3, squeeze-excite with
                     ReduceMean and HardSigmoid, 1x1 project, residual) and a
                     classifier; two graph outputs: logits and the features.
  detection_head     a stride-2 conv, then back up by a ConvTranspose and a
                     nearest Resize, summed with the input; a sigmoid heatmap
                     and a box regression as two outputs.
  speech_lstm        a conv front end on a [batch, 1, time, 8] spectrogram
                     (batch and time symbolic in the model), the frames
                     reshaped through a Shape / Gather / Concat chain, an
                     LSTM over time and a classifier on its last state.
  gru_reset_first    a biased GRU with linear_before_reset = 1 (the form
                     PyTorch exports); outputs Y and Y_h.
  kws_cnn            a keyword-spotting CNN as tf2onnx writes Keras layers:
                     HardSwish as x * Clip(x + 3, 0, 6) / 6, a gate
                     x * HardSigmoid(x), a dilated MaxPool, global pooling, a
                     dense layer; LogSoftmax scores and the ArgMax class
                     (INT64) as two outputs.
  gpt_decoder_step   one decode step of a GPT-2-style decoder layer with its KV
                     cache as PyTorch exports it: embeddings gathered by
                     run-time token and position ids, past_key / past_value
                     in, present ones (Concat along the sequence) and the
                     next-token logits out.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    """Nodes, initializers and a numpy evaluation built side by side."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(self, op, ins, **attrs):
        self.count += 1
        out = f"{op.lower()}_{self.count}"
        self.nodes.append(helper.make_node(op, ins, [out], name=f"/{op}_{self.count}", **attrs))
        return out


def layer_norm(g, x, xv, d, rng, tag):
    gamma = (1 + 0.1 * rng.standard_normal(d)).astype(np.float32)
    beta = (0.1 * rng.standard_normal(d)).astype(np.float32)
    mean = g.node("ReduceMean", [x], axes=[-1])
    diff = g.node("Sub", [x, mean])
    sq = g.node("Pow", [diff, g.const(f"{tag}_two", np.float32(2.0))])
    var = g.node("ReduceMean", [sq], axes=[-1])
    std = g.node("Sqrt", [g.node("Add", [var, g.const(f"{tag}_eps", np.float32(1e-5))])])
    y = g.node("Add", [g.node("Mul", [g.node("Div", [diff, std]), g.const(f"{tag}_gamma", gamma)]),
                       g.const(f"{tag}_beta", beta)])
    m = xv.mean(-1, keepdims=True)
    v = ((xv - m) ** 2).mean(-1, keepdims=True)
    return y, (xv - m) / np.sqrt(v + 1e-5) * gamma + beta


def linear(g, x, xv, k, n, rng, tag):
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    b = (0.1 * rng.standard_normal(n)).astype(np.float32)
    y = g.node("Add", [g.node("MatMul", [x, g.const(f"{tag}_w", w)]), g.const(f"{tag}_b", b)])
    return y, xv @ w.astype(np.float64) + b


def gelu(g, x, xv):
    e = g.node("Erf", [g.node("Div", [x, g.const(f"{x}_sqrt2", np.float32(1.4142135381698608))])])
    y = g.node("Mul", [g.node("Mul", [x, g.node("Add", [e, g.const(f"{x}_one", np.float32(1.0))])]),
                       g.const(f"{x}_half", np.float32(0.5))])
    from math import erf
    return y, 0.5 * xv * (1 + np.vectorize(erf)(xv / np.sqrt(2)))


def feed_forward(g, x, xv, d, ffn, rng):
    """x + FFN(LayerNorm(x)) with an Erf GELU: a pre-norm block's second half."""
    ln, lnv = layer_norm(g, x, xv, d, rng, "ln2")
    h, hv = linear(g, ln, lnv, d, ffn, rng, "fc1")
    a, av = gelu(g, h, hv)
    f, fv = linear(g, a, av, ffn, d, rng, "fc2")
    return g.node("Add", [x, f]), xv + fv


def transformer_block(rng):
    t, d, heads, ffn = 8, 16, 2, 32
    hd = d // heads
    g = Graph()
    xv = rng.standard_normal((1, t, d)).astype(np.float32)
    x64 = xv.astype(np.float64)
    ln1, ln1v = layer_norm(g, "input", x64, d, rng, "ln1")
    split = g.const("heads_shape", np.array([1, t, heads, hd], dtype=np.int64))
    qkv = {}
    for name in "qkv":
        y, yv = linear(g, ln1, ln1v, d, d, rng, name)
        perm = [0, 2, 3, 1] if name == "k" else [0, 2, 1, 3]
        qkv[name] = (g.node("Transpose", [g.node("Reshape", [y, split])], perm=perm),
                     yv.reshape(1, t, heads, hd).transpose(perm))
    scores = g.node("Div", [g.node("MatMul", [qkv["q"][0], qkv["k"][0]]),
                            g.const("scale", np.float32(np.sqrt(hd)))])
    probs = g.node("Softmax", [scores], axis=-1)
    sv = qkv["q"][1] @ qkv["k"][1] / np.sqrt(hd)
    pv = np.exp(sv - sv.max(-1, keepdims=True))
    pv /= pv.sum(-1, keepdims=True)
    ctx = g.node("Reshape", [g.node("Transpose", [g.node("MatMul", [probs, qkv["v"][0]])],
                                    perm=[0, 2, 1, 3]),
                             g.const("merge_shape", np.array([1, t, d], dtype=np.int64))])
    ctxv = (pv @ qkv["v"][1]).transpose(0, 2, 1, 3).reshape(1, t, d)
    attn, attnv = linear(g, ctx, ctxv, d, d, rng, "o")
    out, outv = feed_forward(g, g.node("Add", ["input", attn]), x64 + attnv, d, ffn, rng)
    graph = helper.make_graph(
        g.nodes, "transformer_block",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, t, d])],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, t, d])], g.inits)
    return graph, [xv], outv.astype(np.float32)


def conv2d(x, w, b, pad, groups=1, stride=1):
    """NCHW convolution in float64."""
    n, c, h, wd = x.shape
    o, ci, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, o, oh, ow))
    per = o // groups
    for oc in range(o):
        g = oc // per
        xs = xp[:, g * ci:(g + 1) * ci]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
                y[:, oc] += np.einsum("nchw,c->nhw", patch, w[oc, :, i, j])
        y[:, oc] += b[oc]
    return y


def conv_transpose2d(x, w, b, stride):
    """NCHW transposed convolution, no padding: every input pixel scatters its kernel."""
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    y = np.zeros((n, o, (h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i in range(h):
        for j in range(wd):
            y[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw] += np.einsum(
                "nc,cokl->nokl", x[:, :, i, j], w)
    return y + b.reshape(1, o, 1, 1)


def hard_swish(v):
    return v * np.clip(v / 6 + 0.5, 0, 1)


def conv_node(g, x, xv, cin, cout, k, rng, tag, groups=1):
    w = (rng.standard_normal((cout, cin // groups, k, k)) / np.sqrt(cin // groups * k * k)).astype(np.float32)
    b = (0.1 * rng.standard_normal(cout)).astype(np.float32)
    y = g.node("Conv", [x, g.const(f"{tag}_w", w), g.const(f"{tag}_b", b)],
               kernel_shape=[k, k], pads=[k // 2] * 4, group=groups)
    return y, conv2d(xv, w.astype(np.float64), b, k // 2, groups)


def mobilenet_v3_block(rng):
    c, e, se, classes = 8, 16, 4, 10
    g = Graph()
    xv = rng.standard_normal((1, c, 8, 8)).astype(np.float32)
    x64 = xv.astype(np.float64)
    h, hv = conv_node(g, "input", x64, c, e, 1, rng, "expand")
    h, hv = g.node("HardSwish", [h]), hard_swish(hv)
    d, dv = conv_node(g, h, hv, e, e, 3, rng, "dw", groups=e)
    d, dv = g.node("HardSwish", [d]), hard_swish(dv)
    # Squeeze-excite: mean over H, W, two 1x1 convs, hard-sigmoid gate.
    m = g.node("ReduceMean", [d], axes=[2, 3], keepdims=1)
    mv = dv.mean(axis=(2, 3), keepdims=True)
    s1, s1v = conv_node(g, m, mv, e, se, 1, rng, "se1")
    s1, s1v = g.node("Relu", [s1]), np.maximum(s1v, 0)
    s2, s2v = conv_node(g, s1, s1v, se, e, 1, rng, "se2")
    gate = g.node("HardSigmoid", [s2], alpha=1.0 / 6, beta=0.5)
    gv = np.clip(s2v * np.float32(1.0 / 6) + 0.5, 0, 1)
    d, dv = g.node("Mul", [d, gate]), dv * gv
    p, pv = conv_node(g, d, dv, e, c, 1, rng, "project")
    features = g.node("Add", ["input", p])
    fv = x64 + pv
    pooled = g.node("Flatten", [g.node("GlobalAveragePool", [features])], axis=1)
    w = (rng.standard_normal((classes, c)) / np.sqrt(c)).astype(np.float32)
    b = (0.1 * rng.standard_normal(classes)).astype(np.float32)
    logits = g.node("Gemm", [pooled, g.const("fc_w", w), g.const("fc_b", b)], transB=1)
    lv = fv.mean(axis=(2, 3)) @ w.T.astype(np.float64) + b
    graph = helper.make_graph(
        g.nodes, "mobilenet_v3_block",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, 8, 8])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, [1, classes]),
         helper.make_tensor_value_info(features, TensorProto.FLOAT, [1, c, 8, 8])], g.inits)
    return graph, [xv], [lv.astype(np.float32), fv.astype(np.float32)]


def detection_head(rng):
    c = 8
    g = Graph()
    xv = rng.standard_normal((1, c, 8, 8)).astype(np.float32)
    x64 = xv.astype(np.float64)
    # Downsample (stride-2 conv), then two ways back up: a learned 2x2
    # ConvTranspose and a nearest Resize of a 1x1 projection, summed.
    w = (rng.standard_normal((16, c, 3, 3)) / np.sqrt(c * 9)).astype(np.float32)
    bb = (0.1 * rng.standard_normal(16)).astype(np.float32)
    down = g.node("Relu", [g.node("Conv", ["input", g.const("down_w", w), g.const("down_b", bb)],
                                  kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])])
    dv = np.maximum(conv2d(x64, w.astype(np.float64), bb, 1, stride=2), 0)
    wt = (rng.standard_normal((16, c, 2, 2)) / np.sqrt(16 * 4)).astype(np.float32)
    bt = (0.1 * rng.standard_normal(c)).astype(np.float32)
    up = g.node("ConvTranspose", [down, g.const("up_w", wt), g.const("up_b", bt)],
                kernel_shape=[2, 2], strides=[2, 2])
    uv = conv_transpose2d(dv, wt.astype(np.float64), bt, 2)
    p, pv = conv_node(g, down, dv, 16, c, 1, rng, "lateral")
    scales = g.const("scales", np.array([1, 1, 2, 2], dtype=np.float32))
    r = g.node("Resize", [p, "", scales], mode="nearest")
    rv = pv.repeat(2, axis=2).repeat(2, axis=3)  # nearest, half_pixel, x2: each pixel twice
    fused = g.node("Add", [g.node("Add", [up, r]), "input"])
    fv = uv + rv + x64
    heat, hv = conv_node(g, fused, fv, c, 2, 1, rng, "heat")
    heat, hv = g.node("Sigmoid", [heat]), 1 / (1 + np.exp(-hv))
    box, bv = conv_node(g, fused, fv, c, 4, 1, rng, "box")
    graph = helper.make_graph(
        g.nodes, "detection_head",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, 8, 8])],
        [helper.make_tensor_value_info(heat, TensorProto.FLOAT, [1, 2, 8, 8]),
         helper.make_tensor_value_info(box, TensorProto.FLOAT, [1, 4, 8, 8])], g.inits)
    return graph, [xv], [hv.astype(np.float32), bv.astype(np.float32)]


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def speech_lstm(rng):
    """Conv front end and an LSTM over time, with symbolic batch and time."""
    t, f, c, hidden, classes = 6, 8, 4, 16, 5
    g = Graph()
    xv = rng.standard_normal((1, 1, t, f)).astype(np.float32)
    conv, cv = conv_node(g, "input", xv.astype(np.float64), 1, c, 3, rng, "conv")
    conv, cv = g.node("Relu", [conv]), np.maximum(cv, 0)
    # [B, C, T, F] -> [T, B, C, F] -> [T, B, C*F]: the target shape computed
    # from Shape as torch.onnx.export writes x.permute(2, 0, 1, 3).reshape(T, B, -1).
    seq = g.node("Transpose", [conv], perm=[2, 0, 1, 3])
    shape = g.node("Shape", [seq])
    dims = [g.node("Unsqueeze", [g.node("Gather", [shape, g.const(f"i{k}", np.int64(k))], axis=0),
                                 g.const(f"ax{k}", np.array([0], dtype=np.int64))]) for k in (0, 1)]
    target = g.node("Concat", dims + [g.const("minus1", np.array([-1], dtype=np.int64))], axis=0)
    frames = g.node("Reshape", [seq, target])
    fv = cv.transpose(2, 0, 1, 3).reshape(t, 1, c * f)
    w = (rng.standard_normal((1, 4 * hidden, c * f)) / np.sqrt(c * f)).astype(np.float32)
    r = (rng.standard_normal((1, 4 * hidden, hidden)) / np.sqrt(hidden)).astype(np.float32)
    bias = (0.1 * rng.standard_normal((1, 8 * hidden))).astype(np.float32)
    lstm = helper.make_node("LSTM", [frames, g.const("W", w), g.const("R", r), g.const("B", bias)],
                            ["lstm_y", "lstm_h"], name="/LSTM", hidden_size=hidden)
    g.nodes.append(lstm)
    last = g.node("Squeeze", ["lstm_h", g.const("ax_dir", np.array([0], dtype=np.int64))])
    h = np.zeros((1, hidden))
    cell = np.zeros((1, hidden))
    w64, r64, b64 = w[0].astype(np.float64), r[0].astype(np.float64), bias[0].astype(np.float64)
    for step in range(t):
        gates = fv[step] @ w64.T + h @ r64.T + b64[:4 * hidden] + b64[4 * hidden:]
        i, o, fg, cc = np.split(gates, 4, axis=1)  # ONNX order: i, o, f, c
        cell = sigmoid(fg) * cell + sigmoid(i) * np.tanh(cc)
        h = sigmoid(o) * np.tanh(cell)
    wc = (rng.standard_normal((classes, hidden)) / np.sqrt(hidden)).astype(np.float32)
    bc = (0.1 * rng.standard_normal(classes)).astype(np.float32)
    logits = g.node("Gemm", [last, g.const("fc_w", wc), g.const("fc_b", bc)], transB=1)
    lv = h @ wc.T.astype(np.float64) + bc
    graph = helper.make_graph(
        g.nodes, "speech_lstm",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, "time", f])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["batch", classes])], g.inits)
    return graph, [xv], [lv.astype(np.float32)]


def gru_reset_first(rng):
    """A GRU with linear_before_reset = 1 (the cuDNN form PyTorch exports), biased."""
    t, batch, inp, hidden = 4, 2, 3, 5
    xv = rng.standard_normal((t, batch, inp)).astype(np.float32)
    w = (rng.standard_normal((1, 3 * hidden, inp)) / np.sqrt(inp)).astype(np.float32)
    r = (rng.standard_normal((1, 3 * hidden, hidden)) / np.sqrt(hidden)).astype(np.float32)
    bias = (0.3 * rng.standard_normal((1, 6 * hidden))).astype(np.float32)
    g = Graph()
    node = helper.make_node("GRU", ["input", g.const("W", w), g.const("R", r), g.const("B", bias)],
                            ["Y", "Y_h"], name="/GRU", hidden_size=hidden, linear_before_reset=1)
    g.nodes.append(node)
    w64, r64, b64 = w[0].astype(np.float64), r[0].astype(np.float64), bias[0].astype(np.float64)
    wb, rb = np.split(b64, 2)
    h = np.zeros((batch, hidden))
    ys = []
    for step in range(t):
        xz, xr, xh = np.split(xv[step] @ w64.T + wb, 3, axis=1)
        hz, hr, hh = np.split(h @ r64.T + rb, 3, axis=1)
        z, rr = sigmoid(xz + hz), sigmoid(xr + hr)
        cand = np.tanh(xh + rr * hh)
        h = (1 - z) * cand + z * h
        ys.append(h)
    yv = np.stack(ys)[:, None]  # [seq, 1, batch, hidden]
    graph = helper.make_graph(
        g.nodes, "gru_reset_first",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [t, batch, inp])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [t, 1, batch, hidden]),
         helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, batch, hidden])], g.inits)
    return graph, [xv], [yv.astype(np.float32), h[None].astype(np.float32)]


def maxpool_dilated(x, k, d):
    """MaxPool k x k, dilation d, stride 1, no padding, on [N, C, H, W]."""
    n, c, h, w = x.shape
    eff = d * (k - 1) + 1
    out = np.full((n, c, h - eff + 1, w - eff + 1), -np.inf)
    for i in range(k):
        for j in range(k):
            out = np.maximum(out, x[:, :, i * d:i * d + out.shape[2], j * d:j * d + out.shape[3]])
    return out


def kws_cnn(rng):
    """A keyword-spotting CNN in the form tf2onnx writes Keras layers: HardSwish
    decomposed as x * Clip(x + 3, 0, 6) / 6, a squeeze-excite gate as
    x * HardSigmoid(x) (alpha 1/6), a dilated MaxPool, global pooling, a dense
    layer, and two outputs: LogSoftmax scores and the ArgMax class (INT64)."""
    c1, c2, classes = 8, 12, 6
    g = Graph()
    xv = rng.standard_normal((1, 1, 20, 16)).astype(np.float32)
    h, hv = conv_node(g, "input", xv.astype(np.float64), 1, c1, 3, rng, "conv1")
    a = g.node("Add", [h, g.const("three", np.float32(3))])
    clip = g.node("Clip", [a, g.const("zero", np.float32(0)), g.const("six", np.float32(6))])
    h = g.node("Div", [g.node("Mul", [h, clip]), g.const("six_d", np.float32(6))])
    hv = hard_swish(hv)
    h, hv = g.node("MaxPool", [h], kernel_shape=[2, 2], dilations=[2, 2]), maxpool_dilated(hv, 2, 2)
    h, hv = conv_node(g, h, hv, c1, c2, 3, rng, "conv2")
    gate = g.node("HardSigmoid", [h], alpha=1.0 / 6, beta=0.5)
    h, hv = g.node("Mul", [h, gate]), hard_swish(hv)
    h, hv = g.node("GlobalAveragePool", [h]), hv.mean(axis=(2, 3), keepdims=True)
    h, hv = g.node("Flatten", [h]), hv.reshape(1, c2)
    w = (rng.standard_normal((classes, c2)) / np.sqrt(c2)).astype(np.float32)
    b = (0.1 * rng.standard_normal(classes)).astype(np.float32)
    logits = g.node("Gemm", [h, g.const("fc_w", w), g.const("fc_b", b)], transB=1)
    lv = hv @ w.astype(np.float64).T + b
    scores = g.node("LogSoftmax", [logits], axis=1)
    sv = lv - lv.max(axis=1, keepdims=True)
    sv = sv - np.log(np.exp(sv).sum(axis=1, keepdims=True))
    cls = g.node("ArgMax", [logits], axis=1, keepdims=0)
    graph = helper.make_graph(
        g.nodes, "kws_cnn",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 20, 16])],
        [helper.make_tensor_value_info(scores, TensorProto.FLOAT, [1, classes]),
         helper.make_tensor_value_info(cls, TensorProto.INT64, [1])], g.inits)
    return graph, [xv], [sv.astype(np.float32), lv.argmax(axis=1).astype(np.int64)]


def gpt_decoder_step(rng):
    """One decode step of a GPT-2-style decoder (one layer) as torch.onnx.export
    writes it with a KV cache: token and position embeddings looked up by
    run-time ids, past keys / values in, present ones (past + this token)
    out, and the next-token logits."""
    vocab, d, heads, past, ffn = 32, 16, 2, 7, 32
    hd = d // heads
    g = Graph()
    ids = np.array([[5]], dtype=np.int64)
    pos = np.array([[past]], dtype=np.int64)
    pk = rng.standard_normal((1, heads, past, hd)).astype(np.float32)
    pv = rng.standard_normal((1, heads, past, hd)).astype(np.float32)
    wte = (0.5 * rng.standard_normal((vocab, d))).astype(np.float32)
    wpe = (0.1 * rng.standard_normal((past + 1, d))).astype(np.float32)
    x = g.node("Add", [g.node("Gather", [g.const("wte", wte), "input_ids"]),
                       g.node("Gather", [g.const("wpe", wpe), "position_ids"])])
    xv = wte[ids].astype(np.float64) + wpe[pos]
    ln1, ln1v = layer_norm(g, x, xv, d, rng, "ln1")
    split = g.const("heads_shape", np.array([1, 1, heads, hd], dtype=np.int64))
    qkv = {}
    for name in "qkv":
        y, yv = linear(g, ln1, ln1v, d, d, rng, name)
        qkv[name] = (g.node("Transpose", [g.node("Reshape", [y, split])], perm=[0, 2, 1, 3]),
                     yv.reshape(1, 1, heads, hd).transpose(0, 2, 1, 3))
    present_k = g.node("Concat", ["past_key", qkv["k"][0]], axis=2)
    present_v = g.node("Concat", ["past_value", qkv["v"][0]], axis=2)
    kv = np.concatenate([pk.astype(np.float64), qkv["k"][1]], axis=2)
    vv = np.concatenate([pv.astype(np.float64), qkv["v"][1]], axis=2)
    kt = g.node("Transpose", [present_k], perm=[0, 1, 3, 2])
    scores = g.node("Div", [g.node("MatMul", [qkv["q"][0], kt]),
                            g.const("scale", np.float32(np.sqrt(hd)))])
    probs = g.node("Softmax", [scores], axis=-1)
    sv = qkv["q"][1] @ kv.transpose(0, 1, 3, 2) / np.sqrt(hd)
    p = np.exp(sv - sv.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    ctx = g.node("Reshape", [g.node("Transpose", [g.node("MatMul", [probs, present_v])],
                                    perm=[0, 2, 1, 3]),
                             g.const("merge_shape", np.array([1, 1, d], dtype=np.int64))])
    ctxv = (p @ vv).transpose(0, 2, 1, 3).reshape(1, 1, d)
    attn, attnv = linear(g, ctx, ctxv, d, d, rng, "o")
    res2, res2v = feed_forward(g, g.node("Add", [x, attn]), xv + attnv, d, ffn, rng)
    lnf, lnfv = layer_norm(g, res2, res2v, d, rng, "lnf")
    head = (rng.standard_normal((d, vocab)) / np.sqrt(d)).astype(np.float32)
    logits = g.node("MatMul", [lnf, g.const("lm_head", head)])
    cache = [1, heads, past, hd]
    graph = helper.make_graph(
        g.nodes, "gpt_decoder_step",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, 1]),
         helper.make_tensor_value_info("position_ids", TensorProto.INT64, [1, 1]),
         helper.make_tensor_value_info("past_key", TensorProto.FLOAT, cache),
         helper.make_tensor_value_info("past_value", TensorProto.FLOAT, cache)],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, [1, 1, vocab]),
         helper.make_tensor_value_info(present_k, TensorProto.FLOAT, [1, heads, past + 1, hd]),
         helper.make_tensor_value_info(present_v, TensorProto.FLOAT, [1, heads, past + 1, hd])],
        g.inits)
    outs = [lnfv @ head.astype(np.float64), kv, vv]
    return graph, [ids, pos, pk, pv], [o.astype(np.float32) for o in outs]


def write_scenarios(case, name, graph, platform):
    """A functional and a timing scenario running the model on the SoC."""
    rel = os.path.relpath(os.path.abspath(platform), case)
    for mode, ext, suffix in (("functional", "npy", ""), ("timing", "pb", "_timing")):
        inputs = {vi.name: f"test_data_set_0/input_{i}.{ext}" for i, vi in enumerate(graph.input)}
        scenario = {
            "name": f"{name}{suffix}",
            "description": f"the {name} ONNX model at its own fp32 types, {mode} mode, "
                           f"inputs from {ext} files (tools/onnx_models/make_models.py)",
            "platform": rel,
            "mode": mode,
            "workload": {"network": "model.onnx", "precision": "fp32", "inputs": inputs,
                         "inferences": 2},
        }
        with open(os.path.join(case, f"scenario{suffix}.json"), "w") as f:
            json.dump(scenario, f, indent=2)


def write_case(out_dir, name, graph, inputs, outputs, opset=13, platform=None):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="nnvp tools/onnx_models")
    onnx.checker.check_model(model)
    case = os.path.join(out_dir, name)
    os.makedirs(os.path.join(case, "test_data_set_0"), exist_ok=True)
    onnx.save(model, os.path.join(case, "model.onnx"))
    for i, (value, vi) in enumerate(zip(inputs, graph.input)):
        t = numpy_helper.from_array(value, vi.name)
        with open(os.path.join(case, "test_data_set_0", f"input_{i}.pb"), "wb") as f:
            f.write(t.SerializeToString())
        np.save(os.path.join(case, "test_data_set_0", f"input_{i}.npy"), value)
    for i, (value, vi) in enumerate(zip(outputs, graph.output)):
        t = numpy_helper.from_array(value, vi.name)
        with open(os.path.join(case, "test_data_set_0", f"output_{i}.pb"), "wb") as f:
            f.write(t.SerializeToString())
    write_scenarios(case, name, graph, platform)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: make_models.py OUT_DIR [PLATFORM.json]")
    here = os.path.dirname(os.path.abspath(__file__))
    platform = sys.argv[2] if len(sys.argv) == 3 else os.path.join(
        here, "..", "..", "platform", "configs", "default.json")
    graph, ins, out = transformer_block(np.random.default_rng(2026))
    write_case(sys.argv[1], "transformer_block", graph, ins, [out], platform=platform)
    graph, ins, outs = mobilenet_v3_block(np.random.default_rng(2027))
    # HardSwish needs opset 14.
    write_case(sys.argv[1], "mobilenet_v3_block", graph, ins, outs, opset=14, platform=platform)
    graph, ins, outs = detection_head(np.random.default_rng(2028))
    write_case(sys.argv[1], "detection_head", graph, ins, outs, platform=platform)
    graph, ins, outs = speech_lstm(np.random.default_rng(2029))
    write_case(sys.argv[1], "speech_lstm", graph, ins, outs, platform=platform)
    graph, ins, outs = gru_reset_first(np.random.default_rng(2030))
    write_case(sys.argv[1], "gru_reset_first", graph, ins, outs, platform=platform)
    graph, ins, outs = kws_cnn(np.random.default_rng(2031))
    write_case(sys.argv[1], "kws_cnn", graph, ins, outs, platform=platform)
    graph, ins, outs = gpt_decoder_step(np.random.default_rng(2032))
    write_case(sys.argv[1], "gpt_decoder_step", graph, ins, outs, platform=platform)


if __name__ == "__main__":
    main()
