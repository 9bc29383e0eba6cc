"""Secret and ConfigMap volumes laid out the way the kubelet's atomic writer projects them.

Used by the pod test (tests/pod/pod_test.py) and by the key-rotation integration test. As the
kubelet does (pkg/volume/util/atomic_writer.go, pkg/volume/volume_linux.go):

  <volume>/                         the volume's tmpfs: mode 1777, or 3777 root:fsGroup
  <volume>/..2026_12_02_10_00_00.N/ one version of the payload: 0755, or 2755 root:fsGroup
  <volume>/..2026_12_02_10_00_00.N/<key>   the file: root-owned, group fsGroup (else root),
                                    mode = the item's mode or defaultMode (0644 when unset),
                                    | 0440 when an fsGroup is set (SetVolumeOwnership, read-only)
  <volume>/..data -> ..2026_...N    swapped with one rename(2) on every update
  <volume>/<key> -> ..data/<key>    made once, removed when the key leaves the payload

The old version directory is removed after the swap, so a reader that opened files through
`..data` before the swap still sees a complete old version, and one that resolves `..data`
after it sees the complete new one.
"""

import itertools
import os
import shutil
import time
from pathlib import Path

_versions = itertools.count(1)

DEFAULT_MODE = 0o644  # the API server's default for secret/configMap defaultMode


def file_mode(default_mode=None, item_mode=None, fs_group=None):
    """The mode the kubelet gives one projected file."""
    mode = item_mode if item_mode is not None else (
        default_mode if default_mode is not None else DEFAULT_MODE)
    if fs_group is not None:
        mode |= 0o440
    return mode


def project(volume, files, fs_group=None):
    """Writes a new version of `files` ({key: (bytes, mode)}) into `volume` and swaps `..data`
    to it. Returns the new version directory. Must run as root (it chowns)."""
    volume = Path(volume)
    group = fs_group if fs_group is not None else 0
    directory_extra = 0o2550 if fs_group is not None else 0
    volume.mkdir(parents=True, exist_ok=True)
    os.chown(volume, 0, group)
    os.chmod(volume, 0o1777 | directory_extra)
    data = volume / "..data"
    previous = os.readlink(data) if data.is_symlink() else None
    stamp = time.strftime("..%Y_%m_%d_%H_%M_%S.", time.gmtime()) + f"{os.getpid()}{next(_versions)}"
    version = volume / stamp
    version.mkdir()
    os.chown(version, 0, group)
    os.chmod(version, 0o755 | directory_extra)
    for key, (contents, mode) in files.items():
        assert "/" not in key and not key.startswith("."), key
        path = version / key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, contents)
        finally:
            os.close(fd)
        os.chown(path, 0, group)
        os.chmod(path, mode)
    os.symlink(stamp, volume / "..data_tmp")
    os.rename(volume / "..data_tmp", data)  # the atomic swap
    for entry in os.listdir(volume):
        if not entry.startswith(".") and entry not in files:
            os.unlink(volume / entry)
    for key in files:
        if not (volume / key).is_symlink():
            os.symlink(f"..data/{key}", volume / key)
    if previous:
        shutil.rmtree(volume / previous)
    return version


def read_files(directory):
    """{name: bytes} of the regular files in `directory` (e.g. what `keys generate` wrote)."""
    return {p.name: p.read_bytes() for p in sorted(Path(directory).iterdir()) if p.is_file()}
