"""Peak RSS of `dozor replay` on stream-dev under different page-cache states of chdb's library (Linux, root for
the folio sizes only; not needed by tests).

    python bench/bench_rss_page_cache.py [--posts FILE] [--runs 2] [--out bench/results/rss_page_cache.json]

chdb's `_chdb.abi3.so` (555 MB, 373 MB of it code) is copied with its `chdb_core.libs` into a temporary directory
put first on PYTHONPATH, so its page cache can be set up without touching the installed one:

    pip64k   rewritten in 64 KB writes, as pip's wheel installer writes (the page cache holds it in 64 KB folios)
    write8m  rewritten in 8 MB writes (2 MB folios)
    read     evicted, then read whole with read() (large folios by readahead)
    evicted  evicted (fsync + POSIX_FADV_DONTNEED): the replay reads it back through page faults

and, with --madvise, the same after madvise(MADV_RANDOM) on the library's mappings right after chdb is imported.
Each run samples the child's VmRSS / RssAnon / RssFile every 20 ms and records the split at the peak.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTS = ROOT.parent / "shared" / "datasets" / "stream-dev" / "posts.jsonl"
STATES = ("pip64k", "write8m", "read", "evicted")

MADVISE = """
import ctypes, mmap
import chdb
libc = ctypes.CDLL(None)
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
for line in open("/proc/self/maps"):
    f = line.split()
    if len(f) >= 6 and f[5].endswith("_chdb.abi3.so"):
        a, b = (int(x, 16) for x in f[0].split("-"))
        assert libc.madvise(a, b - a, mmap.MADV_RANDOM) == 0
"""
REPLAY = """
import contextlib, io, sys
from pipeline.commands import main
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["replay", sys.argv[1], "-q", "--db", sys.argv[2]]) == 0
"""


def rewrite(src: Path, dst: Path, chunk: int) -> None:
    dst.unlink(missing_ok=True)
    with open(src, "rb") as f, open(dst, "wb") as g:
        while block := f.read(chunk):
            g.write(block)
        os.fsync(g.fileno())


def evict(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def prepare(state: str, src: Path, lib: Path) -> None:
    if state == "pip64k":
        rewrite(src, lib, 64 * 1024)
    elif state == "write8m":
        rewrite(src, lib, 8 * 1024 * 1024)
    else:
        evict(lib)
        if state == "read":
            with open(lib, "rb") as f:
                while f.read(1 << 20):
                    pass


def replay(env: dict, posts: Path, db: Path, madvise: bool, code_dir: Path) -> dict:
    code = (MADVISE if madvise else "") + REPLAY
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", code, str(posts), f"chdb://{db}"], env=env, cwd=code_dir,
                         stderr=subprocess.PIPE, text=True)
    peak = (0, 0, 0)
    while p.poll() is None:
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{p.pid}/status").read_text().splitlines())
            now = tuple(int(status[k].split()[0]) // 1024 for k in ("VmRSS", "RssAnon", "RssFile"))
            peak = max(peak, now)
        except (OSError, KeyError, ValueError):
            pass
        time.sleep(0.02)
    if p.returncode:
        raise RuntimeError(p.stderr.read()[-2000:])
    return {"peak_mb": peak[0], "anon_at_peak_mb": peak[1], "file_at_peak_mb": peak[2],
            "wall_s": round(time.perf_counter() - t, 1)}


def _commit(code: Path) -> str:
    done = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or str(code)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--madvise", action="store_true", help="also each state with MADV_RANDOM on the library")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose replay runs (an A/B: an older one)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "rss_page_cache.json")
    args = ap.parse_args()
    import chdb
    installed = Path(chdb.__file__).parent
    work = Path(tempfile.mkdtemp(prefix="dozor-rss-"))
    try:
        shutil.copytree(installed, work / "lib" / "chdb", symlinks=True)
        shutil.copytree(installed.parent / "chdb_core.libs", work / "lib" / "chdb_core.libs", symlinks=True)
        lib = work / "lib" / "chdb" / "_chdb.abi3.so"
        env = {**os.environ, "DOZOR_DATA_DIR": str(work / "data"), "PYTHONPATH": f"{work / 'lib'}:{args.code}",
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        subprocess.run([sys.executable, "-c", "from pipeline.kit import load_kit; from core.settings import "
                        "Settings; load_kit(Settings())"], check=True, env=env, cwd=args.code)   # seed models, once
        results = []
        for run in range(args.runs):
            for state in STATES:
                for madvise in (False, True) if args.madvise else (False,):
                    prepare(state, installed / "_chdb.abi3.so", lib)
                    r = {"state": state, "madvise_random": madvise, "run": run,
                         **replay(env, args.posts, work / f"db-{state}-{madvise}-{run}", madvise, args.code)}
                    print(json.dumps(r), flush=True)
                    results.append(r)
        out = {"posts": args.posts.name, "code": _commit(args.code), "runs": results, "load_average": os.getloadavg()[0],
               "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "kernel": os.uname().release}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=1) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
