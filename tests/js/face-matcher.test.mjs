// The pure helpers of chapter 2's in-browser face matcher (assets/face-matcher-core.js),
// against cases computed from Python (tests/js/face-matcher-cases.json, written and
// checked by tests/test_face_matcher.py). Run with `node --test tests/js/` (Node 20's
// built-in runner; no npm dependency).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as core from "../../assets/face-matcher-core.js";

const cases = JSON.parse(readFileSync(new URL("./face-matcher-cases.json", import.meta.url), "utf8"));

function close(actual, expected, tol = 1e-9, what = "") {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} is not ${expected} (within ${tol})`);
}

test("book score and distance from a cosine, as facelab.matching.compare.to_score", () => {
  for (const c of cases.scores) {
    close(core.scoreFromCosine(c.cosine), c.score, 1e-12, `score of cosine ${c.cosine}`);
    close(core.distanceFromCosine(c.cosine), c.distance, 1e-12, `distance of cosine ${c.cosine}`);
  }
  assert.equal(core.scoreFromCosine(1.0000001), 100); // rounding past 1 is clipped
  assert.equal(core.scoreFromCosine(-1.5), 0);
});

test("score from a distance and back, as facelab.matching.deep", () => {
  for (const c of cases.distances) close(core.scoreFromDistance(c.distance), c.score, 1e-12, `score of d=${c.distance}`);
  for (const c of cases.fromScores) close(core.distanceFromScore(c.score), c.distance, 1e-12, `d of score ${c.score}`);
  for (let s = 0; s <= 100; s += 0.5) close(core.scoreFromDistance(core.distanceFromScore(s)), s, 1e-9, `round trip ${s}`);
});

test("a match if and only if score >= threshold (a score at the threshold matches)", () => {
  for (const c of cases.decisions) assert.equal(core.isMatch(c.score, c.threshold), c.match, JSON.stringify(c));
});

test("the gallery decodes to Python's unit-length float32 descriptors", () => {
  for (const [gallery, decoded] of [[cases.gallery, cases.decoded], [cases.gallery8, cases.decoded8]]) {
    const g = core.decodeGallery(gallery);
    assert.equal(g.n, gallery.n);
    assert.equal(g.dim, gallery.dim);
    assert.deepEqual(Array.from(g.person), gallery.person);
    decoded.forEach((row, i) => {
      const got = core.galleryRow(g, i);
      row.forEach((v, j) => assert.equal(got[j], Math.fround(v), `${gallery.codes} row ${i}, value ${j}`));
    });
  }
  assert.throws(() => core.decodeGallery({ ...cases.gallery, codes: "int4" }), /unknown codes/);
  assert.throws(() => core.decodeGallery({ format: "other" }), /not a gallery file/);
  assert.throws(() => core.decodeGallery({ ...cases.gallery, n: cases.gallery.n + 1 }), /inconsistent/);
});

test("top-k search: best first, ties in gallery order, one row per person, never empty", () => {
  const g = core.decodeGallery(cases.gallery);
  for (const c of cases.searches) {
    const got = core.search(g, Float64Array.from(c.probe),
      { k: c.k, excludeRows: c.excludeRows, excludePerson: c.excludePerson, threshold: c.threshold });
    assert.equal(got.length, c.expected.length, JSON.stringify(c.expected));
    got.forEach((r, i) => {
      const e = c.expected[i];
      assert.equal(r.rank, i + 1);
      assert.equal(r.row, e.row, `search ${JSON.stringify(c.excludeRows)} rank ${i + 1}`);
      assert.equal(r.person, e.person);
      close(r.score, e.score, 1e-9, "score");
      assert.equal(r.match, e.match);
      close(r.distance, core.distanceFromScore(r.score), 1e-6, "distance");
    });
    assert.ok(got.length > 0, "a search returns candidates even when the person is not there");
    if (c.excludePerson !== null) assert.ok(got.every((r) => r.person !== c.excludePerson));
  }
});

test("dlib's face-chip alignment from five points (dlib.get_face_chip_details)", () => {
  for (const c of cases.alignments) {
    const d = core.chipDetails(c.points, c.size, c.padding);
    c.rect.forEach((v, i) => close(d.rect[i], v, 1e-9, `rect[${i}] of ${JSON.stringify(c.points)}`));
    close(d.angle, c.angle, 1e-9, "angle");
    c.chipToImage.forEach((v, i) => close(d.chipToImage[i], v, 1e-9, `chipToImage[${i}]`));
    // The canvas transform is the inverse map, in pixel-edge coordinates.
    const [a, b, cc, dd, e, f] = core.canvasTransform(d);
    const [A, B, C, D, E, F] = d.chipToImage;
    for (const [px, py] of [[0, 0], [c.size - 1, 0], [37, 91]]) {
      const ix = A * px + C * py + E + 0.5, iy = B * px + D * py + F + 0.5; // image point, continuous
      close(a * ix + cc * iy + e, px + 0.5, 1e-9, "canvas x");
      close(b * ix + dd * iy + f, py + 0.5, 1e-9, "canvas y");
    }
  }
});

test("dlib's five points from face-api's 68 landmarks", () => {
  const { points, five } = cases.landmarks68;
  assert.deepEqual(core.fivePointsFrom68(points), five);
  assert.deepEqual(core.fivePointsFrom68(points.map(([x, y]) => ({ x, y }))), five);
  assert.throws(() => core.fivePointsFrom68(points.slice(1)), /68/);
});

test("what a file's first bytes say it is, as Pillow reads it", () => {
  for (const c of cases.images) {
    const info = core.sniffImage(core.bytesFromBase64(c.head));
    assert.equal(info.kind, c.kind, c.name);
    assert.equal(info.colour, c.colour, c.name);
    if (c.kind === "jpeg") assert.equal(info.components, c.components, c.name);
  }
});

test("huge photos are downscaled before detection, never enlarged", () => {
  for (const c of cases.fits) {
    const got = core.fitWithin(c.width, c.height, c.max);
    assert.equal(got.width, c.fit.width, JSON.stringify(c));
    assert.equal(got.height, c.fit.height, JSON.stringify(c));
    close(got.scale, c.fit.scale, 1e-12, "scale");
  }
});

test("formatting", () => {
  for (const [v, s] of cases.formats.score) assert.equal(core.formatScore(v), s);
  for (const [v, s] of cases.formats.distance) assert.equal(core.formatDistance(v), s);
  for (const [v, s] of cases.formats.bytes) assert.equal(core.formatBytes(v), s);
  for (const [v, s] of cases.formats.thresholdText) assert.equal(core.thresholdText(v), s);
});

test("vectors: unit length, cosine, comparison at a threshold", () => {
  const u = core.unit([3, 4]);
  close(u[0], 0.6, 1e-7, "x");
  close(u[1], 0.8, 1e-7, "y");
  assert.throws(() => core.unit([0, 0]), /no direction/);
  assert.throws(() => core.cosine([1, 0], [1, 0, 0]), /different lengths/);
  const r = core.compare([1, 0], [1, 1], 85);
  close(r.cosine, Math.SQRT1_2, 1e-12, "cosine");
  close(r.score, 50 * (1 + Math.SQRT1_2), 1e-12, "score");
  assert.equal(r.match, true);
  assert.equal(core.compare([1, 0], [1, 1], 86).match, false);
  assert.equal(core.largestBox([{ width: 2, height: 2 }, { width: 3, height: 2 }, { width: 2, height: 3 }]), 1);
  assert.equal(core.largestBox([]), -1);
});

test("the sentences the page shows", () => {
  const r = { distance: 0.41, score: 95.8, match: true };
  assert.equal(core.comparisonSentence(r, 91),
    "Distance 0.41, book score 95.8: at the threshold 91.0, a match: the matcher says these are the same person.");
  const cands = [{ person: 3, score: 92 }, { person: 5, score: 89 }];
  assert.match(core.searchSentence(cands, 91, 7, true), /^Person 7 is not in the gallery, yet the list has 2 names.*1 of them scores at or above.*false matches\.$/);
  assert.match(core.searchSentence(cands, 91, null, false), /^You are not among the 40 Olivetti people, yet the list has 2 names/);
  assert.match(core.searchSentence(cands, 91, 5, false), /person 5 is ranked 2/);
  assert.match(core.searchSentence(cands, 95, 9, false), /person 9 is not in the top 2; none of them scores/);
});
