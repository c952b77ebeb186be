"""Keeping freed array memory in the process, so training steps do not page-fault.

A training step allocates the same large temporaries (window matrices, activations,
gradients) again and again. By default glibc gives each freed block above 128 KB back to the
operating system, and the next allocation of the same size then faults in fresh pages:
thousands of page faults per step, which doubled the time of a CNN epoch. Raising glibc's
thresholds once keeps those blocks for reuse, as deep-learning frameworks' own allocators do.
The price: the process keeps its peak memory instead of returning it while it runs.

Training calls `keep_freed_memory()` on its first use; set the environment variable
MINIKERAS_RETURN_MEMORY=1 to keep glibc's defaults. Elsewhere than glibc it does nothing.
"""

import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 1024 * 1024   # glibc's largest allowed value on 64-bit systems
_TRIM_THRESHOLD = 1 << 30

_applied = None  # None until the first call, then whether the setting took effect


def keep_freed_memory():
    """Ask glibc (once) to reuse freed blocks up to 32 MB instead of unmapping them.

    Returns whether the setting is in effect.
    """
    global _applied
    if _applied is None:
        _applied = _apply()
    return _applied


def _apply():
    if not sys.platform.startswith("linux") or os.environ.get("MINIKERAS_RETURN_MEMORY") == "1":
        return False
    import ctypes
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to tune
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) and
                mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
