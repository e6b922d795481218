"""Drawing a synthetic photo: analytic shapes, light and noise, to the last bit.

The face is drawn analytically: soft ellipses and smooth blobs for head, hair,
eyes, brows, nose shading and mouth, multiplied by a reflectance and a
lit-ellipsoid shading, plus noise, quantised to 8 bits like a camera. The
rendering uses only addition, multiplication, division, square roots,
rounding, minimum and maximum, which IEEE 754 defines to the last bit, so the
same seed gives the same pixels on any machine that gives the same random
numbers. It runs in :data:`THREADS` threads, block by block; no pixel depends
on the blocks.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..._validation import check_array
from .features import (
    _AMBIENT,
    _BACKGROUND,
    _F,
    _GAIN,
    _LIGHT_FROM_ABOVE,
    _Z_MAX,
    _ZOOM,
    FEATURES,
    IMAGE_SIZE,
    N_FEATURES,
    Nuisance,
    _check_count,
    _check_seed,
)
from .identities import _DOMAIN_PHOTO, _N_NORMAL_DRAWS, _N_NUISANCE_DRAWS, _generator

__all__ = ["THREADS", "render"]


_C = (IMAGE_SIZE - 1) / 2


_XS = np.arange(IMAGE_SIZE, dtype=np.float64) - _C     # column positions, px


_YS = _XS.copy()                                        # row positions, px


_XY32 = (_YS[:, None] * _XS[None, :]).astype(np.float32)


_BLOCK = 128          # faces rendered together: arrays stay in the CPU cache


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: Threads used to render (at most 4, at most the CPUs this process may use).
#: Set ``facelab.synth.THREADS = 1`` to render in the calling thread only; no
#: pixel depends on it.
THREADS = min(4, _available_cpus())


def _saturate(z: np.ndarray) -> np.ndarray:
    # z / (1 + (z/Z)^4)^(1/4): linear near 0, bounded by +-Z, exact arithmetic.
    r = z / _Z_MAX
    r2 = r * r
    return z / np.sqrt(np.sqrt(1.0 + r2 * r2))


def _features_to_units(z: np.ndarray) -> np.ndarray:
    base = np.array([f.base for f in FEATURES])
    per_sd = np.array([f.per_sd for f in FEATURES])
    return base + per_sd * _saturate(z)


class _Frame:
    """Per-face affine map from image to face coordinates: f = M p + m."""

    def __init__(self, cos, sin, scale, tx, ty):
        self.m00 = cos / scale
        self.m01 = sin / scale
        self.m10 = -sin / scale
        self.m11 = cos / scale
        self.m0 = -(self.m00 * tx + self.m01 * ty)
        self.m1 = -(self.m10 * tx + self.m11 * ty)

    def affine(self, au, av, a0):
        """Affine form au*u + av*v + a0 of face coordinates, in image coordinates."""
        return (au * self.m00 + av * self.m10,
                au * self.m01 + av * self.m11,
                au * self.m0 + av * self.m1 + a0)


class _Quad:
    """q(x, y) = axx x^2 + axy xy + ayy y^2 + bx x + by y + c, one per face."""

    def __init__(self, axx, axy, ayy, bx, by, c, support=None):
        self.axx, self.axy, self.ayy, self.bx, self.by, self.c = axx, axy, ayy, bx, by, c
        self.support = support  # (x0, y0, ex, ey): centre and half-extent, or None

    def window(self) -> tuple[slice, slice]:
        if self.support is None:
            return slice(0, IMAGE_SIZE), slice(0, IMAGE_SIZE)
        x0, y0, ex, ey = self.support
        # One pixel of margin: outside its support a primitive is exactly 0,
        # so the window changes the work done, never the result.
        c0 = int(np.clip(np.floor(np.min(x0 - ex) + _C) - 1, 0, IMAGE_SIZE))
        c1 = int(np.clip(np.ceil(np.max(x0 + ex) + _C) + 2, 0, IMAGE_SIZE))
        r0 = int(np.clip(np.floor(np.min(y0 - ey) + _C) - 1, 0, IMAGE_SIZE))
        r1 = int(np.clip(np.ceil(np.max(y0 + ey) + _C) + 2, 0, IMAGE_SIZE))
        return slice(r0, max(r0, r1)), slice(c0, max(c0, c1))

    def evaluate(self, rows: slice, cols: slice) -> np.ndarray:
        ys, xs = _YS[rows], _XS[cols]
        row = self.ayy[:, None] * (ys * ys) + self.by[:, None] * ys + self.c[:, None]
        row = row.astype(np.float32)
        col = (self.axx[:, None] * (xs * xs) + self.bx[:, None] * xs).astype(np.float32)
        q = self.axy.astype(np.float32)[:, None, None] * _XY32[rows, cols]
        q += row[:, :, None]
        q += col[:, None, :]
        return q


def _sum_of_squares(forms, qmax=None) -> _Quad:
    """q = sum of (alpha x + beta y + gamma)^2 over the given affine forms."""
    axx = axy = ayy = bx = by = c = 0.0
    for al, be, ga in forms:
        axx = axx + al * al
        axy = axy + 2.0 * al * be
        ayy = ayy + be * be
        bx = bx + 2.0 * al * ga
        by = by + 2.0 * be * ga
        c = c + ga * ga
    support = None
    if qmax is not None and len(forms) == 2:
        (a1, b1, g1), (a2, b2, g2) = forms
        det = a1 * b2 - a2 * b1
        # Centre: both forms zero. Half-extent: sqrt(qmax) times the rows of
        # the inverse map's norm.
        x0 = (b1 * g2 - b2 * g1) / det
        y0 = (a2 * g1 - a1 * g2) / det
        r = np.sqrt(qmax)
        ex = r * np.sqrt(b2 * b2 + b1 * b1) / np.abs(det)
        ey = r * np.sqrt(a2 * a2 + a1 * a1) / np.abs(det)
        support = (x0, y0, ex, ey)
    return _Quad(axx, axy, ayy, bx, by, c, support)


def _ellipse(frame: _Frame, cx, cy, a, b, cos=None, sin=None, qmax=None) -> _Quad:
    """Ellipse of half-axes (a, b) centred at (cx, cy) of the face frame,
    turned by the angle with the given cosine and sine; q = 1 on its rim."""
    if cos is None:
        forms = [frame.affine(1.0 / a, 0.0, -cx / a), frame.affine(0.0, 1.0 / b, -cy / b)]
    else:
        forms = [frame.affine(cos / a, sin / a, -(cos * cx + sin * cy) / a),
                 frame.affine(-sin / b, cos / b, (sin * cx - cos * cy) / b)]
    return _sum_of_squares(forms, qmax)


def _arc(frame: _Frame, h, kappa, width, u0) -> _Quad:
    """s = (h + kappa (u - u0)^2 - v) / width: positive above an arched line."""
    r = np.sqrt(kappa / width)
    al, be, ga = frame.affine(r, 0.0, -r * u0)
    la, lb, lc = frame.affine(0.0, -1.0 / width, h / width)
    return _Quad(al * al, 2.0 * al * be, be * be, 2.0 * al * ga + la, 2.0 * be * ga + lb,
                 ga * ga + lc)


def _edge_k(a, width):
    # Steepness of a smoothstep rim: transition `width` pixels wide on an
    # ellipse whose typical half-axis is `a` (q changes by 2/a per pixel).
    return np.asarray(a / (2.0 * width), dtype=np.float64)


def _fill_qmax(k):
    # _fill is exactly 0 beyond q = 1 + 0.5 / k.
    return 1.0 + 0.5 / k


def _fill(q: np.ndarray, k) -> np.ndarray:
    """Soft inside-indicator: 1 well inside (q < 1), 0 outside, linear rim.

    Computed in place of ``q``. (A smoothstep rim looks no different at this
    resolution and costs twice as much.)
    """
    k32 = _col(k)
    q *= -k32
    q += k32 + np.float32(0.5)
    np.clip(q, 0, 1, out=q)
    return q


def _union_into(mask: np.ndarray, quad: _Quad, k) -> None:
    """mask = max(mask, _fill(quad)), computed only inside the quad's window."""
    rows, cols = quad.window()
    view = mask[:, rows, cols]
    np.maximum(view, _fill(quad.evaluate(rows, cols), k), out=view)


