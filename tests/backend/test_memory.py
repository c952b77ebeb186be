"""The allocator setting that keeps freed arrays for reuse."""

import subprocess
import sys


def _run(code, env_extra=None):
    import os
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()


def test_applied_once_on_linux_and_can_be_switched_off():
    code = ("from minikeras.backend import memory\n"
            "print(memory.keep_freed_memory(), memory.keep_freed_memory())")
    expected = "True True" if sys.platform.startswith("linux") else "False False"
    assert _run(code) == expected
    assert _run(code, {"MINIKERAS_RETURN_MEMORY": "1"}) == "False False"


def test_fit_applies_it():
    code = ("import numpy as np, minikeras as keras\n"
            "from minikeras.backend import memory\n"
            "m = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])\n"
            "m.compile('sgd', 'mse'); m.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)\n"
            "print(memory._applied is not None)")
    assert _run(code) == "True"
