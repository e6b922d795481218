// Face Value: the pure helpers of chapter 2's in-browser face matcher.
//
// No DOM and no network here: decoding the gallery data that _ext/fv_face_matcher.py
// writes at build time, the book's score scale, the decision at a threshold, the
// top-k search of the gallery, dlib's face-chip alignment, sniffing an image
// file's format, and the sentences the page shows. Imported by
// assets/face-matcher.js (the page) and by tests/js/face-matcher.test.mjs
// (Node's test runner), whose cases (tests/js/face-matcher-cases.json) are also
// checked against the Python package by tests/test_face_matcher.py.
//
// The book's score scale (facelab.matching.compare): score = 50 * (1 + cosine),
// and a comparison is a match if and only if score >= threshold. For vectors of
// length 1 the Euclidean distance d and the cosine are tied by d^2 = 2 - 2 cos,
// so score = 100 - 25 d^2 (facelab.matching.deep.distance_to_score).

// --------------------------------------------------------------------------
// Scores, distances, decisions
// --------------------------------------------------------------------------

function clip(x, lo, hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Book score (0-100) from a cosine; the cosine is clipped to [-1, 1] first. */
export function scoreFromCosine(cos) {
  return 50 * (1 + clip(cos, -1, 1));
}

/** Euclidean distance between two unit vectors whose cosine is `cos`. */
export function distanceFromCosine(cos) {
  return Math.sqrt(Math.max(0, 2 - 2 * clip(cos, -1, 1)));
}

/** Book score of two unit vectors at Euclidean distance d (0 <= d <= 2). */
export function scoreFromDistance(d) {
  return clip(100 - 25 * d * d, 0, 100);
}

/** Distance between unit vectors that gives the book score s (0 <= s <= 100). */
export function distanceFromScore(s) {
  return Math.sqrt(Math.max(0, 4 - clip(s, 0, 100) / 25));
}

/** The book's rule: a match if and only if score >= threshold. */
export function isMatch(score, threshold) {
  return score >= threshold;
}

// --------------------------------------------------------------------------
// Vectors
// --------------------------------------------------------------------------

/** A copy of `vec` scaled to length 1 (Float32Array, like the gallery). */
export function unit(vec) {
  let ss = 0;
  for (let i = 0; i < vec.length; i++) ss += vec[i] * vec[i];
  const norm = Math.sqrt(ss);
  if (!(norm > 0) || !isFinite(norm)) {
    throw new Error("a descriptor of length zero (or not finite) has no direction");
  }
  const out = new Float32Array(vec.length);
  for (let i = 0; i < vec.length; i++) out[i] = vec[i] / norm;
  return out;
}

/** Cosine of the angle between two vectors of any length (computed in float64). */
export function cosine(a, b) {
  if (a.length !== b.length) throw new Error(`descriptors of different lengths (${a.length}, ${b.length})`);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (!(aa > 0 && bb > 0)) throw new Error("a descriptor of length zero has no direction");
  return ab / Math.sqrt(aa * bb);
}

/** Everything the page says about one pair of descriptors at a threshold. */
export function compare(a, b, threshold) {
  const cos = cosine(a, b);
  const score = scoreFromCosine(cos);
  return { cosine: cos, distance: distanceFromCosine(cos), score, match: isMatch(score, threshold) };
}

// --------------------------------------------------------------------------
// The gallery file (written by _ext/fv_face_matcher.py)
// --------------------------------------------------------------------------

/** Bytes of a base64 string (browsers and Node 16+ both have atob). */
export function bytesFromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const GALLERY_FORMAT = "fv-face-gallery/1";

const CODES = { int8: [1, (v, o) => v.getInt8(o)], int16: [2, (v, o) => v.getInt16(o, true)] };

/**
 * Decode the gallery: `n` descriptors of `dim` numbers, each stored as integer
 * codes `q` (int8 or int16, little-endian) with one float32 scale per row
 * (value = code * scale), then rescaled to length 1, as Python's unit-length
 * descriptors were (fv_face_matcher.decode_gallery is the numpy twin).
 * Returns {n, dim, vectors: Float32Array(n*dim), person: Int32Array, face: Int32Array, meta}.
 */
export function decodeGallery(data) {
  if (!data || data.format !== GALLERY_FORMAT) {
    throw new Error(`not a gallery file of format ${GALLERY_FORMAT}`);
  }
  const { n, dim } = data;
  const kind = CODES[data.codes];
  if (!kind) throw new Error(`unknown codes ${data.codes}`);
  const [width, read] = kind;
  const codeBytes = bytesFromBase64(data.q);
  const codes = new DataView(codeBytes.buffer);
  const scaleBytes = bytesFromBase64(data.scale);
  const scales = new DataView(scaleBytes.buffer);
  if (codeBytes.length !== width * n * dim || scaleBytes.length !== 4 * n || data.person.length !== n) {
    throw new Error("gallery file is inconsistent: sizes do not match n and dim");
  }
  const vectors = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const s = scales.getFloat32(4 * r, true);
    let ss = 0;
    for (let j = 0; j < dim; j++) {
      const v = Math.fround(read(codes, width * (r * dim + j)) * s); // a float32, as stored
      vectors[r * dim + j] = v;
      ss += v * v;
    }
    const norm = Math.sqrt(ss);
    for (let j = 0; j < dim; j++) vectors[r * dim + j] /= norm;
  }
  const face = data.face ? Int32Array.from(data.face) : Int32Array.from({ length: n }, (_, i) => i);
  return { n, dim, vectors, person: Int32Array.from(data.person), face, meta: data };
}

