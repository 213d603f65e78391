# packet_bench_scapy.py: the packets of packet_bench.c, built and parsed
# by scapy; run by packet_bench, which prints the comparison.  Prints
# "build-per-second parse-per-second" for each packet, one line each.
import time

from scapy.all import Ether, IP, IPv6, TCP, UDP, ICMPv6EchoRequest, \
    IPv6ExtHdrFragment, Raw, raw

PAYLOAD = b"pktkit bench payload".ljust(64, b"\0")
E = dict(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


def syn():
    return Ether(**E) / IP(src="192.0.2.1", dst="192.0.2.2") / \
        TCP(sport=40000, dport=80, seq=1000, flags="S", window=8192,
            options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)),
                     ("NOP", None), ("WScale", 7)])


def echo6():
    return Ether(**E) / IPv6(src="2001:db8::1", dst="2001:db8::2") / \
        ICMPv6EchoRequest(id=7, seq=1, data=PAYLOAD[:56])


def udp6frag():
    return Ether(**E) / IPv6(src="2001:db8::1", dst="2001:db8::2") / \
        IPv6ExtHdrFragment(id=0x1234) / UDP(sport=5000, dport=53) / \
        Raw(PAYLOAD)


def rate(fn, secs=1.0):
    n, t0 = 0, time.monotonic()
    while True:
        for _ in range(50):
            fn()
        n += 50
        t = time.monotonic() - t0
        if t >= secs:
            return n / t


for make in (syn, echo6, udp6frag):
    wire = raw(make())
    print("%.0f %.0f" % (rate(lambda: raw(make())),
                         rate(lambda: Ether(wire))), flush=True)