def _blob(q: np.ndarray) -> np.ndarray:
    """Smooth bump (1 - q)^2 inside q < 1, exactly 0 outside."""
    b = np.float32(1) - q
    np.clip(b, 0, None, out=b)
    b *= b
    return b


def _col(x) -> np.ndarray:
    a = np.asarray(x, dtype=np.float32)
    return a[:, None, None] if a.ndim else a


def _rotation(t):
    # Rotation by the angle whose half-angle tangent is t: cos and sin by
    # rational functions, so no trigonometric function is needed.
    d = 1.0 + t * t
    return (1.0 - t * t) / d, 2.0 * t / d


def _deg_to_t(deg):
    # tan(angle / 2) for small angles.
    return np.asarray(deg) * (np.pi / 360.0)


def _render_block(units: np.ndarray, draws: np.ndarray, noise: np.ndarray,
                  nuisance: Nuisance) -> np.ndarray:
    """Render faces from feature values (pixel units) and nuisance draws.

    units : (n, N_FEATURES) float64, draws : (n, _N_NUISANCE_DRAWS) float64
    (standard normals clipped at 3, then two uniforms), noise : (n, 64, 64)
    float32 uniform in [0, 1). Returns (n, 64, 64) float32 in [0, 1].
    """
    nu = nuisance
    u = {name: units[:, k] for name, k in _F.items()}
    # Columns of draws: 0-1 shift, 2 rotation, 3 scale, 4 yaw, 5 pitch,
    # 6 mouth corners, 7 eye opening, 8-9 light direction, 10 ambient,
    # 11 exposure, 12 backdrop (standard normals); 13 blur, 14 smile (uniform).
    d = draws

    # --- pose ------------------------------------------------------------
    cos, sin = _rotation(_deg_to_t(nu.rotation_deg * d[:, 2]))
    scale = _ZOOM * (1.0 + nu.scale * d[:, 3])
    tx, ty = nu.shift_px * d[:, 0], nu.shift_px * d[:, 1]
    frame = _Frame(cos, sin, scale, tx, ty)
    yaw = nu.yaw_px * d[:, 4]
    pitch = nu.pitch_px * d[:, 5]
    blur = nu.blur_px * d[:, 13]

    def soft(w):  # edge width after blurring, px
        return np.sqrt(w * w + blur * blur)

    def blob_radius(r):  # (1-q)^2 blobs have sigma = r / sqrt(8)
        return np.sqrt(r * r + 8.0 * blur * blur)

    # --- lighting --------------------------------------------------------
    lx = nu.light_side * d[:, 8]
    ly = -_LIGHT_FROM_ABOVE + nu.light_vertical * d[:, 9]
    norm = np.sqrt(lx * lx + ly * ly + 1.0)
    lx, ly, lz = lx / norm, ly / norm, 1.0 / norm
    ambient = np.clip(_AMBIENT + nu.ambient * d[:, 10], 0.05, 0.95)
    gain = _GAIN * (1.0 + nu.exposure * d[:, 11])
    backdrop = np.clip(_BACKGROUND + nu.background * d[:, 12], 0.0, 1.0)

    skin = u["skin_reflectance"]
    hair = u["hair_darkness"]
    W = u["face_width"]
    chin = u["face_length"]
    full = (slice(0, IMAGE_SIZE), slice(0, IMAGE_SIZE))

    # --- head silhouette: cranium, jaw and ears; the neck below -------------
    head_x = -0.3 * yaw   # the outline moves a little against a turn
    k = _edge_k(W, soft(1.2))
    head = _fill(_ellipse(frame, head_x, -8.0, W, 27.0).evaluate(*full), k)
    jaw_w = u["jaw_width"]
    k = _edge_k(jaw_w, soft(1.2))
    _union_into(head, _ellipse(frame, head_x, 8.0, jaw_w, chin - 8.0, qmax=_fill_qmax(k)), k)
    ear_y = u["eye_height"] + 6.0
    k = _edge_k(3.0, soft(1.0))
    for side in (-1.0, 1.0):
        ear = _ellipse(frame, side * (W + 0.3) + head_x, ear_y, 2.8, 6.5, qmax=_fill_qmax(k))
        _union_into(head, ear, k)

    # --- reflectance: skin, neck (in shadow), then hair ------------------------
    # fg marks the lit solid (head, neck, hair) against the evenly lit backdrop.
    albedo = head * _col(skin - backdrop)
    albedo += _col(backdrop)
    fg = head
    k = _edge_k(0.62 * jaw_w, soft(1.5))
    rows, cols = (quad := _ellipse(frame, head_x, chin + 8.0, 0.62 * jaw_w, 16.0,
                                   qmax=_fill_qmax(k))).window()
    neck = _fill(quad.evaluate(rows, cols), k)
    neck *= np.float32(1) - fg[:, rows, cols]
    view = albedo[:, rows, cols]
    view += (_col(0.55 * skin) - view) * neck
    fg[:, rows, cols] += neck
    del neck

    # Hair: a cap above an arched hairline v < h + kappa u^2 (it drops at the
    # temples), computed only in the rows above the hairline's lowest point.
    hl = u["hairline_height"] + 0.5 * pitch
    kappa = 0.018
    w_hl = soft(2.0)
    k = _edge_k(W, soft(1.5))
    cap = _ellipse(frame, head_x, -10.0, W + 2.5, 30.0, qmax=_fill_qmax(k))
    rows, cols = cap.window()
    reach = (W + 2.5) * np.sqrt(_fill_qmax(k))   # the cap's half-width, rim included
    v_low = hl + kappa * reach * reach + 0.5 * w_hl
    y_low = ty + scale * (np.abs(sin) * (reach + np.abs(head_x)) + cos * v_low)
    rows = slice(rows.start, max(rows.start, min(rows.stop, int(np.ceil(np.max(y_low) + _C)) + 2)))
    hair_mask = _fill(cap.evaluate(rows, cols), k)
    above = _arc(frame, hl, kappa, w_hl, head_x).evaluate(rows, cols)
    above += np.float32(0.5)
    np.clip(above, 0, 1, out=above)
    hair_mask *= above
    del above
    view = albedo[:, rows, cols]
    view += (_col(hair) - view) * hair_mask
    view = fg[:, rows, cols]
    np.maximum(view, hair_mask, out=view)
    del hair_mask

    def darken(quad: _Quad, amount, kind="blob", k=None, target=None):
        # Multiply the reflectance by (1 - amount * m), or, given a target,
        # mix it towards the target by amount * m, where m is the blob or
        # the fill of the quad: only inside the quad's window.
        rows, cols = quad.window()
        q = quad.evaluate(rows, cols)
        m = _blob(q) if kind == "blob" else _fill(q, k)
        m *= _col(amount)
        view = albedo[:, rows, cols]
        if target is None:
            view *= np.float32(1) - m
        else:
            view += (_col(target) - view) * m

    # --- eyes, brows -------------------------------------------------------------
    ex = u["eye_spacing"]
    ey = u["eye_height"] + pitch
    ew = u["eye_size"]
    openness = np.clip(1.0 + nu.eye_open * d[:, 7], 0.3, 1.5)
    eh = 0.45 * ew * openness
    by = ey - u["brow_height"]
    bt = u["brow_thickness"]
    slant_t = _deg_to_t(u["brow_slant"])
    for side in (-1.0, 1.0):
        cx = side * ex + yaw
        # socket shadow: deeper with light from above
        rs = blob_radius(1.9 * ew)
        darken(_ellipse(frame, cx, ey - 0.8, rs, blob_radius(1.3 * ew), qmax=1.0),
               0.28 * (1.9 * ew) ** 2 / rs ** 2 * (0.6 + 0.8 * np.maximum(-ly, 0)))
        # eye opening: darker than skin
        k = _edge_k(eh, soft(0.6))
        darken(_ellipse(frame, cx, ey, ew, eh, qmax=_fill_qmax(k)),
               0.9, kind="fill", k=k, target=0.32 * skin)
        # iris and pupil
        ri = blob_radius(1.25 * eh + 0.4)
        darken(_ellipse(frame, cx + 0.15 * yaw, ey + 0.1, ri, ri, qmax=1.0),
               0.85 * (1.25 * eh + 0.4) ** 2 / ri ** 2, target=0.06)
        # eyebrow, slanted: outer ends lower for positive slant
        c_b, s_b = _rotation(side * slant_t)
        bw = 1.45 * ew + 1.5
        k = _edge_k(bt, soft(0.7))
        darken(_ellipse(frame, cx + side * 0.6, by, bw, bt, c_b, s_b, qmax=_fill_qmax(k)),
               0.8, kind="fill", k=k, target=0.8 * hair + 0.1 * skin)

    # --- nose -------------------------------------------------------------------
    tip = u["nose_length"] + 1.2 * pitch
    nw = u["nose_width"]
    nx = 1.5 * yaw
    mid = 0.5 * (ey + tip)
    half = 0.5 * (tip - ey) + 1.0
    for side in (-1.0, 1.0):
        # the side turned away from the light is in shadow
        away = np.maximum(-side * lx, 0.0)
        # the sides of the nose, as wide apart as the nostrils
        r0 = 0.6 * nw
        r = blob_radius(r0)
        darken(_ellipse(frame, nx + side * (0.6 * nw + 0.5), mid + 1.0, r, blob_radius(half),
                        qmax=1.0), (0.08 + 0.6 * away) * r0 / r)
        rn = blob_radius(1.3)
        darken(_ellipse(frame, nx + side * 0.65 * nw, tip + 0.4, rn, blob_radius(0.9), qmax=1.0),
               0.5 * (1.3 / rn) ** 2)
        # cheekbone hollow
        rc = blob_radius(6.0)
        darken(_ellipse(frame, side * 0.62 * W + 0.7 * yaw, ey + 10.0, rc, blob_radius(7.0),
                        qmax=1.0), 0.10 + 0.1 * away)
    # shadow under the nose (light from above)
    r = blob_radius(1.3 * nw)
    darken(_ellipse(frame, nx, tip + 1.6, r, blob_radius(1.5), qmax=1.0),
           (0.15 + 0.5 * np.maximum(-ly, 0)) * 1.3 * nw / r)
    # highlight on the tip
    r = blob_radius(2.2)
    darken(_ellipse(frame, nx, tip - 1.8, r, blob_radius(2.6), qmax=1.0), -0.10 * (2.2 / r) ** 2)

    # --- mouth: two halves, corners lifted by a smile --------------------------
    smiling = d[:, 14] < nu.smile_prob
    corner_deg = nu.mouth_deg * d[:, 6] + np.where(smiling, nu.smile_deg, 0.0)
    mw = u["mouth_width"] * np.where(smiling, 1.1, 1.0)
    lip = u["lip_thickness"]
    my = tip + 0.42 * (chin - tip) + 0.6 * pitch
    mx = 0.9 * yaw
    c_m, s_m = _rotation(_deg_to_t(corner_deg))
    for side in (-1.0, 1.0):
        cx = mx + side * 0.5 * mw
        # Lips: the half's outer corner is lifted (y decreases) by the smile.
        k = _edge_k(lip, soft(0.6))
        darken(_ellipse(frame, cx, my, 0.55 * mw, lip, c_m, -side * s_m, qmax=_fill_qmax(k)),
               0.75, kind="fill", k=k, target=0.45 * skin)
        # The line between the lips.
        lw = 0.55
        k = _edge_k(lw, soft(0.5))
        darken(_ellipse(frame, cx, my - 0.1, 0.52 * mw, lw, c_m, -side * s_m, qmax=_fill_qmax(k)),
               0.9, kind="fill", k=k, target=0.1)
    r = blob_radius(0.45 * u["mouth_width"])
    darken(_ellipse(frame, mx, my + lip + 1.6, r, blob_radius(1.4), qmax=1.0),
           0.18 * 0.45 * u["mouth_width"] / r)

    # --- shading: a lit ellipsoid, then the camera ---------------------------------
    # Surface normal of an ellipsoid of half-axes (W + 1.5, 31) seen from the
    # front: (nu, nv, sqrt(1 - nu^2 - nv^2)); Lambert's cosine with the light,
    # plus ambient light. Everything is pre-multiplied by the camera's gain
    # and 255 (8-bit levels).
    au, av = 1.0 / (W + 1.5), 1.0 / 31.0
    nu_f = frame.affine(au, 0.0, 0.3 * yaw * au)
    nv_f = frame.affine(0.0, av, 2.0 * av)
    levels = 255.0 * gain
    direct = levels * (1.0 - ambient)
    shade = _sum_of_squares([nu_f, nv_f]).evaluate(*full)
    np.clip(shade, 0, 1, out=shade)
    np.subtract(np.float32(1), shade, out=shade)
    np.sqrt(shade, out=shade)
    shade *= _col(direct * lz)
    # the in-plane part lx nu + ly nv is an affine form of the pixel position
    ax = direct * (lx * nu_f[0] + ly * nv_f[0])
    ay = direct * (lx * nu_f[1] + ly * nv_f[1])
    a0 = direct * (lx * nu_f[2] + ly * nv_f[2])
    shade += (ay[:, None] * _YS[None, :] + a0[:, None]).astype(np.float32)[:, :, None]
    shade += (ax[:, None] * _XS[None, :]).astype(np.float32)[:, None, :]
    np.maximum(shade, 0, out=shade)
    shade += _col(levels * ambient)
    # the backdrop is lit evenly: shade = fg * shade + (1 - fg) * levels
    lv = _col(levels)
    shade -= lv
    shade *= fg
    shade += lv
    del fg
    img = albedo
    img *= shade
    del shade
    # sensor noise: uniform with standard deviation nu.noise
    noise = noise - np.float32(0.5)
    noise *= np.float32(255 * nu.noise * np.sqrt(12.0))
    img += noise
    # 8-bit quantisation, as a camera would
    np.rint(img, out=img)
    np.clip(img, 0, 255, out=img)
    img /= np.float32(255)
    return img