/** Row `i` of a decoded gallery (a view, not a copy). */
export function galleryRow(gallery, i) {
  return gallery.vectors.subarray(i * gallery.dim, (i + 1) * gallery.dim);
}

/**
 * Search the gallery with one probe descriptor.
 *
 * Every gallery row except those excluded is compared with the probe; rows
 * are ranked by score, best first, ties in gallery order (as
 * facelab.matching.identification.search). With `byPerson` (the default) each
 * person appears once, with their best-scoring photo: a candidate list of
 * people. The list is never empty while the gallery has anyone left in it:
 * a search always returns its top k, whether or not the probe's person is there.
 *
 * options: k (default 5), threshold (for the `match` flag), excludeRows
 * (array of row indices), excludePerson (a person id, or null), byPerson.
 */
export function search(gallery, probe, options = {}) {
  const { k = 5, threshold = null, excludeRows = [], excludePerson = null, byPerson = true } = options;
  const skip = new Set(excludeRows);
  const p = unit(probe);
  if (p.length !== gallery.dim) throw new Error(`probe has ${p.length} numbers, the gallery ${gallery.dim}`);
  const rows = [];
  for (let r = 0; r < gallery.n; r++) {
    if (skip.has(r) || (excludePerson !== null && gallery.person[r] === excludePerson)) continue;
    let c = 0;
    const off = r * gallery.dim;
    for (let j = 0; j < gallery.dim; j++) c += p[j] * gallery.vectors[off + j];
    rows.push({ row: r, cosine: c });
  }
  // Stable sort: equal cosines keep gallery order.
  rows.sort((x, y) => y.cosine - x.cosine);
  const out = [];
  const seen = new Set();
  for (const { row, cosine: c } of rows) {
    const person = gallery.person[row];
    if (byPerson) {
      if (seen.has(person)) continue;
      seen.add(person);
    }
    const score = scoreFromCosine(c);
    out.push({
      rank: out.length + 1, row, face: gallery.face[row], person, cosine: c, score,
      distance: distanceFromCosine(c), match: threshold === null ? null : isMatch(score, threshold),
    });
    if (out.length >= k) break;
  }
  return out;
}

// --------------------------------------------------------------------------
// Aligning a face the way dlib does (dlib.get_face_chip_details, 5 points)
// --------------------------------------------------------------------------

// dlib's mean positions of its 5 landmarks (two corners of each eye, bottom of
// the nose) in a face chip, as fractions of the chip before padding
// (dlib/image_transforms/interpolation.h, get_face_chip_details).
export const DLIB_5_POINT_TEMPLATE = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
];

/**
 * dlib's five points from the 68 points of face-api's landmark models
 * (iBUG numbering): outer and inner corner of the eye on the image's right
 * (45, 42), outer and inner corner of the other eye (36, 39), bottom of the
 * nose (33). Accepts [{x, y}] or [[x, y]].
 */
export function fivePointsFrom68(points) {
  if (!points || points.length !== 68) throw new Error("expected 68 landmark points");
  return [45, 42, 36, 39, 33].map((i) => {
    const p = points[i];
    return Array.isArray(p) ? [p[0], p[1]] : [p.x, p.y];
  });
}

/**
 * Least-squares similarity transform (rotation, one scale, translation; no
 * reflection) taking points `from` onto points `to` (Umeyama 1991, as dlib's
 * find_similarity_transform). Returns {a, b, tx, ty} for
 * x' = a x - b y + tx, y' = b x + a y + ty.
 */
