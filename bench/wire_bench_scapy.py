# wire_bench_scapy.py: scapy doing what wire_bench.c measures, on the
# interfaces wire_bench made, in its network namespace; run by
# wire_bench, which prints the comparison.  Modes:
#
#   echo IFACE DST N        N echo checks in one process (srp1): prints
#                           each one's milliseconds, one per line
#   echo1 IFACE DST         one echo check; the caller times the process
#   none IFACE FILTER SECS  a negative check: sniff for SECS seconds;
#                           prints how many packets matched
#   sniff IFACE COUNT SECS  capture up to COUNT frames for at most SECS:
#                           prints "ready" once the sniffer is live, then
#                           how many frames it got
import sys
import time

from scapy.all import AsyncSniffer, Ether, ICMP, IP, conf, sniff, srp1

conf.verb = 0


def echo(iface, dst, n):
    for i in range(n):
        p = Ether() / IP(dst=dst) / ICMP(id=0x5ca9, seq=i + 1)
        t0 = time.monotonic()
        r = srp1(p, iface=iface, timeout=2)
        t = time.monotonic() - t0
        if r is None:
            sys.exit(1)
        print("%.3f" % (t * 1000), flush=True)


def none(iface, flt, secs):
    got = sniff(iface=iface, filter=flt, timeout=secs)
    print(len(got), flush=True)


def capture(iface, count, secs):
    n = [0]

    def one(_):
        n[0] += 1

    s = AsyncSniffer(iface=iface, prn=one, store=False, count=count,
                     started_callback=lambda: print("ready", flush=True))
    s.start()
    s.join(timeout=secs)
    if s.running:
        s.stop()
    print(n[0], flush=True)


mode = sys.argv[1]
if mode == "echo":
    echo(sys.argv[2], sys.argv[3], int(sys.argv[4]))
elif mode == "echo1":
    echo(sys.argv[2], sys.argv[3], 1)
elif mode == "none":
    none(sys.argv[2], sys.argv[3], float(sys.argv[4]))
elif mode == "sniff":
    capture(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
