"""TensorBoard event files, written and read without TensorFlow or protobuf.

An event file is a sequence of TFRecords: a little-endian uint64 length, the masked CRC32C of
those 8 bytes, the data, and the masked CRC32C of the data. Each record holds one `Event`
protocol buffer; the first one names the format ('brain.Event:2'), the others carry a
`Summary` of tagged values at a step. The few messages needed are encoded by hand here,
with the field numbers of TensorBoard's `event.proto`, `summary.proto`, `histogram.proto`
and `tensor.proto`:

    Event           wall_time double = 1, step int64 = 2, file_version string = 3,
                    summary Summary = 5
    Summary         repeated Value value = 1
    Value           tag string = 1, simple_value float = 2, histo HistogramProto = 5,
                    tensor TensorProto = 8, metadata SummaryMetadata = 9
    HistogramProto  min = 1, max = 2, num = 3, sum = 4, sum_squares = 5 (doubles),
                    bucket_limit = 6, bucket = 7 (packed doubles)
    TensorProto     dtype = 1, tensor_shape = 2, tensor_content = 4, float_val = 5,
                    double_val = 6, string_val = 8
    SummaryMetadata plugin_data PluginData = 1 (plugin_name string = 1, content bytes = 2)

`read_events` and `read_scalars` read such files back (ours, and the scalars that
TensorFlow's `tf.summary` writes), checking every CRC, e.g. to plot a run in a notebook.
"""

import os
import socket
import struct
import time
from collections import namedtuple

import numpy as np

FILE_VERSION = "brain.Event:2"
HISTOGRAM_BUCKETS = 30  # tf.summary.histogram's default

_DT_FLOAT, _DT_DOUBLE, _DT_STRING = 1, 2, 7
_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5


# -- CRC32C (Castagnoli), as TFRecord frames use it ------------------------------------------

def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    """The CRC32C checksum of `data` (bytes), e.g. `crc32c(b"123456789") == 0xE3069283`."""
    table, crc = _CRC_TABLE, 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC: rotated and offset, so CRCs of CRCs do not look like data."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame_record(data):
    """`data` framed as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data
            + struct.pack("<I", masked_crc32c(data)))


# -- protocol buffer encoding -----------------------------------------------------------------

def _varint(value):
    value &= 0xFFFFFFFFFFFFFFFF  # negative int64s take ten bytes, as protobuf writes them
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(number, wire_type):
    return _varint(number << 3 | wire_type)


def _field_varint(number, value):
    return _key(number, _VARINT) + _varint(value)


def _field_double(number, value):
    return _key(number, _FIXED64) + struct.pack("<d", value)


def _field_float(number, value):
    return _key(number, _FIXED32) + struct.pack("<f", value)


def _field_bytes(number, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _key(number, _LENGTH) + _varint(len(data)) + data


def _field_packed_doubles(number, values):
    return _field_bytes(number, np.asarray(values, dtype="<f8").tobytes())


def _plugin_metadata(plugin_name, content=b""):
    plugin_data = _field_bytes(1, plugin_name) + (_field_bytes(2, content) if content else b"")
    return _field_bytes(9, _field_bytes(1, plugin_data))


def scalar_value(tag, value):
    """A `Summary.Value` holding a float32 scalar (TensorBoard's Scalars tab)."""
    return _field_bytes(1, tag) + _field_float(2, float(value))


def histogram_value(tag, values, buckets=HISTOGRAM_BUCKETS):
    """A `Summary.Value` holding the histogram of `values` in equal-width buckets
    (TensorBoard's Histograms and Distributions tabs), or None when no value is finite.

    Non-finite values (a diverged weight) are left out: they have no place on the axis.
    """
    values = np.asarray(values).ravel()
    if not np.isfinite(values).all():
        values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    low, high = float(values.min()), float(values.max())
    if low == high:  # one bucket; TensorBoard draws it from min to max
        limits, counts = [high], [float(values.size)]
    else:
        counts, edges = np.histogram(values, bins=buckets, range=(low, high))
        limits = edges[1:]
        limits[-1] = high  # the right edge of the last bucket is the maximum itself
    histo = (_field_double(1, low) + _field_double(2, high) + _field_double(3, values.size)
             + _field_double(4, float(values.sum(dtype=np.float64)))
             + _field_double(5, float(np.dot(values, values)))
             + _field_packed_doubles(6, limits) + _field_packed_doubles(7, counts))
    return _field_bytes(1, tag) + _field_bytes(5, histo)


def keras_model_value(json_text, tag="keras"):
    """A `Summary.Value` holding a model's JSON config, which TensorBoard's Graphs tab draws
    as a conceptual graph (plugin 'graph_keras_model', as Keras writes it)."""
    tensor = _field_varint(1, _DT_STRING) + _field_bytes(2, b"") + _field_bytes(8, json_text)
    return _field_bytes(1, tag) + _plugin_metadata("graph_keras_model", b"1") + \
        _field_bytes(8, tensor)


def encode_event(wall_time, step, values=None, file_version=None):
    """An `Event` message: a file version, or a summary of encoded `values` at `step`."""
    out = _field_double(1, wall_time) + (_field_varint(2, step) if step else b"")
    if file_version is not None:
        out += _field_bytes(3, file_version)
    if values is not None:
        out += _field_bytes(5, b"".join(_field_bytes(1, value) for value in values))
    return out


# -- writing ----------------------------------------------------------------------------------

def _new_event_file(log_dir):
    """Open a new event file in `log_dir`, named as TensorFlow names them; never an existing
    file (two writers started in the same second get different names)."""
    stem = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}"
    for number in range(10000):
        path = os.path.join(log_dir, f"{stem}.{number}")
        try:
            return path, open(path, "xb")
        except FileExistsError:
            continue
    raise FileExistsError(f"Cannot create a new event file in {log_dir!r}: 10000 files "
                          f"named {stem}.* already exist.")


