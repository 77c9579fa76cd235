"""procgen.sprites: the paper-doll character generator, sprite metrics, and sprite PNG files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from procgen.errors import AssetFormatError, InvalidParameterError, ProcgenError, UnknownNameError
from procgen.sprites import (
    ROLES,
    Slot,
    Sprite,
    components,
    duplicate_count,
    fill_ratio,
    mirror_iou,
    nearest_hamming,
    outline_fraction,
    palette,
    palette_size,
    paperdoll,
    paperdoll_corpus,
    read_sprite_png,
    sprite_png,
    sprite_sheet,
)
from procgen.sprites.metrics import border, luma

PER_ROLE = 50


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, Sprite]]:
    return paperdoll_corpus(PER_ROLE, seed=0)


def by_role(corpus: list[tuple[str, Sprite]], role: str) -> list[Sprite]:
    return [sprite for r, sprite in corpus if r == role]


def crop(array: np.ndarray) -> np.ndarray:
    """``array`` cut to the bounding box of its opaque (non-zero) pixels."""
    ys, xs = np.nonzero(array if array.ndim == 2 else array[..., 3])
    return array[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def rgba_png(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba.astype(np.uint8), "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------------- slots, roles


def test_slots_are_the_sixteen_documented_codes() -> None:
    """Slots number 0 to 15, 0 transparent and 1 the outline, the same in every sprite."""
    assert [slot.value for slot in Slot] == list(range(16))
    assert Slot.TRANSPARENT == 0 and Slot.OUTLINE == 1 and Slot.HIGHLIGHT == 15


def test_roles_are_the_nine_in_order() -> None:
    """The roles, in the order tables and corpora use."""
    assert ROLES == (
        "warrior",
        "mage",
        "rogue",
        "ranger",
        "healer",
        "merchant",
        "villager",
        "guard",
        "boss",
    )


# ------------------------------------------------------------------------------------ paperdoll


def test_paperdoll_is_deterministic_for_a_seed() -> None:
    """The same seed gives the same pixels and palette; another seed gives another sprite."""
    a = paperdoll("mage", np.random.default_rng(7))
    b = paperdoll("mage", np.random.default_rng(7))
    c = paperdoll("mage", np.random.default_rng(8))
    assert a.key() == b.key()
    assert a.key() != c.key()


@pytest.mark.parametrize("role", ROLES)
def test_sprite_shape_slots_and_palette(role: str) -> None:
    """A 16x16 uint8 grid of slots 0-15 and a 16-entry RGB palette with slot 0 present."""
    sprite = paperdoll(role, np.random.default_rng(1))
    assert sprite.pixels.shape == (16, 16) and sprite.pixels.dtype == np.uint8
    assert int(sprite.pixels.max()) <= 15
    assert len(sprite.palette) == 16
    assert all(len(c) == 3 and all(0 <= v <= 255 for v in c) for c in sprite.palette)


def test_outline_is_closed_and_darkest(corpus: list[tuple[str, Sprite]]) -> None:
    """Every pixel on the silhouette's edge is the outline slot, the darkest colour used."""
    for role, sprite in corpus:
        edge = border(sprite.mask)
        assert (sprite.pixels[edge] == Slot.OUTLINE).all(), role
        used = np.unique(sprite.pixels[sprite.mask])
        darkest = min(luma(sprite.palette[slot]) for slot in used)
        assert luma(sprite.palette[Slot.OUTLINE]) == darkest, role


@pytest.mark.parametrize("role", ROLES)
def test_role_meets_the_quality_bars(corpus: list[tuple[str, Sprite]], role: str) -> None:
    """Per role: mirror-IoU >= 0.93 and outline >= 0.97 (medians), one component, 6-12 colours."""
    sprites = by_role(corpus, role)
    assert len(sprites) == PER_ROLE
    assert np.median([mirror_iou(s.mask) for s in sprites]) >= 0.93
    assert np.median([outline_fraction(s.pixels, s.palette) for s in sprites]) >= 0.97
    assert all(components(s.mask) == 1 for s in sprites)
    assert 6 <= np.median([palette_size(s.pixels, s.palette) for s in sprites]) <= 12
    assert 0.5 <= np.median([fill_ratio(s.mask) for s in sprites]) <= 0.9


