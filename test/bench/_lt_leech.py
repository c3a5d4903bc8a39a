"""libtorrent as a leecher in the download benchmark.

Run it with Debian's /usr/bin/python3, which has `import libtorrent`.

  _lt_leech.py <torrent> <save_path> --peer HOST:PORT

Downloads into <save_path> with libtorrent's default settings, except that it
stays on 127.0.0.1 over TCP (no uTP, DHT, LSD, UPnP or NAT-PMP): what a
libtorrent user gets out of the box. Dials the peer once the (empty) data is
checked and exits 0 as soon as libtorrent reports the torrent finished, that
is, every piece downloaded and its hash checked; exits 1 on a torrent or file
error, or on SIGTERM/SIGINT.
"""

import os
import sys

import libtorrent as lt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from _libtorrent import SETTINGS, parse_address, stop_on_signals  # noqa: E402


def main(argv):
    if len(argv) != 4 or argv[2] != "--peer":
        sys.exit(__doc__)
    torrent, save_path = argv[0], argv[1]
    peer = parse_address(argv[3])
    stopped = stop_on_signals()
    session = lt.session(dict(
        SETTINGS, enable_outgoing_utp=False, enable_incoming_utp=False,
        alert_mask=lt.alert.category_t.error_notification
        | lt.alert.category_t.status_notification))
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_path
    handle = session.add_torrent(params)
    finished = False
    while not finished and not stopped:
        session.wait_for_alert(100)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.torrent_checked_alert):
                handle.connect_peer(peer)
            elif isinstance(alert, lt.torrent_finished_alert):
                finished = True
            elif isinstance(alert, (lt.torrent_error_alert, lt.file_error_alert)):
                sys.stderr.write("libtorrent: %s\n" % alert.message())
                sys.exit(1)
    if not finished:
        sys.exit(1)
    # Finished means every piece passed its hash check; wait for the last writes.
    handle.flush_cache()
    session.remove_torrent(handle)
    del session


if __name__ == "__main__":
    main(sys.argv[1:])
