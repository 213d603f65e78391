# tools_bench_scapy.py: what pft_ping.py and pft_synflood.py do, with
# scapy, for tools_bench.c to time beside pktkit's tools.  Written for
# the bench; nothing in pktkit needs scapy.
#
#	tools_bench_scapy.py ping IF DST	one echo request out of IF, its
#						reply awaited (3 s), exit 0 or 1
#	tools_bench_scapy.py flood IF DST N	N TCP SYNs out of IF
import logging
import sys

logging.getLogger("scapy").setLevel(logging.CRITICAL)
import scapy.all as sp  # noqa: E402

MAGIC = bytes.fromhex("42c0ffee")


def ping(iface, dst):
    seen = []

    def check(p):
        ip = p.getlayer(sp.IP)
        icmp = p.getlayer(sp.ICMP)
        raw = p.getlayer(sp.Raw)
        return (ip is not None and ip.src == dst and icmp is not None and
                icmp.type == 0 and raw is not None and raw.load == MAGIC)

    sniffer = sp.AsyncSniffer(iface=iface, lfilter=check, count=1,
                              timeout=3, prn=seen.append)
    sniffer.start()
    while not hasattr(sniffer, "stop_cb"):
        pass
    sp.sendp(sp.Ether() / sp.IP(dst=dst) / sp.ICMP(type="echo-request") /
             sp.raw(MAGIC), iface=iface, verbose=False)
    sniffer.join()
    return 0 if seen else 1


def flood(iface, dst, n):
    s = sp.conf.L2socket(iface=iface)
    ether = sp.Ether(src="01:02:03:04:05")
    ip = sp.IP(dst=dst)
    for i in range(n):
        s.send(ether / ip / sp.TCP(flags="S", sport=1 + i, dport=22,
                                   seq=500 + i))
    return 0


if sys.argv[1] == "ping":
    sys.exit(ping(sys.argv[2], sys.argv[3]))
sys.exit(flood(sys.argv[2], sys.argv[3], int(sys.argv[4])))