class EventFileWriter:
    """Append events to a new event file in `log_dir` (created if missing).

    Writes are buffered: call `flush()` to make them visible to TensorBoard, and `close()`
    when done. An event file is an append-only log that TensorBoard reads while it grows, so
    it is written in place; each record carries its own CRCs, so a reader detects a torn
    record instead of misreading it.

    Args:
        log_dir: the folder of the run, e.g. 'logs/train'.

    >>> with EventFileWriter("logs/train") as writer:
    ...     writer.add_scalars({"epoch_loss": 0.25}, step=0)
    """

    def __init__(self, log_dir):
        self.log_dir = os.fspath(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        self.path, self._file = _new_event_file(self.log_dir)
        self._write(encode_event(time.time(), 0, file_version=FILE_VERSION))

    def _write(self, event):
        if self._file is None:
            raise ValueError(f"The event file {self.path!r} is closed; create a new "
                             f"EventFileWriter to write more events.")
        self._file.write(frame_record(event))

    def add_values(self, values, step):
        """Write encoded `Summary.Value`s (None entries skipped) as one event at `step`."""
        values = [value for value in values if value is not None]
        if values:
            self._write(encode_event(time.time(), int(step), values))

    def add_scalars(self, scalars, step):
        """Write a dict of tag -> number as float32 scalars at `step`."""
        self.add_values([scalar_value(tag, value) for tag, value in scalars.items()], step)

    def add_histograms(self, arrays, step):
        """Write a dict of tag -> array as histograms at `step`."""
        self.add_values([histogram_value(tag, array) for tag, array in arrays.items()], step)

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# -- reading ----------------------------------------------------------------------------------

Event = namedtuple("Event", "wall_time step file_version values")
Value = namedtuple("Value", "tag simple_value histogram tensor plugin_name")
Histogram = namedtuple("Histogram", "min max num sum sum_squares bucket_limit bucket")
Value.__doc__ = ("One tagged value of a summary: `simple_value` (a float), `histogram` "
                 "(a Histogram) or `tensor` (a numpy array, or a list of bytes for strings).")


def read_records(path):
    """Yield the data of each TFRecord in the file at `path`, checking both CRCs.

    An incomplete last record (a file still being written) ends the reading; a CRC that
    does not match raises a ValueError.
    """
    with open(path, "rb") as handle:
        position = 0
        while True:
            header = handle.read(12)
            if len(header) < 12:
                return
            length_bytes, length_crc = header[:8], struct.unpack("<I", header[8:])[0]
            if masked_crc32c(length_bytes) != length_crc:
                raise ValueError(f"{path!r} is damaged: the length of the record at byte "
                                 f"{position} fails its CRC check.")
            length = struct.unpack("<Q", length_bytes)[0]
            data = handle.read(length)
            footer = handle.read(4)
            if len(data) < length or len(footer) < 4:
                return
            if masked_crc32c(data) != struct.unpack("<I", footer)[0]:
                raise ValueError(f"{path!r} is damaged: the data of the record at byte "
                                 f"{position} fails its CRC check.")
            position += 16 + length
            yield data


def _read_varint(data, position):
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ValueError("a protocol buffer varint runs past its message")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def _fields(data):
    """The (field number, value) pairs of a protocol buffer message, in order."""
    position, out = 0, []
    widths = {_FIXED64: 8, _FIXED32: 4}
    while position < len(data):
        key, position = _read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value, position = _read_varint(data, position)
        elif wire_type in widths or wire_type == _LENGTH:
            if wire_type == _LENGTH:
                width, position = _read_varint(data, position)
            else:
                width = widths[wire_type]
            if position + width > len(data):
                raise ValueError(f"protocol buffer field {number} runs past its message")
            value = data[position:position + width]
            position += width
        else:
            raise ValueError(f"unsupported protocol buffer wire type {wire_type}")
        out.append((number, value))
    return out


def _doubles(chunks):
    """Repeated doubles, packed (one chunk of many) or not (chunks of 8 bytes)."""
    return np.frombuffer(b"".join(chunks), dtype="<f8").astype(np.float64)


def _decode_histogram(data):
    fields = {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0}
    limits, counts = [], []
    for number, value in _fields(data):
        if number in fields:
            fields[number] = struct.unpack("<d", value)[0]
        elif number == 6:
            limits.append(value)
        elif number == 7:
            counts.append(value)
    return Histogram(*(fields[n] for n in range(1, 6)), _doubles(limits), _doubles(counts))


def _decode_tensor(data):
    dtype, content, floats, doubles, strings = 0, b"", [], [], []
    for number, value in _fields(data):
        if number == 1:
            dtype = value
        elif number == 4:
            content = value
        elif number == 5:
            floats.append(value)
        elif number == 6:
            doubles.append(value)
        elif number == 8:
            strings.append(bytes(value))
    if dtype == _DT_STRING:
        return strings
    if dtype == _DT_FLOAT:
        return np.frombuffer(content or b"".join(floats), dtype="<f4").astype(np.float32)
    if dtype == _DT_DOUBLE:
        return np.frombuffer(content or b"".join(doubles), dtype="<f8").astype(np.float64)
    return None  # other dtypes are not needed to read scalars, histograms and graphs


def _decode_value(data):
    tag, simple, histogram, tensor, plugin = "", None, None, None, None
    for number, value in _fields(data):
        if number == 1:
            tag = value.decode("utf-8")
        elif number == 2:
            simple = struct.unpack("<f", value)[0]
        elif number == 5:
            histogram = _decode_histogram(value)
        elif number == 8:
            tensor = _decode_tensor(value)
        elif number == 9:
            for meta_number, meta in _fields(value):
                if meta_number == 1:
                    plugin = dict(_fields(meta)).get(1, b"").decode("utf-8")
    return Value(tag, simple, histogram, tensor, plugin)


def decode_event(data):
    """An `Event` namedtuple (wall_time, step, file_version, values) from a record's data."""
    wall_time, step, file_version, values = 0.0, 0, None, []
    for number, value in _fields(data):
        if number == 1:
            wall_time = struct.unpack("<d", value)[0]
        elif number == 2:
            step = value - (1 << 64) if value >= 1 << 63 else value
        elif number == 3:
            file_version = value.decode("utf-8")
        elif number == 5:
            values.extend(_decode_value(item) for n, item in _fields(value) if n == 1)
    return Event(wall_time, step, file_version, values)


def event_files(path):
    """The event files at `path`: the file itself, or those in the folder, oldest first."""
    path = os.fspath(path)
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise ValueError(f"No event file or folder at {path!r}.")
    return [os.path.join(path, name) for name in sorted(os.listdir(path))
            if "tfevents" in name and os.path.isfile(os.path.join(path, name))]


def read_events(path):
    """All events of an event file, or of the event files in a folder (e.g. 'logs/train').

    >>> [event.step for event in read_events("logs/train")]
    """
    return [decode_event(data) for file in event_files(path) for data in read_records(file)]


def read_scalars(path):
    """The scalars of a run as {tag: [(step, value), ...]}, e.g. to plot them.

    Reads both scalars stored as simple values and the float scalar tensors that
    TensorFlow's `tf.summary.scalar` writes.

    >>> steps, losses = zip(*read_scalars("logs/train")["epoch_loss"])
    """
    scalars, scalar_tags = {}, set()
    for event in read_events(path):
        for value in event.values:
            if value.plugin_name == "scalars":  # written with the first value of a tag only
                scalar_tags.add(value.tag)
            if value.simple_value is not None:
                number = value.simple_value
            elif value.tag in scalar_tags and isinstance(value.tensor, np.ndarray) \
                    and value.tensor.size == 1:
                number = float(value.tensor[0])
            else:
                continue
            scalars.setdefault(value.tag, []).append((event.step, number))
    return scalars
