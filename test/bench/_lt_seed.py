"""libtorrent as the download benchmark's seeder (and its torrent maker).

Run it with Debian's /usr/bin/python3, which has `import libtorrent`.

  create <file> <out.torrent> <piece_size>
      Writes a v1 single-file torrent of <file> with no trackers and no
      creation date, so it depends only on the data, and prints its info hash.
  infohash <torrent>
      Prints the torrent's v1 info hash in hex.
  seed <torrent> <save_path> [--tracker URL]
      Seeds from <save_path> with lt.high_performance_seed() settings, on
      127.0.0.1 only, over TCP (no uTP, DHT, LSD, UPnP, NAT-PMP), with
      plaintext outgoing handshakes (so a peer that prefers encryption, like
      Transmission, is not handed RC4 that the others are spared). It checks the
      data first and exits 1 unless it is complete; then prints one line
      {"type": "ready", "port": N, "info_hash": HEX} and serves until standard
      input closes or SIGTERM/SIGINT arrives. A line `connect HOST:PORT` on
      standard input dials that peer; `stats` prints a line {"type": "stats",
      "uploaded": N, "peers": N}. Errors from peers and trackers go to standard
      error as they happen.
"""

import os
import queue
import sys

import libtorrent as lt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from _libtorrent import SETTINGS, emit, parse_address, stdin_lines, stop_on_signals  # noqa: E402

LOOPBACK = dict(SETTINGS, enable_outgoing_utp=False, enable_incoming_utp=False,
                allow_multiple_connections_per_ip=True)


def create(path, out, piece_size):
    fs = lt.file_storage()
    fs.add_file(os.path.basename(path), os.path.getsize(path))
    ct = lt.create_torrent(fs, piece_size, flags=lt.create_torrent.v1_only)
    ct.set_creator("libtorrent " + lt.__version__)
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
    entry = ct.generate()
    entry.pop(b"creation date", None)
    with open(out, "wb") as f:
        f.write(lt.bencode(entry))
    print(str(lt.torrent_info(out).info_hashes().v1))


def seed(torrent, save_path, trackers):
    stopped = stop_on_signals()
    lines = stdin_lines()
    settings = lt.high_performance_seed()
    settings.update(LOOPBACK)
    settings["out_enc_policy"] = 2  # pe_disabled: plaintext handshakes when it dials
    settings["alert_mask"] = (lt.alert.category_t.error_notification
                              | lt.alert.category_t.status_notification
                              | lt.alert.category_t.tracker_notification)
    session = lt.session(settings)
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_path
    handle = session.add_torrent(params)
    for url in trackers:
        handle.add_tracker({"url": url, "tier": 0})
    ready = False
    while not stopped:
        session.wait_for_alert(10)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.torrent_checked_alert):
                status = handle.status()
                if not status.is_seeding:
                    sys.stderr.write("the data under %s is not complete (%.1f%%)\n"
                                     % (save_path, status.progress * 100))
                    sys.exit(1)
                ready = True
                emit({"type": "ready", "port": session.listen_port(),
                      "info_hash": str(handle.info_hashes().v1)})
            elif isinstance(alert, (lt.tracker_error_alert, lt.torrent_error_alert,
                                  lt.file_error_alert, lt.listen_failed_alert)):
                sys.stderr.write("seeder: %s\n" % alert.message())
        while True:
            try:
                line = lines.get_nowait()
            except queue.Empty:
                break
            if line is None:
                stopped.append("stdin")
                break
            if line.startswith("connect ") and ready:
                handle.connect_peer(parse_address(line[len("connect "):]))
            elif line == "stats":
                status = handle.status()
                emit({"type": "stats", "uploaded": status.total_payload_upload,
                      "peers": status.num_peers})
    session.remove_torrent(handle)
    del session


def main(argv):
    if len(argv) == 4 and argv[0] == "create":
        create(argv[1], argv[2], int(argv[3]))
    elif len(argv) == 2 and argv[0] == "infohash":
        print(str(lt.torrent_info(argv[1]).info_hashes().v1))
    elif len(argv) >= 3 and argv[0] == "seed":
        rest = argv[3:]
        if len(rest) % 2 or any(opt != "--tracker" for opt in rest[::2]):
            sys.exit(__doc__)
        seed(argv[1], argv[2], rest[1::2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