export function similarityTransform(from, to) {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Error("need at least two pairs of points");
  let mfx = 0, mfy = 0, mtx = 0, mty = 0;
  for (let i = 0; i < n; i++) {
    mfx += from[i][0]; mfy += from[i][1]; mtx += to[i][0]; mty += to[i][1];
  }
  mfx /= n; mfy /= n; mtx /= n; mty /= n;
  let sxx = 0, sxy = 0, varFrom = 0;
  for (let i = 0; i < n; i++) {
    const fx = from[i][0] - mfx, fy = from[i][1] - mfy;
    const tx = to[i][0] - mtx, ty = to[i][1] - mty;
    sxx += fx * tx + fy * ty; // sum of dot products
    sxy += fx * ty - fy * tx; // sum of cross products
    varFrom += fx * fx + fy * fy;
  }
  if (!(varFrom > 0)) throw new Error("the points coincide: no transform");
  const a = sxx / varFrom, b = sxy / varFrom;
  return { a, b, tx: mtx - (a * mfx - b * mfy), ty: mty - (b * mfx + a * mfy) };
}

/**
 * dlib's chip details for five landmarks in an image: the chip of
 * `size` x `size` pixels with `padding` (dlib's default for face descriptors
 * is 0.25) shows the face upright and at a standard scale. Returns
 * {center: [x, y], width, rect, angle, size, chipToImage} (rect as dlib's
 * chip_details.rect: [left, top, right, bottom]) where `chipToImage` is
 * the affine matrix [a, b, c, d, e, f] (x' = a x + c y + e, y' = b x + d y + f)
 * from chip pixel indices to image pixel indices, as dlib's extract_image_chip
 * uses (the chip's corner pixels land on the corners of the rotated rectangle).
 */
export function chipDetails(points5, size = 150, padding = 0.25) {
  const chipPoints = DLIB_5_POINT_TEMPLATE.map(([x, y]) => [
    ((x + padding) / (2 * padding + 1)) * size,
    ((y + padding) / (2 * padding + 1)) * size,
  ]);
  const t = similarityTransform(chipPoints, points5);
  const scale = Math.hypot(t.a, t.b);
  const angle = Math.atan2(t.b, t.a);
  const cx = t.a * (size / 2) - t.b * (size / 2) + t.tx;
  const cy = t.b * (size / 2) + t.a * (size / 2) + t.ty;
  const width = size * scale;
  // dlib's rectangle (centered_drect) has its corners at center +- (width - 1) / 2,
  // and chip pixel (0, 0) goes to its (rotated) top-left corner and
  // (size - 1, size - 1) to its bottom-right one.
  const half = (width - 1) / 2;
  const rect = [cx - half, cy - half, cx + half, cy + half];
  const k = (width - 1) / (size - 1);
  const cos = Math.cos(angle) * k, sin = Math.sin(angle) * k;
  const h = (size - 1) / 2;
  const matrix = [cos, sin, -sin, cos, cx - cos * h + sin * h, cy - sin * h - cos * h];
  return { center: [cx, cy], width, rect, angle, size, chipToImage: matrix };
}

/**
 * The canvas transform that draws an image so that the chip appears in a
 * size x size canvas: the inverse of chipToImage, in the canvas's continuous
 * coordinates (pixel i spans [i, i + 1], its centre at i + 0.5).
 * Returns [a, b, c, d, e, f] for ctx.setTransform.
 */
export function canvasTransform(details) {
  const [a, b, c, d, e, f] = details.chipToImage;
  // continuous: img = M (chip - 0.5) + t + 0.5  =>  img = M chip + (t + 0.5 - M 0.5)
  const e2 = e + 0.5 - 0.5 * (a + c), f2 = f + 0.5 - 0.5 * (b + d);
  const det = a * d - b * c;
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  return [ia, ib, ic, id, -(ia * e2 + ic * f2), -(ib * e2 + id * f2)];
}

// --------------------------------------------------------------------------
// Images the reader chooses
// --------------------------------------------------------------------------

/**
 * What the first bytes of a file say it is: {kind: "jpeg"|"png"|"gif"|"webp"|
 * "bmp"|"avif"|"heic"|null, components, colour} where, for a JPEG, colour is
 * "grey" (1 component), "colour" (3) or "cmyk" (4), read from its frame header.
 */
