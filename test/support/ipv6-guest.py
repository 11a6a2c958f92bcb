#!/usr/bin/env python3
"""A guest's IPv6 client side, for kernel tests (the busybox test image has no DHCPv6 client).

Run inside the guest's network namespace (`ip netns exec <ns> python3 ipv6-guest.py ...`):

  ra <ifname>                 sends a Router Solicitation, prints the first Router Advertisement
  dhcpv6 <ifname>             SOLICIT: prints every ADVERTISE; then REQUEST from the first, prints its REPLY
  info <ifname>               INFORMATION-REQUEST (stateless): prints the REPLY's DNS servers

The DHCPv6 client identifies itself by a random DUID-UUID, which carries no MAC: a server
that hands out the port's address must know the client by the MAC behind its link-local
source, as Neutron's dnsmasq does. Output is one JSON object on stdout.
"""
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time

ALL_ROUTERS = "ff02::2"
ALL_DHCP = "ff02::1:2"


def bind_to(sock, ifname):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())


def router_advertisement(ifname, timeout=8.0):
    ifindex = socket.if_nametoindex(ifname)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    bind_to(sock, ifname)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
    # Router Solicitation: type 133, code 0, checksum filled in by the kernel, reserved.
    sock.sendto(struct.pack("!BBHI", 133, 0, 0, 0), (ALL_ROUTERS, 0, 0, ifindex))
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0.0, deadline - time.time()))
        if not ready:
            break
        data, addr = sock.recvfrom(2048)
        if len(data) >= 16 and data[0] == 134:
            return parse_ra(data, addr[0])
    return {"error": "no router advertisement"}


def parse_ra(data, source):
    flags = data[5]
    out = {
        "source": source.split("%")[0],
        "managed": bool(flags & 0x80),
        "other": bool(flags & 0x40),
        "routerLifetime": struct.unpack("!H", data[6:8])[0],
        "prefixes": [],
    }
    i = 16
    while i + 2 <= len(data):
        kind, length = data[i], data[i + 1] * 8
        if length == 0:
            break
        body = data[i : i + length]
        if kind == 3 and length >= 32:
            out["prefixes"].append(
                {
                    "prefix": f"{ipaddress.IPv6Address(body[16:32])}/{body[2]}",
                    "onLink": bool(body[3] & 0x80),
                    "autonomous": bool(body[3] & 0x40),
                }
            )
        elif kind == 5 and length >= 8:
            out["mtu"] = struct.unpack("!I", body[4:8])[0]
        i += length
    return out


def option(code, body):
    return struct.pack("!HH", code, len(body)) + body


def options_of(data):
    out, i = [], 0
    while i + 4 <= len(data):
        code, length = struct.unpack("!HH", data[i : i + 4])
        out.append((code, data[i + 4 : i + 4 + length]))
        i += 4 + length
    return out


def parse_dhcp(data):
    msg = {"type": data[0], "addresses": [], "dns": [], "status": None, "server": None}
    for code, body in options_of(data[4:]):
        if code == 2:
            msg["server"] = body.hex()
        elif code == 3:
            for sub, sbody in options_of(body[12:]):
                if sub == 5:
                    msg["addresses"].append(str(ipaddress.IPv6Address(sbody[:16])))
                elif sub == 13:
                    msg["status"] = struct.unpack("!H", sbody[:2])[0]
        elif code == 23:
            msg["dns"] += [str(ipaddress.IPv6Address(body[j : j + 16])) for j in range(0, len(body), 16)]
        elif code == 13:
            msg["status"] = struct.unpack("!H", body[:2])[0]
    return msg


class Dhcpv6Client:
    def __init__(self, ifname):
        self.ifindex = socket.if_nametoindex(ifname)
        self.sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        bind_to(self.sock, ifname)
        self.sock.bind(("::", 546))
        # DUID-UUID (RFC 6355): type 4 and 16 random bytes; no MAC in it.
        self.duid = struct.pack("!H", 4) + os.urandom(16)

    def send(self, kind, opts):
        txid = os.urandom(3)
        head = bytes([kind]) + txid
        body = option(1, self.duid) + option(8, b"\x00\x00") + b"".join(opts)
        self.sock.sendto(head + body, (ALL_DHCP, 547, 0, self.ifindex))
        return txid

    def collect(self, txid, want, seconds):
        got, deadline = [], time.time() + seconds
        while time.time() < deadline:
            ready, _, _ = select.select([self.sock], [], [], max(0.0, deadline - time.time()))
            if not ready:
                break
            data, _ = self.sock.recvfrom(4096)
            if data[1:4] == txid and data[0] == want:
                got.append(parse_dhcp(data))
        return got


def ia_na(address=None):
    inner = b""
    if address is not None:
        inner = option(5, ipaddress.IPv6Address(address).packed + struct.pack("!II", 0, 0))
    return option(3, struct.pack("!III", 1, 0, 0) + inner)


def dhcpv6(ifname):
    client = Dhcpv6Client(ifname)
    oro = option(6, struct.pack("!H", 23))
    advertised = []
    for _ in range(3):  # dnsmasq may first resolve the client's MAC (it pings the link-local source)
        txid = client.send(1, [ia_na(), oro])
        advertised = client.collect(txid, 2, 3.0)
        if advertised:
            break
    out = {"advertise": advertised, "reply": None}
    offer = next((a for a in advertised if a["addresses"]), None)
    if offer is not None:
        server = option(2, bytes.fromhex(offer["server"]))
        txid = client.send(3, [server, ia_na(offer["addresses"][0]), oro])
        replies = client.collect(txid, 7, 3.0)
        out["reply"] = replies[0] if replies else None
    return out


def info(ifname):
    client = Dhcpv6Client(ifname)
    txid = client.send(11, [option(6, struct.pack("!H", 23))])
    return {"reply": client.collect(txid, 7, 3.0)}


def main():
    command, ifname = sys.argv[1], sys.argv[2]
    result = {"ra": router_advertisement, "dhcpv6": dhcpv6, "info": info}[command](ifname)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