def _photo_draws(seed: int, keys: np.ndarray, photo: np.ndarray):
    """Nuisance draws and noise of each (identity key, photo index) pair."""
    n = len(keys)
    draws = np.empty((n, _N_NUISANCE_DRAWS))
    noise = np.empty((n, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    # One generator per photo, so that a photo's pixels do not depend on which
    # other photos are rendered with it (see _generator).
    for row in range(n):
        g = _generator(seed, _DOMAIN_PHOTO, int(keys[row]), int(photo[row]))
        draws[row, :_N_NORMAL_DRAWS] = g.standard_normal(_N_NORMAL_DRAWS)
        draws[row, _N_NORMAL_DRAWS:] = g.random(_N_NUISANCE_DRAWS - _N_NORMAL_DRAWS)
        noise[row] = g.random((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    np.clip(draws[:, :_N_NORMAL_DRAWS], -3.0, 3.0, out=draws[:, :_N_NORMAL_DRAWS])
    return draws, noise


def _check_params(params) -> np.ndarray:
    params = check_array(params, "params", finite=False, min_rows=0,
                         what=f"standardised features, shape (n, {N_FEATURES})")
    if params.ndim != 2 or params.shape[1] != N_FEATURES:
        raise ValueError(f"params: must have shape (n, {N_FEATURES}), got {params.shape}")
    if len(params) == 0:
        raise ValueError("params: needs at least one identity")
    if not np.all(np.isfinite(params)):
        raise ValueError("params: must be finite")
    return params


def _check_nuisance(nuisance) -> Nuisance:
    if nuisance is None:
        return Nuisance()
    if not isinstance(nuisance, Nuisance):
        raise ValueError(f"nuisance: must be a Nuisance, got {type(nuisance).__name__}")
    return nuisance


def _render_into(out: np.ndarray, params: np.ndarray, keys: np.ndarray, n_photos: int,
                 seed: int, nuisance: Nuisance) -> None:
    units = _features_to_units(params)
    n_images = len(params) * n_photos

    def work(lo):
        idx = np.arange(lo, min(lo + _BLOCK, n_images))
        who, photo = idx // n_photos, idx % n_photos
        draws, noise = _photo_draws(seed, keys[who], photo)
        out[lo:lo + len(idx)] = _render_block(units[who], draws, noise, nuisance)

    starts = range(0, n_images, _BLOCK)
    threads = max(1, min(int(THREADS), len(starts)))
    if threads == 1:
        for lo in starts:
            work(lo)
    else:
        # Blocks are independent and numpy releases the GIL while it computes.
        with ThreadPoolExecutor(threads) as pool:
            for _ in pool.map(work, starts):
                pass


def render(params, n_photos: int = 1, seed: int = 0, nuisance: Nuisance | None = None,
           keys=None) -> tuple[np.ndarray, np.ndarray]:
    """Photograph identities: ``n_photos`` images of each.

    Parameters
    ----------
    params : array of shape (n, N_FEATURES)
        Standardised identity features, e.g. from :func:`sample_identities`.
    n_photos : int >= 1
        Photos per identity.
    seed : int in [0, 2**32)
        Seed of the photo conditions (pose, light, noise).
    nuisance : Nuisance, optional
        Strengths of the photo-to-photo variation; default ``Nuisance()``.
    keys : array of n non-negative integers, optional
        The random key of each identity; photo ``j`` of the identity with key
        ``k`` is the same whatever else is rendered with it. Defaults to the
        row numbers ``0..n-1``; :func:`make_population` and
        :func:`stream_faces` use ``(group tag << 32) | index``.

    Returns
    -------
    images : ndarray of shape (n * n_photos, 64, 64), float32 in [0, 1]
        Identity-major: the photos of row 0 first.
    identity : ndarray of shape (n * n_photos,), int
        Row of ``params`` each image shows.
    """
    params = _check_params(params)
    n_photos = _check_count(n_photos, "n_photos")
    seed = _check_seed(seed)
    nuisance = _check_nuisance(nuisance)
    if keys is None:
        keys = np.arange(len(params), dtype=np.uint64)
    else:
        try:
            keys = np.asarray(keys)
        except (TypeError, ValueError):  # ragged nested lists
            keys = np.zeros(0)
        if keys.shape != (len(params),) or not np.issubdtype(keys.dtype, np.integer) \
                or np.any(keys < 0):
            raise ValueError(f"keys: must be {len(params)} non-negative integers, one per row")
        keys = keys.astype(np.uint64)
    out = np.empty((len(params) * n_photos, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    _render_into(out, params, keys, n_photos, seed, nuisance)
    return out, np.repeat(np.arange(len(params)), n_photos)
