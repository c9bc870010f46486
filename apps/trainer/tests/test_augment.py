import torch

from surprisal_trainer.augment import (AugmentConfig, augment, colour_jitter, gaussian_blur, occlusion,
                                       random_resized_crop)


def frames(seed=0, n=6):
    return torch.rand(n, 3, 64, 64, generator=torch.Generator().manual_seed(seed))


def gen(seed):
    return torch.Generator().manual_seed(seed)


def test_shapes_and_range():
    x = frames()
    y = augment(x, gen(1))
    assert y.shape == x.shape and y.dtype == torch.float32
    assert float(y.min()) >= 0.0 and float(y.max()) <= 1.0


def test_same_seed_same_views_and_different_seed_different_views():
    x = frames()
    assert torch.equal(augment(x, gen(5)), augment(x, gen(5)))
    assert not torch.allclose(augment(x, gen(5)), augment(x, gen(6)))


def test_two_views_of_a_frame_differ():
    g = gen(2)
    x = frames()
    assert not torch.allclose(augment(x, g), augment(x, g))


def test_geometric_and_blur_ops_leave_a_uniform_frame_unchanged():
    x = torch.full((4, 3, 32, 32), 0.3)
    assert torch.allclose(random_resized_crop(x, gen(0), 0.5), x, atol=1e-6)
    assert torch.allclose(gaussian_blur(x, gen(0), 1.0, (0.5, 2.0)), x, atol=1e-6)


def test_zero_strength_jitter_and_zero_probability_ops_are_identities():
    x = frames()
    assert torch.allclose(colour_jitter(x, gen(0), 0.0, 0.0, 0.0), x, atol=1e-6)
    assert torch.equal(gaussian_blur(x, gen(0), 0.0, (0.5, 1.5)), x)
    assert torch.equal(occlusion(x, gen(0), 0.0, (0.1, 0.3)), x)


def test_full_crop_scale_keeps_most_of_the_frame():
    x = frames()
    y = random_resized_crop(x, gen(3), 1.0)  # area 1, aspect jitter only
    assert float((y - x).abs().mean()) < float((frames(9) - x).abs().mean())


def test_occlusion_paints_one_rectangle_of_the_configured_size():
    x = torch.zeros(8, 3, 40, 40)
    y = occlusion(x, gen(4), 1.0, (0.25, 0.25))
    changed = (y != x).any(dim=1)  # [8, 40, 40]
    for b in range(8):
        if changed[b].any():  # a fill of exactly 0.0 is possible but improbable
            rows, cols = changed[b].nonzero(as_tuple=True)
            assert int(rows.max() - rows.min()) + 1 == 10 and int(cols.max() - cols.min()) + 1 == 10


def test_no_horizontal_flip_left_bright_frames_stay_left_bright():
    x = torch.zeros(16, 3, 64, 64)
    x[..., :24] = 1.0
    y = augment(x, gen(8), AugmentConfig(occlusion_p=0.0))
    assert bool((y[..., :16].mean(dim=(1, 2, 3)) > y[..., -16:].mean(dim=(1, 2, 3))).all())
