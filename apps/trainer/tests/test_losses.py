import math

import pytest
import torch

from surprisal_trainer.losses import gaussian_nll, moment_match, vicreg, window_nll

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def test_gaussian_nll_matches_hand_computed_values():
    mean = torch.tensor([[0.0, 1.0]])
    log_var = torch.tensor([[0.0, math.log(4.0)]])
    target = torch.tensor([[1.0, 3.0]])
    # element 1: 0.5 ln 2pi + 0 + 0.5 * 1 ; element 2: 0.5 ln 2pi + 0.5 ln 4 + 0.5 * 4 / 4
    e1 = HALF_LOG_2PI + 0.5
    e2 = HALF_LOG_2PI + 0.5 * math.log(4.0) + 0.5
    assert float(gaussian_nll(mean, log_var, target, torch.ones(1, 2))) == pytest.approx((e1 + e2) / 2, abs=1e-6)
    assert float(gaussian_nll(mean, log_var, target, torch.tensor([[1.0, 0.0]]))) == pytest.approx(e1, abs=1e-6)


def test_gaussian_nll_weights_windows():
    mean, log_var = torch.zeros(2, 1), torch.zeros(2, 1)
    target = torch.tensor([[0.0], [2.0]])
    nll0, nll1 = HALF_LOG_2PI, HALF_LOG_2PI + 2.0
    got = gaussian_nll(mean, log_var, target, torch.ones(2, 1), torch.tensor([3.0, 1.0]))
    assert float(got) == pytest.approx((3 * nll0 + nll1) / 4, abs=1e-6)


def test_window_nll_is_the_mean_over_present_elements():
    mean, var = torch.zeros(1, 2, 1), torch.ones(1, 2, 1)
    target = torch.tensor([[[1.0], [100.0]]])
    got = window_nll(mean, var, target, torch.tensor([[[1.0], [0.0]]]))
    assert got.shape == (1,) and float(got[0]) == pytest.approx(HALF_LOG_2PI + 0.5, abs=1e-6)


def test_moment_matching_of_two_members():
    means = torch.tensor([[0.0], [2.0]])
    log_vars = torch.zeros(2, 1)
    mu, var = moment_match(means, log_vars)
    assert float(mu[0]) == pytest.approx(1.0) and float(var[0]) == pytest.approx(2.0)  # 1 + spread 1


def test_vicreg_identical_spread_out_views_cost_little():
    z = torch.randn(4096, 8, generator=torch.Generator().manual_seed(0)) * 1.2
    loss, terms = vicreg(z, z.clone())
    assert terms["invariance"] == 0.0 and terms["variance"] == 0.0
    assert terms["covariance"] < 0.02 and float(loss) < 0.02


def test_vicreg_penalises_collapse_and_correlation():
    collapsed = torch.zeros(64, 4)
    _, terms = vicreg(collapsed, collapsed)
    assert terms["variance"] == pytest.approx(1 - math.sqrt(1e-4), abs=1e-6)
    x = torch.randn(4096, 1, generator=torch.Generator().manual_seed(1))
    correlated = torch.cat([x, x], dim=1)
    _, terms = vicreg(correlated, correlated)
    # off-diagonal covariance ~1, twice, divided by dim 2, for each of the two views
    assert terms["covariance"] == pytest.approx(2 * (2 * 1.0 / 2), rel=0.1)


def test_vicreg_invariance_is_the_mse_between_views():
    z1, z2 = torch.zeros(10, 3), torch.full((10, 3), 0.5)
    _, terms = vicreg(z1, z2)
    assert terms["invariance"] == pytest.approx(0.25)