def test_corpus_has_no_duplicates(corpus: list[tuple[str, Sprite]]) -> None:
    """No two sprites of the corpus share their slot grid, across all roles."""
    assert duplicate_count(sprite.pixels for _, sprite in corpus) == 0


def test_corpus_is_deterministic_and_prefix_stable() -> None:
    """A role's first sprites do not depend on how many are asked for."""
    small, large = paperdoll_corpus(2, seed=3), paperdoll_corpus(4, seed=3)
    assert [role for role, _ in small] == [role for role in ROLES for _ in range(2)]
    for role in ROLES:
        assert [s.key() for s in by_role(small, role)] == [
            s.key() for s in by_role(large, role)[:2]
        ]
    assert paperdoll_corpus(0, seed=0) == []


def test_roles_can_be_told_apart() -> None:
    """A nearest-centroid classifier on one-hot slots names the role of unseen sprites."""
    onehot = np.eye(16, dtype=np.float32)

    def features(corpus: list[tuple[str, Sprite]]) -> tuple[np.ndarray, np.ndarray]:
        x = np.stack([onehot[s.pixels].reshape(-1) for _, s in corpus])
        return x, np.array([ROLES.index(role) for role, _ in corpus])

    train_x, train_y = features(paperdoll_corpus(30, seed=0))
    test_x, test_y = features(paperdoll_corpus(30, seed=1))
    centroids = np.stack([train_x[train_y == k].mean(axis=0) for k in range(len(ROLES))])
    predicted = ((test_x[:, None] - centroids[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert (predicted == test_y).mean() >= 0.9


def test_unknown_role_is_a_clear_error() -> None:
    """An unknown role raises UnknownNameError naming it and listing the known roles."""
    with pytest.raises(UnknownNameError, match=r"'wizard'.*warrior, mage") as info:
        paperdoll("wizard", np.random.default_rng(0))
    assert isinstance(info.value, ProcgenError) and isinstance(info.value, LookupError)
    with pytest.raises(UnknownNameError):
        palette("wizard", np.random.default_rng(0))


def test_bad_arguments_are_parameter_errors() -> None:
    """Bad counts, seeds and generators raise InvalidParameterError naming the argument."""
    for bad in (-1, 2.5, True):
        with pytest.raises(InvalidParameterError, match="per_role"):
            paperdoll_corpus(bad, seed=0)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="seed"):
        paperdoll_corpus(1, seed=-1)
    with pytest.raises(InvalidParameterError, match="rng"):
        paperdoll("mage", 42)  # type: ignore[arg-type]


def test_sprite_is_validated_and_immutable() -> None:
    """A sprite refuses slots beyond its palette, and its pixels cannot be written."""
    with pytest.raises(InvalidParameterError, match="slot 2"):
        Sprite(np.array([[0, 2]], np.uint8), ((0, 0, 0), (1, 1, 1)))
    with pytest.raises(InvalidParameterError, match="2-D"):
        Sprite(np.zeros(4, np.uint8), ((0, 0, 0),))
    with pytest.raises(InvalidParameterError, match=r"0\.\.255"):
        Sprite(np.array([[0, -1]]), ((0, 0, 0), (1, 1, 1)))
    sprite = paperdoll("rogue", np.random.default_rng(0))
    with pytest.raises(ValueError, match="read-only"):
        sprite.pixels[0, 0] = 1


# -------------------------------------------------------------------------------------- metrics


def test_mirror_iou_of_symmetric_and_one_sided_masks() -> None:
    """A symmetric mask scores 1, a mask and its mirror disjoint score 0."""
    mask = np.zeros((4, 4), dtype=bool)
    mask[1:3, 1:3] = True
    assert mirror_iou(mask) == 1.0
    assert mirror_iou(np.eye(4, dtype=bool)[:, :2].repeat(2, axis=1) & ~mask) == 0.0
    assert mirror_iou(np.zeros((3, 3), dtype=bool)) == 1.0


def test_components_count_four_connected_regions() -> None:
    """Diagonal neighbours are separate regions; a filled box is one."""
    assert components(np.eye(3, dtype=bool)) == 3
    assert components(np.ones((3, 3), dtype=bool)) == 1
    assert components(np.zeros((3, 3), dtype=bool)) == 0


def test_outline_fraction_counts_near_darkest_colours() -> None:
    """Border pixels within 15% of the luma range above the darkest colour count as outline."""
    palette_ = [(0, 0, 0), (10, 10, 10), (40, 40, 40), (250, 250, 250)]
    pixels = np.full((3, 3), 1, dtype=np.uint8)
    pixels[1, 1] = 3
    assert outline_fraction(pixels, palette_) == 1.0
    pixels[0, 0] = 2  # 30 above the darkest, within 0.15 * 240 = 36
    assert outline_fraction(pixels, palette_) == 1.0
    pixels[0, 1] = 3
    assert outline_fraction(pixels, palette_) == pytest.approx(7 / 8)


def test_palette_size_counts_colours_not_slots() -> None:
    """Two slots with one colour count once; transparent pixels do not count."""
    pixels = np.array([[0, 1, 2], [3, 3, 0]], dtype=np.uint8)
    assert palette_size(pixels, [(5, 5, 5), (1, 1, 1), (1, 1, 1), (2, 2, 2)]) == 2


def test_nearest_hamming_finds_the_closest_training_sprite(
    corpus: list[tuple[str, Sprite]],
) -> None:
    """An exact copy is at distance 0; one changed pixel is 1/256 away; shapes must match."""
    training = np.stack([sprite.pixels for _, sprite in corpus])
    copy = training[17].copy()
    assert nearest_hamming(copy, training) == 0.0
    copy[0, 0] = 15
    assert nearest_hamming(copy, training) == pytest.approx(1 / 256)
    with pytest.raises(InvalidParameterError, match="shape"):
        nearest_hamming(np.zeros((8, 8), np.uint8), training)
    with pytest.raises(InvalidParameterError, match="at least one"):
        nearest_hamming(copy, np.zeros((0, 16, 16), np.uint8))


# ----------------------------------------------------------------------------------- PNG files


def test_sprite_png_is_byte_identical_for_identical_sprites() -> None:
    """Two separately made, identical sprites encode to the same bytes, at any scale."""
    a = paperdoll("boss", np.random.default_rng(5))
    b = paperdoll("boss", np.random.default_rng(5))
    assert sprite_png(a) == sprite_png(b)
    assert sprite_png(a, scale=4) == sprite_png(b, scale=4)
    assert sprite_png(a) != sprite_png(paperdoll("boss", np.random.default_rng(6)))


def test_sprite_png_is_rgba_with_transparent_slot_zero() -> None:
    """The PNG shows each slot's palette colour, slot 0 fully transparent, scaled by blocks."""
    sprite = paperdoll("healer", np.random.default_rng(2))
    image = Image.open(io.BytesIO(sprite_png(sprite, scale=3)))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (48, 48)
    rgba = np.asarray(image)[::3, ::3]
    assert (rgba[..., 3] == np.where(sprite.mask, 255, 0)).all()
    expected = np.array(sprite.palette, dtype=np.uint8)[sprite.pixels]
    assert (rgba[..., :3][sprite.mask] == expected[sprite.mask]).all()


def test_png_round_trip_keeps_mask_and_colours(corpus: list[tuple[str, Sprite]]) -> None:
    """sprite_png then read_sprite_png gives back the same silhouette and colours, at 1x and 4x."""
    for _, sprite in corpus[::25]:
        for scale in (1, 4):
            back = read_sprite_png(sprite_png(sprite, scale=scale))
            assert back.pixels.shape == (16, 16)
            assert (crop(back.mask) == crop(sprite.mask)).all()
            assert (crop(back.rgba()) == crop(sprite.rgba())).all()
            assert back.palette[0] == (0, 0, 0)


def test_read_sprite_png_crops_centres_and_shrinks(tmp_path: Path) -> None:
    """A small sprite is centred; a large one shrinks to fit; a file path works like bytes."""
    rgba = np.zeros((30, 30, 4), np.uint8)
    rgba[21:24, 2:7] = (200, 30, 30, 255)
    small = read_sprite_png(rgba_png(rgba), size=16)
    assert small.mask.sum() == 15 and small.mask[6:9, 5:10].all()
    noise = np.random.default_rng(0).integers(0, 256, (40, 20, 4)).astype(np.uint8)
    noise[..., 3] = 255
    path = tmp_path / "big.png"
    path.write_bytes(rgba_png(noise))
    shrunk = read_sprite_png(path, size=16)
    assert shrunk.mask.sum() == 16 * 8 and shrunk.mask[:, 4:12].all()


def test_read_sprite_png_undoes_integer_enlargement() -> None:
    """A picture made of k x k blocks is read as the sprite it was enlarged from."""
    sprite = paperdoll("ranger", np.random.default_rng(4))
    enlarged = read_sprite_png(sprite_png(sprite, scale=3))
    assert (crop(enlarged.rgba()) == crop(sprite.rgba())).all()


def test_read_sprite_png_quantises_deterministically() -> None:
    """Many colours reduce to at most max_colours - 1 opaque ones, darkest first, every time."""
    rng = np.random.default_rng(0)
    rgba = np.concatenate(
        [rng.integers(0, 256, (16, 16, 3)), np.full((16, 16, 1), 255)], axis=2
    ).astype(np.uint8)
    first = read_sprite_png(rgba_png(rgba), max_colours=8)
    again = read_sprite_png(rgba_png(rgba), max_colours=8)
    assert len(first.palette) <= 8 and first.key() == again.key()
    lumas = [luma(c) for c in first.palette[1:]]
    assert lumas == sorted(lumas)


def test_read_sprite_png_treats_faint_alpha_as_transparent() -> None:
    """Pixels with alpha below 128 are transparent slot 0; others become opaque."""
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[1, 1] = (10, 20, 30, 127)
    rgba[2, 2] = (10, 20, 30, 128)
    sprite = read_sprite_png(rgba_png(rgba), size=4)
    assert sprite.mask.sum() == 1 and sprite.palette[1] == (10, 20, 30)


def test_bad_sprite_files_are_clear_errors(tmp_path: Path) -> None:
    """Non-PNG, corrupt, empty and missing files raise AssetFormatError saying what is wrong."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(buffer, format="JPEG")
    good = rgba_png(np.full((8, 8, 4), 255, np.uint8))
    cases = {
        "not a PNG": buffer.getvalue(),
        "corrupt": good[:40] + b"\x00" * 30,
        "no opaque pixel": rgba_png(np.zeros((8, 8, 4), np.uint8)),
        "at most 4096": rgba_png(np.zeros((1, 5000, 4), np.uint8)),
    }
    for message, data in cases.items():
        with pytest.raises(AssetFormatError, match=message) as info:
            read_sprite_png(data)
        assert isinstance(info.value, ProcgenError)
    with pytest.raises(AssetFormatError, match="cannot read"):
        read_sprite_png(tmp_path / "missing.png")
    with pytest.raises(InvalidParameterError, match="max_colours"):
        read_sprite_png(good, max_colours=1)


def test_sprite_sheet_lays_out_rows_and_columns(corpus: list[tuple[str, Sprite]]) -> None:
    """Sprites fill a sheet in reading order; the unused cells are transparent."""
    sprites = [sprite for _, sprite in corpus[:3]]
    sheet = np.asarray(Image.open(io.BytesIO(sprite_sheet(sprites, columns=2, scale=2))))
    assert sheet.shape == (64, 64, 4)
    assert (sheet[32:64:2, 0:32:2] == sprites[2].rgba()).all()
    assert (sheet[32:, 32:] == 0).all()
    with pytest.raises(InvalidParameterError, match="columns"):
        sprite_sheet(sprites, columns=0)
