"""Tests for facelab.matching: the score scale, verification and 1:N search."""

import numpy as np
import pytest

from facelab.matching import (
    cosine_similarity,
    from_score,
    max_scores_streamed,
    search,
    similarity_scores,
    to_score,
    verify,
)


@pytest.fixture(scope="module")
def data():
    """60 probes and 1,000 gallery entries in 8 dimensions, with string ids."""
    rng = np.random.default_rng(42)
    probes = rng.standard_normal((60, 8))
    gallery = rng.standard_normal((1_000, 8))
    ids = np.array([f"id{k:04d}" for k in range(1_000)])
    return probes, gallery, ids


def chunks_of(gallery, ids, size):
    """A generator of (embeddings, ids) chunks, as for a gallery on disk."""
    for start in range(0, len(gallery), size):
        yield gallery[start:start + size], ids[start:start + size]


# ---------------------------------------------------------------- score scale

def test_a_face_matched_with_itself_scores_the_maximum(data):
    probes = data[0]
    scores = similarity_scores(probes, probes)
    np.testing.assert_allclose(np.diag(scores), 100, atol=1e-12)
    assert np.all(np.argmax(scores, axis=1) == np.arange(len(probes)))


def test_scores_are_symmetric(data):
    probes, gallery, _ = data
    np.testing.assert_allclose(similarity_scores(probes, gallery),
                               similarity_scores(gallery, probes).T, atol=1e-12)


def test_opposite_and_perpendicular_directions():
    scores = similarity_scores([[1.0, 0.0]], [[-2.0, 0.0], [0.0, 3.0], [5.0, 0.0]])
    np.testing.assert_allclose(scores, [[0.0, 50.0, 100.0]], atol=1e-12)


def test_scores_stay_in_0_100(data):
    probes, gallery, _ = data
    scores = similarity_scores(np.vstack([probes, -probes]), probes)
    assert scores.min() >= 0 and scores.max() <= 100


def test_scale_ignores_length():
    assert similarity_scores([[1.0, 2.0]], [[10.0, 20.0]])[0, 0] == pytest.approx(100)


def test_to_score_and_from_score_are_inverse():
    cos = np.linspace(-1, 1, 11)
    np.testing.assert_allclose(from_score(to_score(cos)), cos, atol=1e-15)
    assert (to_score(-1), to_score(0), to_score(1)) == (0.0, 50.0, 100.0)
    assert from_score(80) == pytest.approx(0.6)


def test_cosine_matches_its_definition(data):
    probes, gallery, _ = data
    a, b = probes[3], gallery[7]
    expected = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert cosine_similarity(probes, gallery)[3, 7] == pytest.approx(expected, abs=1e-14)


# ---------------------------------------------------------------- verification

