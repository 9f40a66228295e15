#!/usr/bin/python3
"""A pull-model RTSP camera on loopback for tests (STACK-NOTES recipe B).

gst-rtsp-server serves rtsp://127.0.0.1:<port><path>; its pipeline reads MPEG-TS from loopback UDP,
which a child ffmpeg produces by looping a video file in real time.

Run with Debian's /usr/bin/python3 (it has `gi`). Signals: SIGUSR1 stops the feed (the camera freezes:
connected clients get no more frames), SIGUSR2 starts it again, SIGTERM/SIGINT stop everything.
The script and its ffmpeg die with their parent (PR_SET_PDEATHSIG), so a killed test leaves nothing behind.
Prints "READY <rtsp-port> <udp-port>" on stdout once the server listens.
"""
import argparse
import ctypes
import signal
import socket
import subprocess
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PR_SET_PDEATHSIG = 1


def die_with_parent():
    try:
        ctypes.CDLL('libc.so.6', use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=0, help='RTSP port; 0 picks a free one')
    ap.add_argument('--address', default='127.0.0.1', help='address the RTSP server listens on')
    ap.add_argument('--path', default='/cam')
    ap.add_argument('--video', required=True)
    ap.add_argument('--ffmpeg', default='ffmpeg')
    ap.add_argument('--transcode', action='store_true', help='re-encode to H.264 (for non-H.264 inputs such as GIF)')
    ap.add_argument('--gop', type=int, default=10, help='keyframe interval in frames when transcoding')
    ap.add_argument('--udp-buffer', type=int, default=0, help='udpsrc socket buffer in bytes; 0 = system default')
    ap.add_argument('--feed-extra', default='', help='extra ffmpeg output options for the feed (space separated)')
    args = ap.parse_args()

    die_with_parent()
    Gst.init(None)
    udp_port = free_udp_port()

    launch = (
        f'( udpsrc address=127.0.0.1 port={udp_port} caps=video/mpegts,systemstream=true '
        + (f'buffer-size={args.udp_buffer} ' if args.udp_buffer > 0 else '')
        + '! tsdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )'
    )
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        print(f'ERROR cannot listen on {args.address}:{args.port}', flush=True)
        sys.exit(2)
    rtsp_port = server.get_bound_port()

    if args.transcode:
        codec = ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
                 '-g', str(args.gop), '-bf', '0']
    else:
        codec = ['-c:v', 'copy']
    feed_cmd = [args.ffmpeg, '-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1',
                '-i', args.video, '-an', '-sn', '-dn', *codec,
                # Without these, gst's synced sinks released the stream at ~1/5 of real time (measured):
                # the client lagged further and further and kept getting frames long after a feed stop.
                '-muxdelay', '0', '-muxpreload', '0', *args.feed_extra.split(), '-f', 'mpegts', f'udp://127.0.0.1:{udp_port}?pkt_size=1316']
    feed = {'proc': None}

    def start_feed():
        if feed['proc'] is None or feed['proc'].poll() is not None:
            feed['proc'] = subprocess.Popen(feed_cmd, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)

    def stop_feed():
        p = feed['proc']
        feed['proc'] = None
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()

    loop = GLib.MainLoop()

    def on_usr1():
        stop_feed()
        print('FEED stopped', flush=True)
        return True

    def on_usr2():
        start_feed()
        print('FEED started', flush=True)
        return True

    def on_term():
        stop_feed()
        loop.quit()
        return False

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, on_usr1)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR2, on_usr2)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, on_term)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, on_term)

    def watch_feed():
        # If the feed ffmpeg dies on its own (bad file), say so once on stderr; tests see a camera with no frames.
        p = feed['proc']
        if p is not None and p.poll() is not None and p.returncode not in (0, -9):
            print(f'feed ffmpeg exited with code {p.returncode}', file=sys.stderr, flush=True)
            feed['proc'] = None
        return True

    GLib.timeout_add(500, watch_feed)
    start_feed()
    print(f'READY {rtsp_port} {udp_port}', flush=True)
    try:
        loop.run()
    finally:
        stop_feed()


if __name__ == '__main__':
    main()
