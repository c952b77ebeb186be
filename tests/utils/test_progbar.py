"""Progbar: Keras's text (step count, bar, time left or taken, time per step, values), the
running averages weighted by steps, stateful metrics, redrawing in place in terminals and
Jupyter, one finished line in logs, verbose levels and throttling."""

import types

import numpy as np
import pytest

from minikeras.utils import Progbar, progbar

BOLD, GREEN, GREY, RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


class Clock:
    """A fake wall clock, `elapsed` seconds after the bar was made."""

    def __init__(self):
        self.elapsed = 0.0

    def time(self):
        return 1.7e9 + self.elapsed


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(progbar, "time", types.SimpleNamespace(time=fake.time))
    return fake


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(progbar, "_interactive", lambda stream: True)


def run(bar, clock, steps, values, seconds_per_step=0.2, start=1):
    for step in range(start, steps + 1):
        clock.elapsed = step * seconds_per_step
        bar.update(step, values(step))


def test_log_gets_one_finished_line_in_keras_format(clock, capsys):
    bar = Progbar(10)
    run(bar, clock, 10, lambda step: [("loss", 0.5)])
    assert capsys.readouterr().out == \
        "10/10 ━━━━━━━━━━━━━━━━━━━━ 2s 200ms/step - loss: 0.5000\n"


def test_terminal_redraws_in_place_with_colors_and_eta(clock, terminal, capsys):
    bar = Progbar(10, interval=0)
    run(bar, clock, 5, lambda step: [("loss", 1.0)], seconds_per_step=0.5)
    last = capsys.readouterr().out.split("\r")[-1]
    # After step 1 (not counted, it is often slower): 0.5 s per step, 5 steps left.
    assert last == (f"{BOLD} 5/10{RESET} {GREEN}{'━' * 10}{RESET}{GREY}{'━' * 10}{RESET} "
                    f"{BOLD}2s{RESET} 500ms/step - loss: 1.0000")
    run(bar, clock, 10, lambda step: [("loss", 1.0)], seconds_per_step=0.5, start=6)
    last = capsys.readouterr().out.split("\r")[-1]
    assert last == f"{BOLD}10/10{RESET} {GREEN}{'━' * 20}{RESET} {BOLD}5s{RESET} " \
                   f"500ms/step - loss: 1.0000\n"


def test_running_average_weighted_by_steps(clock, terminal, capsys):
    bar = Progbar(100, interval=0)
    bar.update(1, [("loss", 1.0), ("acc", 0.5)])
    bar.update(3, [("loss", 4.0), ("acc", 0.5)])  # covers 2 steps: weight 2
    assert capsys.readouterr().out.endswith(" - loss: 3.0000 - acc: 0.5000")
    bar.add(1, [("loss", np.array([2.0, 4.0], dtype="float32"))])  # an array: its mean, 3
    assert capsys.readouterr().out.endswith(" - loss: 3.0000 - acc: 0.5000")


def test_stateful_metrics_show_their_last_value(clock, terminal, capsys):
    bar = Progbar(100, interval=0, stateful_metrics=["accuracy"])
    bar.update(1, [("loss", 1.0), ("accuracy", 0.2)])
    bar.update(2, [("loss", 3.0), ("accuracy", 0.9)])
    assert capsys.readouterr().out.endswith(" - loss: 2.0000 - accuracy: 0.9000")


def test_finishing_update_shows_values_as_given(clock, capsys):
    bar = Progbar(3)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 2.0)])
    bar.update(3, [("loss", 0.25)])  # as in Keras, where fit passes the epoch's averages here
    assert capsys.readouterr().out.endswith(" - loss: 0.2500\n")


def test_small_values_in_scientific_notation(clock, capsys):
    bar = Progbar(1)
    bar.update(1, [("loss", 2.5e-5), ("gain", -0.5)])
    assert capsys.readouterr().out.endswith(" - loss: 2.5000e-05 - gain: -0.5000\n")


def test_shorter_line_is_padded_over_the_previous_one(clock, terminal, capsys):
    bar = Progbar(100, interval=0)
    bar.update(1, [("loss", 123456.0)])
    long = capsys.readouterr().out
    bar.update(2, [("loss", -123456.0)])  # average 0: a shorter number
    short = capsys.readouterr().out
    visible = [text.replace(BOLD, "").replace(GREEN, "").replace(GREY, "").replace(RESET, "")
               for text in (long, short)]
    assert len(visible[1]) == len(visible[0]) and visible[1].endswith(" ")


def test_interval_throttles_redraws_but_not_the_last(clock, terminal, capsys):
    bar = Progbar(10, interval=1.0)
    run(bar, clock, 10, lambda step: None, seconds_per_step=0.1)
    out = capsys.readouterr().out
    assert out.count("\r") == 2  # the first update and the finishing one
    assert out.endswith("\n")


def test_unknown_target(clock, capsys):
    bar = Progbar(None)
    clock.elapsed = 1.0
    bar.update(3, [("loss", 1.0)], finalize=True)
    assert capsys.readouterr().out == "      3/Unknown 1s 333ms/step - loss: 1.0000\n"


def test_verbose_2_prints_one_line_at_the_end_and_0_nothing(clock, terminal, capsys):
    bar = Progbar(4, verbose=2, unit_name="sample")
    run(bar, clock, 4, lambda step: [("loss", 0.5)], seconds_per_step=2.0)
    assert capsys.readouterr().out == "4/4 - 8s - 2s/sample - loss: 0.5000\n"
    bar = Progbar(4, verbose=0)
    run(bar, clock, 4, lambda step: [("loss", 0.5)])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("seconds, text", [(42.9, "42s"), (125, "2:05"), (3725, "1:02:05")])
def test_eta_format(seconds, text):
    assert progbar._format_eta(seconds) == text


@pytest.mark.parametrize("seconds, text", [(0, "0s/step"), (2.4, "2s/step"),
                                           (0.0123, "12ms/step"), (5e-5, "50us/step")])
def test_time_per_step_format(seconds, text):
    assert progbar._format_time(seconds, "step") == text


def test_bad_arguments():
    with pytest.raises(ValueError, match="`verbose` must be 0, 1 or 2"):
        Progbar(10, verbose=3)
    with pytest.raises(ValueError, match="`target` must be a non-negative integer or None"):
        Progbar("10")
    with pytest.raises(TypeError, match="the value of 'loss' must be a number"):
        Progbar(10, verbose=0).update(1, [("loss", "low")])