export function sniffImage(bytes) {
  const b = bytes;
  const ascii = (o, len) => String.fromCharCode(...b.subarray(o, o + len));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    return { kind: "jpeg", ...jpegComponents(b) };
  }
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 3) === "PNG") {
    // IHDR colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
    const type = b.length > 25 ? b[25] : null;
    return { kind: "png", components: null, colour: type === 0 || type === 4 ? "grey" : "colour" };
  }
  if (b.length >= 6 && ascii(0, 3) === "GIF") return { kind: "gif", components: null, colour: "colour" };
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 4) === "WEBP") return { kind: "webp", components: null, colour: "colour" };
  if (b.length >= 2 && ascii(0, 2) === "BM") return { kind: "bmp", components: null, colour: "colour" };
  if (b.length >= 12 && ascii(4, 4) === "ftyp") {
    const brand = ascii(8, 4);
    if (brand.startsWith("avi")) return { kind: "avif", components: null, colour: "colour" };
    if (brand.startsWith("hei") || brand.startsWith("mif") || brand === "heix") return { kind: "heic", components: null, colour: "colour" };
  }
  return { kind: null, components: null, colour: null };
}

function jpegComponents(b) {
  // Walk the marker segments to the first start-of-frame (SOF0-SOF15 but
  // DHT C4, JPG C8, DAC CC); its byte 9 is the number of components.
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) { i += 1; continue; }
    const marker = b[i + 1];
    if (marker === 0xff) { i += 1; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    const len = (b[i + 2] << 8) | b[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const components = b[i + 9];
      const colour = components === 1 ? "grey" : components === 4 ? "cmyk" : "colour";
      return { components, colour };
    }
    if (marker === 0xda) break; // start of scan before any frame header
    i += 2 + len;
  }
  return { components: null, colour: null };
}

/** Dimensions that fit within `maxSide` on the longer side (never enlarged). */
export function fitWithin(width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** Index of the largest box ({width, height}); ties go to the first. -1 if none. */
export function largestBox(boxes) {
  let best = -1, area = -1;
  boxes.forEach((box, i) => {
    const a = box.width * box.height;
    if (a > area) { area = a; best = i; }
  });
  return best;
}

// --------------------------------------------------------------------------
// What the page says
// --------------------------------------------------------------------------

/** A book score with one decimal ("91.0"). */
export function formatScore(score) {
  return (Math.round(score * 10) / 10).toFixed(1);
}

/** A distance with two decimals ("0.60"). */
export function formatDistance(d) {
  return (Math.round(d * 100) / 100).toFixed(2);
}

/** Bytes as the page shows them ("6.4 MB", "190 KB", "512 bytes"). */
export function formatBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} KB`;
  return `${n} bytes`;
}

/** The slider's aria-valuetext: what a screen reader hears for a threshold. */
export function thresholdText(threshold) {
  return `book score ${formatScore(threshold)}, distance ${formatDistance(distanceFromScore(threshold))}`;
}

/** One sentence on the comparison of two photos. */
export function comparisonSentence(result, threshold) {
  const verdict = result.match ? "a match: the matcher says these are the same person" :
    "no match: the matcher says these are two different people";
  return `Distance ${formatDistance(result.distance)}, book score ${formatScore(result.score)}: ` +
    `at the threshold ${formatScore(threshold)}, ${verdict}.`;
}

/**
 * One sentence under a candidate list. `probePerson` is the probe's Olivetti
 * person (null for the reader's own photo), `leftOut` whether that person was
 * taken out of the gallery.
 */
export function searchSentence(candidates, threshold, probePerson, leftOut) {
  const above = candidates.filter((c) => c.score >= threshold).length;
  const n = candidates.length;
  const alerts = above === 0 ? "none of them scores" : above === n ? `all ${n} score` :
    `${above} of them score${above === 1 ? "s" : ""}`;
  const atT = `${alerts} at or above the threshold ${formatScore(threshold)}`;
  if (probePerson === null) {
    return `You are not among the 40 Olivetti people, yet the list has ${n} names; ${atT}` +
      (above ? ", so a system using this threshold would report a stranger as a match." : ".");
  }
  if (leftOut) {
    return `Person ${probePerson} is not in the gallery, yet the list has ${n} names, every one of them ` +
      `someone else; ${atT}` + (above ? ": false matches." : ".");
  }
  const rank = candidates.findIndex((c) => c.person === probePerson);
  const where = rank < 0 ? `person ${probePerson} is not in the top ${n}` :
    rank === 0 ? `person ${probePerson} is ranked first` : `person ${probePerson} is ranked ${rank + 1}`;
  return `The right person is in the gallery (their other photos): ${where}; ${atT}.`;
}
