"""Callbacks: code that runs at the start and end of training, epochs and batches.

`fit` always uses a `History` (returned to the user) and, when verbose, a `ProgbarLogger`.
"""

from .backup_and_restore import BackupAndRestore
from .callback import Callback, CallbackList
from .history import History
from .model_checkpoint import ModelCheckpoint
from .progbar_logger import ProgbarLogger, format_logs
from .tensorboard import TensorBoard
