"""libtorrent (python bindings) as a small CLI for the interop tests.

Run it with Debian's /usr/bin/python3, which has `import libtorrent`.

  info <torrent>
      Prints JSON: what libtorrent's torrent_info reports (info hashes, piece
      length and count, private flag, trackers, web seeds, and every file with
      its path, size, offset and pad flag). Fails when a session refuses to add
      the torrent: libtorrent 2.0 verifies v2 piece layers against the pieces
      roots there, not in torrent_info.
  create <path> <out> <v1|v2|hybrid> <piece_size> [--private]
         [--tracker URL[,URL...]]... [--web-seed URL]... [--comment TEXT]
      Creates a torrent of <path> (a file or a folder) with libtorrent's own
      create_torrent. Each --tracker is one tier. No creation date is written,
      so the output depends only on the data and the options. v1 torrents list
      files in sorted order (libtorrent itself would use the directory's
      order); v2 and hybrid torrents use libtorrent's canonical layout.
  check <torrent> <save_path>
      Adds the torrent to a loopback-only session, waits for libtorrent to
      check the data under <save_path> and prints JSON
      {"progress": float, "seeding": bool, "state": str, "error": str}.
"""

import json
import os
import sys
import tempfile
import time

import libtorrent as lt


SETTINGS = {
    "listen_interfaces": "127.0.0.1:0",
    "outgoing_interfaces": "127.0.0.1",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
}


def info(path):
    ti = lt.torrent_info(path)
    # Adding the torrent to a session verifies its piece layers. It is paused (no
    # network), but libtorrent may still create empty files: give it a scratch folder.
    with tempfile.TemporaryDirectory() as scratch:
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(path)
        params.save_path = scratch
        params.flags = lt.torrent_flags.paused
        session = lt.session(SETTINGS)
        try:
            session.add_torrent(params)
        except RuntimeError as e:
            raise SystemExit("libtorrent refuses to add %s: %s" % (path, e))
        del session
    hashes = ti.info_hashes()
    fs = ti.files()
    files = []
    for i in range(fs.num_files()):
        files.append({
            "path": fs.file_path(i),
            "size": fs.file_size(i),
            "offset": fs.file_offset(i),
            "pad": bool(fs.file_flags(i) & lt.file_storage.flag_pad_file),
        })
    return {
        "name": ti.name(),
        "v1": str(hashes.v1) if hashes.has_v1() else None,
        "v2": str(hashes.v2) if hashes.has_v2() else None,
        "num_pieces": ti.num_pieces(),
        "piece_length": ti.piece_length(),
        "total_size": ti.total_size(),
        "private": bool(ti.priv()),
        # libtorrent shuffles each tier as it loads a torrent: sort for a stable report.
        "trackers": sorted(({"url": t.url, "tier": t.tier} for t in ti.trackers()),
                           key=lambda t: (t["tier"], t["url"])),
        "web_seeds": [w["url"] for w in ti.web_seeds()],
        "comment": ti.comment(),
        "files": files,
    }


def sorted_storage(path):
    """A file_storage of path's files in sorted order (add_files uses readdir order)."""
    fs = lt.file_storage()
    base = os.path.basename(os.path.abspath(path))
    if os.path.isfile(path):
        fs.add_file(base, os.path.getsize(path))
        return fs
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, os.path.dirname(os.path.abspath(path)))
            fs.add_file(rel, os.path.getsize(full))
    return fs


def create(args):
    path, out, version, piece_size = args[0], args[1], args[2], int(args[3])
    rest = args[4:]
    flags = {"v1": lt.create_torrent.v1_only, "v2": lt.create_torrent.v2_only, "hybrid": 0}[version]
    if version == "v1":
        fs = sorted_storage(path)
    else:
        fs = lt.file_storage()
        lt.add_files(fs, path)
    ct = lt.create_torrent(fs, piece_size, flags=flags)
    ct.set_creator("libtorrent " + lt.__version__)
    tier = 0
    i = 0
    while i < len(rest):
        opt = rest[i]
        if opt == "--private":
            ct.set_priv(True)
            i += 1
            continue
        value = rest[i + 1]
        if opt == "--tracker":
            for url in value.split(","):
                ct.add_tracker(url, tier)
            tier += 1
        elif opt == "--web-seed":
            ct.add_url_seed(value)
        elif opt == "--comment":
            ct.set_comment(value)
        else:
            raise SystemExit("unknown option " + opt)
        i += 2
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
    entry = ct.generate()
    entry.pop(b"creation date", None)
    with open(out, "wb") as f:
        f.write(lt.bencode(entry))


def check(torrent, save_path):
    session = lt.session(dict(SETTINGS, alert_mask=lt.alert.category_t.status_notification
                              | lt.alert.category_t.error_notification
                              | lt.alert.category_t.storage_notification))
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_path
    try:
        handle = session.add_torrent(params)
    except RuntimeError as e:
        return {"progress": 0.0, "seeding": False, "state": "", "error": str(e)}
    deadline = time.monotonic() + 20
    checked = False
    error = ""
    while not checked and not error and time.monotonic() < deadline:
        session.wait_for_alert(100)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.torrent_checked_alert):
                checked = True
            elif isinstance(alert, (lt.torrent_error_alert, lt.file_error_alert)):
                error = alert.message()
    status = handle.status()
    if not checked and not error:
        error = "timed out waiting for the check"
    return {
        "progress": status.progress,
        "seeding": status.is_seeding,
        "state": str(status.state),
        "error": error or (status.errc.message() if status.errc.value() != 0 else ""),
    }


def main(argv):
    if len(argv) >= 2 and argv[0] == "info":
        print(json.dumps(info(argv[1]), ensure_ascii=False))
    elif len(argv) >= 4 and argv[0] == "create":
        create(argv[1:])
    elif len(argv) == 3 and argv[0] == "check":
        print(json.dumps(check(argv[1], argv[2])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
