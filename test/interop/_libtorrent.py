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
  seed <torrent> <save_path> --port N [--peer HOST:PORT]... [--tracker URL]...
       [--transports tcp|utp|tcp,utp] [--set NAME=VALUE]...
  leech <torrent> <save_path> --port N [--peer HOST:PORT]... [--tracker URL]...
       [--transports tcp|utp|tcp,utp] [--set NAME=VALUE]... [--dht-bootstrap HOST:PORT]
      Runs the torrent in a session that listens and dials on 127.0.0.1:N only
      (TCP unless --transports says otherwise; no DHT unless --dht-bootstrap; no LSD, UPnP or NAT-PMP;
      each --set overrides one setting_pack integer, or boolean as true/false)
      until standard input closes or
      SIGTERM/SIGINT arrives. `seed` checks the data under <save_path> first
      and exits 1 when it is not complete. Each --tracker is added to the
      torrent's own; each --peer is dialled once checking is over. Prints a
      JSON line about every 250 ms: {"type": "status", "progress": float,
      "state": str, "seeding": bool, "peers": int, "downloaded": int,
      "uploaded": int, "download_rate": int, "upload_rate": int, "error": str},
      and {"type": "alert", "message": str} for tracker, peer and torrent
      errors. A line `connect HOST:PORT` on standard input dials that peer.
      <torrent> may be a magnet link (leech). --dht-bootstrap turns the DHT on,
      bootstrapped only from that node, with the loopback restrictions off.
  guard <program> [args...]
      Runs the program (standard input from /dev/null, output inherited) and
      ends it (SIGTERM, then SIGKILL after 5 s) when the guard's standard
      input closes or the guard gets SIGTERM/SIGINT: a test that dies cannot
      leave the program running. Exits with the program's status.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

try:
    import libtorrent as lt
except ImportError:  # `guard` works without it
    lt = None


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


def stdin_lines():
    """A queue of standard input's lines, with None once it closes."""
    lines = queue.Queue()

    def pump():
        for line in sys.stdin:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def stop_on_signals():
    """A list that becomes non-empty on SIGTERM or SIGINT."""
    stopped = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stopped.append(signum))
    return stopped


def parse_address(text):
    host, _, port = text.rpartition(":")
    return (host, int(port))


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def serve(role, args):
    torrent, save_path, rest = args[0], args[1], args[2:]
    port, peers, trackers, transports, overrides, dht = 0, [], [], ["tcp"], {}, {}
    i = 0
    while i + 1 < len(rest):
        opt, value = rest[i], rest[i + 1]
        if opt == "--port":
            port = int(value)
        elif opt == "--peer":
            peers.append(parse_address(value))
        elif opt == "--tracker":
            trackers.append(value)
        elif opt == "--dht-bootstrap":
            dht = dict(enable_dht=True, dht_bootstrap_nodes=value, dht_restrict_routing_ips=False,
                       dht_restrict_search_ips=False, dht_prefer_verified_node_ids=False,
                       dht_announce_interval=2)
        elif opt == "--transports":
            transports = value.split(",")
        elif opt == "--set":
            name, _, text = value.partition("=")
            overrides[name] = text == "true" if text in ("true", "false") else int(text)
        else:
            raise SystemExit("unknown option " + opt)
        i += 2
    if i != len(rest):
        raise SystemExit("option %s needs a value" % rest[i])
    stopped = stop_on_signals()
    lines = stdin_lines()
    session = lt.session(dict(
        SETTINGS,
        listen_interfaces="127.0.0.1:%d" % port,
        enable_outgoing_utp="utp" in transports,
        enable_incoming_utp="utp" in transports,
        enable_outgoing_tcp="tcp" in transports,
        enable_incoming_tcp="tcp" in transports,
        allow_multiple_connections_per_ip=True,
        alert_mask=lt.alert.category_t.error_notification
        | lt.alert.category_t.status_notification
        | lt.alert.category_t.tracker_notification,
        **dht,
        **overrides,
    ))
    if torrent.startswith("magnet:"):
        params = lt.parse_magnet_uri(torrent)
    else:
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(torrent)
    params.save_path = save_path
    handle = session.add_torrent(params)
    for url in trackers:
        handle.add_tracker({"url": url, "tier": 0})
    if torrent.startswith("magnet:"):
        # No check before the metadata: dial the given peers at once.
        for peer in peers:
            handle.connect_peer(peer)
    checked = False
    last = 0.0
    while not stopped:
        session.wait_for_alert(100)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.torrent_checked_alert):
                checked = True
                for peer in peers:
                    handle.connect_peer(peer)
            elif isinstance(alert, (lt.tracker_error_alert, lt.tracker_warning_alert,
                                  lt.torrent_error_alert, lt.file_error_alert,
                                  lt.peer_error_alert, lt.listen_failed_alert)):
                emit({"type": "alert", "message": alert.message()})
        while True:
            try:
                line = lines.get_nowait()
            except queue.Empty:
                break
            if line is None:
                stopped.append("stdin")
                break
            if line.startswith("connect "):
                handle.connect_peer(parse_address(line[len("connect "):]))
        status = handle.status()
        now = time.monotonic()
        if now - last >= 0.25 or stopped:
            last = now
            emit({
                "type": "status",
                "progress": status.progress,
                "state": str(status.state),
                "seeding": status.is_seeding,
                "peers": status.num_peers,
                "downloaded": status.total_payload_download,
                "uploaded": status.total_payload_upload,
                "download_rate": status.download_payload_rate,
                "upload_rate": status.upload_payload_rate,
                "error": status.errc.message() if status.errc.value() != 0 else "",
            })
        if role == "seed" and checked and not status.is_seeding:
            emit({"type": "alert", "message": "the data under %s is not complete" % save_path})
            os._exit(1)
    session.remove_torrent(handle)
    del session
    sys.stdout.flush()
    # os._exit: the standard input thread may still be blocked in a read.
    os._exit(0)


def guard(command):
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stop.set())

    def watch_stdin():
        while os.read(0, 4096):
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    while child.poll() is None and not stop.wait(0.1):
        pass
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
    code = child.wait()
    # os._exit: a thread may still be blocked reading standard input.
    os._exit(code if code >= 0 else 128 - code)


def main(argv):
    if len(argv) >= 2 and argv[0] == "info":
        print(json.dumps(info(argv[1]), ensure_ascii=False))
    elif len(argv) >= 4 and argv[0] == "create":
        create(argv[1:])
    elif len(argv) == 3 and argv[0] == "check":
        print(json.dumps(check(argv[1], argv[2])))
    elif len(argv) >= 3 and argv[0] in ("seed", "leech"):
        serve(argv[0], argv[1:])
    elif len(argv) >= 2 and argv[0] == "guard":
        guard(argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