def test_a_score_exactly_at_the_threshold_matches(data):
    probes, gallery, _ = data
    score, _ = verify(probes[0], gallery[0], threshold=0)
    assert verify(probes[0], gallery[0], threshold=score[0]).match[0]
    assert not verify(probes[0], gallery[0], np.nextafter(score[0], np.inf)).match[0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_verify_decides_score_at_or_above_threshold(data, dtype):
    probes, gallery, _ = data
    a, b = probes.astype(dtype), gallery[:60].astype(dtype)
    score, _ = verify(a, b, 0)
    for threshold in [0, 25.5, 50, *score[:10], 99.9, 100]:
        s, match = verify(a, b, threshold)
        assert np.array_equal(match, s >= threshold)


def test_verify_pairs_rows_not_all_combinations(data):
    probes, gallery, _ = data
    score, _ = verify(probes[:5], gallery[:5], 50)
    np.testing.assert_allclose(score, np.diag(similarity_scores(probes[:5], gallery[:5])))


# ---------------------------------------------------------------- search

def brute_force(probes, gallery, ids, threshold, k):
    """Top-k by sorting the full score matrix: the slow, obvious way."""
    scores = similarity_scores(probes, gallery)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return ids[order], np.take_along_axis(scores, order, 1), (scores >= threshold).sum(axis=1)


def test_search_agrees_with_sorting_every_score(data):
    probes, gallery, ids = data
    result = search(probes, gallery, ids, threshold=70, top_k=5)
    top_ids, top_scores, n_above = brute_force(probes, gallery, ids, 70, 5)
    assert np.array_equal(result.ids, top_ids)
    np.testing.assert_allclose(result.scores, top_scores, atol=1e-12)
    assert np.array_equal(result.n_above, n_above)
    assert np.array_equal(result.best_score, result.scores[:, 0])
    assert np.all(np.diff(result.scores, axis=1) <= 0)  # best first


@pytest.mark.parametrize("chunk_size", [1, 7, 100, 999, 5_000])
def test_search_in_chunks_equals_search_in_one_block(data, chunk_size):
    probes, gallery, ids = data
    block = search(probes, gallery, ids, threshold=70, top_k=5, chunk_size=len(gallery))
    chunked = search(probes, gallery, ids, threshold=70, top_k=5, chunk_size=chunk_size)
    assert np.array_equal(chunked.ids, block.ids)
    assert np.array_equal(chunked.positions, block.positions)
    assert np.array_equal(chunked.n_above, block.n_above)
    np.testing.assert_allclose(chunked.scores, block.scores, atol=1e-12)


def test_streamed_gallery_equals_array_gallery(data):
    probes, gallery, ids = data
    block = search(probes, gallery, ids, threshold=70, top_k=5)
    streamed = search(probes, chunks_of(gallery, ids, 333), None, threshold=70, top_k=5)
    assert np.array_equal(streamed.ids, block.ids)
    assert np.array_equal(streamed.n_above, block.n_above)


def test_streamed_chunks_without_ids_are_numbered_by_position(data):
    probes, gallery, _ = data
    bare = (gallery[s:s + 250] for s in range(0, 1_000, 250))
    result = search(probes, bare, None, threshold=70, top_k=3)
    assert np.array_equal(result.ids, result.positions)
    assert np.array_equal(result.positions, search(probes, gallery, None, 70, top_k=3).positions)


def test_equal_scores_are_ranked_by_gallery_position():
    gallery = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    for chunk_size in (1, 2, 5):
        result = search([[1.0, 0.0]], gallery, None, threshold=90, top_k=3,
                        chunk_size=chunk_size)
        assert result.positions.tolist() == [[1, 2, 3]]
        assert result.n_above.tolist() == [4]


def test_small_gallery_returns_every_entry(data):
    probes, gallery, ids = data
    result = search(probes, gallery[:3], ids[:3], threshold=50, top_k=10)
    assert result.ids.shape == (60, 3)


def test_alert_means_best_score_at_or_above_threshold(data):
    probes, gallery, ids = data
    threshold = float(np.median(similarity_scores(probes, gallery).max(axis=1)))
    result = search(probes, gallery, ids, threshold=threshold, top_k=2)
    assert np.array_equal(result.alert, result.best_score >= threshold)
    assert result.alert.sum() == len(probes) // 2  # the median splits the probes in two


def test_progress_reports_every_chunk(data):
    probes, gallery, ids = data
    calls = []
    search(probes, gallery, ids, 70, chunk_size=400, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(400, 1_000), (800, 1_000), (1_000, 1_000)]
    calls.clear()
    search(probes, chunks_of(gallery, ids, 600), None, 70,
           progress=lambda d, t: calls.append((d, t)))
    assert calls == [(600, None), (1_000, None)]


def test_max_scores_streamed_finds_the_row_maximum(data):
    probes, gallery, ids = data
    best, best_id = max_scores_streamed(probes, chunks_of(gallery, ids, 128))
    scores = similarity_scores(probes, gallery)
    np.testing.assert_allclose(best, scores.max(axis=1), atol=1e-12)
    assert np.array_equal(best_id, ids[scores.argmax(axis=1)])


def test_float32_search_agrees_with_float64(data):
    probes, gallery, ids = data
    r32 = search(probes.astype(np.float32), gallery.astype(np.float32), ids, 70, top_k=1)
    r64 = search(probes, gallery, ids, 70, top_k=1)
    np.testing.assert_allclose(r32.best_score, r64.best_score, atol=1e-4)


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("threshold", [101, -1, np.nan, np.inf, "80"])
def test_threshold_outside_the_score_scale_is_refused(data, threshold):
    probes, gallery, ids = data
    with pytest.raises(ValueError, match=r"threshold: .*\[0, 100\]"):
        search(probes, gallery, ids, threshold)
    with pytest.raises(ValueError, match="threshold"):
        verify(probes[0], gallery[0], threshold)


def test_threshold_2_is_a_valid_but_very_low_score(data):
    """2 is inside [0, 100]: it is accepted (and nearly everything matches)."""
    probes, gallery, ids = data
    assert search(probes, gallery, ids, threshold=2, top_k=1).alert.all()


@pytest.mark.parametrize("empty", [np.empty((0, 8)), iter([])])
def test_empty_gallery_is_refused(data, empty):
    with pytest.raises(ValueError, match="gallery: is empty"):
        search(data[0], empty, None, 70)


def test_mismatched_dimensions_are_refused(data):
    probes, gallery, ids = data
    with pytest.raises(ValueError, match="gallery: embeddings have dimension 7"):
        search(probes, gallery[:, :7], ids, 70)
    with pytest.raises(ValueError, match="gallery: embeddings have dimension 7"):
        search(probes, chunks_of(gallery[:, :7], ids, 100), None, 70)
    with pytest.raises(ValueError, match="b: embeddings have dimension 7"):
        verify(probes[0], gallery[0, :7], 70)


def test_nan_embeddings_are_refused(data):
    probes, gallery, ids = data
    bad = gallery.copy()
    bad[900, 3] = np.nan
    with pytest.raises(ValueError, match="gallery: contains NaN"):
        search(probes, chunks_of(bad, ids, 100), None, 70)
    with pytest.raises(ValueError, match="probes: contains NaN"):
        search(np.full((1, 8), np.nan), gallery, ids, 70)


def test_zero_length_embedding_has_no_cosine(data):
    with pytest.raises(ValueError, match="a: row 0 has length zero"):
        similarity_scores(np.zeros((1, 8)), data[1])


@pytest.mark.parametrize("top_k", [0, -3, 1.5])
def test_top_k_must_be_a_positive_integer(data, top_k):
    probes, gallery, ids = data
    with pytest.raises(ValueError, match="top_k"):
        search(probes, gallery, ids, 70, top_k=top_k)


def test_gallery_ids_must_match_the_gallery(data):
    probes, gallery, ids = data
    with pytest.raises(ValueError, match="gallery_ids: expected shape"):
        search(probes, gallery, ids[:-1], 70)
    with pytest.raises(ValueError, match="gallery_ids: must be None"):
        search(probes, chunks_of(gallery, ids, 100), ids, 70)


def test_score_conversions_check_their_range():
    with pytest.raises(ValueError, match="cos"):
        to_score(2.0)
    with pytest.raises(ValueError, match="score"):
        from_score(101)
    with pytest.raises(ValueError, match="score"):
        from_score(np.nan)
