#!/usr/bin/env python3
"""Writes scenarios/websocket/**, the WebSocket scenario corpus, modelled on the case
categories of Autobahn|Testsuite (1 framing, 2 pings, 3 reserved bits, 4 opcodes,
5 fragmentation, 6 UTF-8, 7 close, 9 limits) plus 10 (the upgrade and its handover).

Hostile frames are written by the client with `raw` steps after its handshake (beneath its
stack, so the checks do not judge them as our client's frames); they are masked here with
fixed keys. Run from anywhere:  python3 harness/tests/websocket/make_corpus.py
It replaces scenarios/websocket/ entirely; harness_websocket_tests runs every file.
"""
import os, shutil, sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scenarios", "websocket")
ROOT = os.path.normpath(ROOT)
shutil.rmtree(ROOT, ignore_errors=True)

import json, struct

KEYS = [bytes([0x37, 0xfa, 0x21, 0x3d]), bytes([0x5c, 0x11, 0xe4, 0x9b]), bytes([0xa2, 0x6e, 0x08, 0xd3]),
        bytes([0x19, 0xbb, 0x74, 0x40]), bytes([0xc8, 0x03, 0x5f, 0xe6]), bytes([0x6d, 0x92, 0xaa, 0x01])]
_k = [0]
def next_key():
    k = KEYS[_k[0] % len(KEYS)]; _k[0] += 1; return k

def frame(opcode, payload=b"", fin=True, rsv=0, mask=True, length=None, enc=None, key=None):
    """A WebSocket frame; client frames are masked (fresh key each), `enc` forces a length encoding."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | (opcode & 0xf)
    n = len(payload) if length is None else length
    if enc is None:
        enc = 7 if n <= 125 else (16 if n <= 0xffff else 64)
    hdr = bytes([b0])
    m = 0x80 if mask else 0
    if enc == 7: hdr += bytes([m | n])
    elif enc == 16: hdr += bytes([m | 126]) + struct.pack(">H", n)
    else: hdr += bytes([m | 127]) + struct.pack(">Q", n)
    if mask:
        k = key or next_key()
        hdr += k
        payload = bytes(p ^ k[i % 4] for i, p in enumerate(payload))
    return hdr + payload

def close_payload(code, reason=b""):
    return struct.pack(">H", code) + reason

def hexdata(b): return {"hex": b.hex()}
def text(s): return {"text": s}
def data_of(b):
    try:
        s = b.decode("ascii")
        if all(0x20 <= c < 0x7f or c in (9, 10, 13) for c in b) and len(b) <= 4096: return {"text": s}
    except UnicodeDecodeError: pass
    return {"hex": b.hex()}

def send(d, typ=None):
    o = dict(d)
    if typ: o["type"] = typ
    return {"send": o}
def expect(d, typ=None):
    o = dict(d)
    if typ: o["type"] = typ
    return {"expect": o}
def raw(b): return {"raw": {"hex": b.hex()}}
def ping(d=None): return {"ping": d or {}}
def close(code=None): return {"close": {} if code is None else {"code": code}}
EOF_ = {"expect_eof": {}}
def expect_error(name): return {"expect_error": {"error": name}}

WS = ["http-upgrade", "websocket"]

def scenario(name, description, rule, client, server, *, verdict="pass", invariant=None, peer=None, seed=1,
             faults=None, network=None, client_settings=None, server_settings=None, category="websocket"):
    s = {"version": 1, "name": name, "description": description, "category": category, "rule": rule}
    if peer: s["peer"] = peer
    s["seed"] = seed
    if network: s["network"] = network
    if faults is not None: s["faults"] = faults
    c = {"stack": WS}
    if client_settings: c["settings"] = client_settings
    c["workload"] = client
    v = {"stack": WS}
    if server_settings: v["settings"] = server_settings
    v["workload"] = server
    s["client"] = c; s["server"] = v
    e = {"verdict": verdict}
    if invariant: e["invariant"] = invariant
    s["expect"] = e
    return s

def write(root, folder, s):
    d = os.path.join(root, folder); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, s["name"] + ".json"), "w") as f:
        f.write(json.dumps(s, indent=2, ensure_ascii=False) + "\n")


GENTLE = {"swarm": {"eagain_read": {"per_mille": 200, "max_amount": 1},
                    "eagain_write": {"per_mille": 200, "max_amount": 1},
                    "partial_read": {"per_mille": 400, "max_amount": 13},
                    "short_write": {"per_mille": 400, "max_amount": 17}}}
READS = {"swarm": {"eagain_read": {"per_mille": 300, "max_amount": 1},
                   "partial_read": {"per_mille": 500, "max_amount": 3}}}
SLOW = {"swarm": {"latency": {"per_mille": 300, "max_amount": 20}, "hold": {"per_mille": 60, "max_amount": 30},
                  "one_byte": {"per_mille": 150, "max_amount": 1}, "partial_read": {"per_mille": 300, "max_amount": 64}}}
CHOP = {"swarm": {"short_write": {"per_mille": 1000, "max_amount": 997},
                  "partial_read": {"per_mille": 1000, "max_amount": 997}}}

count = {}
def add(folder, s):
    assert "websocket" in s["category"]
    write(ROOT, folder, s)
    count[folder] = count.get(folder, 0) + 1

def echo(m, typ=None, close_code=1000):
    """Client sends m, the server expects it and sends it back; the client closes."""
    c = [send(m, typ), expect(m, typ), close(close_code), EOF_]
    v = [expect(m, typ), send(m, typ), EOF_, close()]
    return c, v

def hostile(frames_bytes, error, before=()):
    """The client writes frames beneath its stack after the handshake; the server receives
    `before` (messages) and then must fail with `error`."""
    return [raw(frames_bytes)], [expect(m, t) for m, t in before] + [expect_error(error)]

def clean_tail():
    return frame(8, close_payload(1000))

# ---------------------------------------------------------------- 1 framing
F = "1-framing"
for i, size in enumerate([0, 125, 126, 127, 65535, 65536], 1):
    enc = "7-bit" if size <= 125 else ("16-bit" if size <= 65535 else "64-bit")
    c, v = echo({"repeat": "*", "size": size} if size else text(""), "text")
    add(F, scenario(f"ws-1.1.{i}-text-{size}", f"A text message of {size} bytes (the {enc} length field) goes to the server and back intact.",
                    "RFC 6455 5.2", c, v, seed=100 + i, faults=GENTLE if size < 1000 else None))
    c, v = echo({"repeat_hex": "fe", "size": size} if size else {"hex": ""}, "binary")
    add(F, scenario(f"ws-1.2.{i}-binary-{size}", f"A binary message of {size} bytes (the {enc} length field) goes to the server and back intact.",
                    "RFC 6455 5.2", c, v, seed=200 + i, faults=GENTLE if size < 1000 else None))
c, v = echo({"repeat": "BAsd7&jh23", "size": 65536}, "text")
add(F, scenario("ws-1.1.7-text-65536-chopped", "A 64 KiB text message whose writes are chopped into pieces of up to 997 bytes and whose reads deliver up to 997 bytes: the frames survive any split.",
                "RFC 6455 5.2", c, v, seed=107, faults=CHOP))
c, v = echo({"repeat_hex": "00ff7f80", "size": 65535}, "binary")
add(F, scenario("ws-1.2.7-binary-65535-slow", "A 65535-byte binary message (the largest 16-bit length) over a network with latency, stalls and one-byte operations.",
                "RFC 6455 5.2", c, v, seed=207, faults=SLOW))
c, v = echo({"repeat": "x", "size": 126}, "binary")
add(F, scenario("ws-1.2.8-binary-126-one-byte-writes", "Every write of both ends takes one byte: the 126-byte message's 16-bit length field arrives split across reads.",
                "RFC 6455 5.2", c, v, seed=208, faults={"swarm": {"short_write": {"per_mille": 1000, "max_amount": 1}, "partial_read": {"per_mille": 1000, "max_amount": 1}}}))
c, v = hostile(frame(2, b"hello", enc=16), "non_minimal_length")
add(F, scenario("ws-1.3.1-length-16-for-5", "A 5-byte payload announced with the 16-bit length form: the length must be minimally encoded, so the server fails with 1002.",
                "RFC 6455 5.2", c, v, seed=301, faults=READS))
c, v = hostile(frame(2, b"a" * 200, enc=64), "non_minimal_length")
add(F, scenario("ws-1.3.2-length-64-for-200", "A 200-byte payload announced with the 64-bit length form: not minimal, 1002.",
                "RFC 6455 5.2", c, v, seed=302))
c, v = hostile(frame(2, b"", length=1 << 63, enc=64), "length_top_bit")
add(F, scenario("ws-1.3.3-length-top-bit", "A 64-bit length with its most significant bit set: refused with 1002 before anything is allocated for it.",
                "RFC 6455 5.2", c, v, seed=303))
c, v = hostile(frame(1, b"unmasked", mask=False), "unmasked_frame")
add(F, scenario("ws-1.3.4-client-frame-unmasked", "A client frame without a mask: the server must fail the connection.",
                "RFC 6455 5.1", c, v, seed=304, faults=READS))
add(F, scenario("ws-1.3.5-server-frame-masked", "A server frame with a mask: the client must fail the connection.",
                "RFC 6455 5.1", [expect_error("masked_frame")], [raw(frame(1, b"masked", mask=True))], seed=305))
c, v = echo({"repeat_hex": "fe01", "size": 65536})
add(F, scenario("ws-1.2.9-binary-65536-backpressure", "A 64 KiB binary message through a network that holds only 64 bytes in flight, dropping to fewer now and then: both ends write in small pieces and wait for the other to drain.",
                "RFC 6455 5.2", c, v, seed=209, network={"capacity": 64},
                faults={"swarm": {"capacity": {"per_mille": 20, "max_amount": 64}, "eagain_write": {"per_mille": 100, "max_amount": 1}}}))
c, v = echo({"repeat": "wslay ", "size": 65536}, "text")
add(F, scenario("ws-1.4.1-wslay-text-65536", "Our client against a wslay server: a 64 KiB text message there and back under gentle faults.",
                "RFC 6455 5.2", c, v, peer="wslay", seed=401, faults=CHOP))
c, v = echo({"repeat_hex": "0102fe", "size": 65535}, "binary")
add(F, scenario("ws-1.4.2-wslay-client-binary-65535", "A wslay client against our server: a 65535-byte binary message there and back under gentle faults.",
                "RFC 6455 5.2", c, v, peer="wslay-client", seed=402, faults=CHOP))
c, v = echo({"repeat": "~", "size": 127}, "text")
add(F, scenario("ws-1.4.3-wslay-text-127-gentle", "A 127-byte text message (16-bit length) with a wslay server over a stuttering network.",
                "RFC 6455 5.2", c, v, peer="wslay", seed=403, faults=GENTLE))

# ---------------------------------------------------------------- 2 pings
F = "2-pings"
def ping_case(name, desc, data, seed, faults=None, peer=None, rule="RFC 6455 5.5.2"):
    m = {"text": "after the ping"}
    c = [ping(data), send(m, "text"), expect(m, "text"), close(), EOF_]
    v = [expect(m, "text"), send(m, "text"), EOF_, close()]
    add(F, scenario(name, desc, rule, c, v, seed=seed, faults=faults, peer=peer))
ping_case("ws-2.1-ping-empty", "A ping without payload is answered by a pong; the conversation goes on.", None, 501)
ping_case("ws-2.2-ping-125-text", "A ping with 125 bytes of text payload (the most a control frame holds).", {"repeat": "*", "size": 125}, 502)
ping_case("ws-2.3-ping-125-binary", "A ping with 125 bytes of binary payload.", {"repeat_hex": "fe00", "size": 125}, 503, faults=GENTLE)
c, v = hostile(frame(9, b"*" * 126), "control_too_long")
add(F, scenario("ws-2.4-ping-126", "A ping with 126 bytes of payload: control frames hold at most 125, so the server fails with 1002.",
                "RFC 6455 5.5", c, v, seed=504, faults=READS))
m = b"after an unsolicited pong"
add(F, scenario("ws-2.5-unsolicited-pong", "A pong nobody asked for is allowed (a unidirectional heartbeat) and ignored.",
                "RFC 6455 5.5.3", [raw(frame(10, b"heartbeat") + frame(1, m) + clean_tail())], [expect(data_of(m), "text"), EOF_, close()], seed=505))
add(F, scenario("ws-2.6-ten-pings-in-a-row", "Ten pings back to back, then a message: the server may answer only the newest ping, and must still deliver the message.",
                "RFC 6455 5.5.3", [raw(b"".join(frame(9, b"ping %d" % i) for i in range(10)) + frame(2, b"\x00\x01") + clean_tail())],
                [expect({"hex": "0001"}), EOF_, close()], seed=506, faults=READS))
c = [ping({"text": "p%d" % i}) for i in range(10)] + [send(text("done")), expect(text("done")), close(), EOF_]
v = [expect(text("done")), send(text("done")), EOF_, close()]
add(F, scenario("ws-2.7-ten-pings-one-byte-writes", "Ten pings through our client, every write one byte long: each ping frame is resumed where it stopped.",
                "RFC 6455 5.5.2", c, v, seed=507, faults={"swarm": {"short_write": {"per_mille": 1000, "max_amount": 1}}}))
c = [expect(text("hello"), "text"), close(3000), EOF_]
v = [ping({"text": "are you there"}), send(text("hello"), "text"), EOF_, close()]
add(F, scenario("ws-2.8-server-pings", "The server pings its client; the client answers with a pong while it reads.",
                "RFC 6455 5.5.2", c, v, seed=508, faults=GENTLE))
ping_case("ws-2.9-wslay-ping-125", "A 125-byte ping to a wslay server.", {"repeat": "w", "size": 125}, 509, peer="wslay")
add(F, scenario("ws-2.10-wslay-ping-126", "A 126-byte ping to a wslay server: wslay closes with an empty close frame where RFC 6455 7.1.7 prefers 1002 (wslay_peer.hpp lists the deviation).",
                "RFC 6455 5.5", [raw(frame(9, b"*" * 126))], [EOF_], peer="wslay", seed=510, verdict="non_strict"))

# ---------------------------------------------------------------- 3 reserved bits
F = "3-reserved-bits"
msg = b"Hello, world!"
cases = [(1, 4, 1, "RSV1 on a text frame"), (2, 2, 1, "RSV2 on a text frame after a valid message"),
         (3, 1, 1, "RSV3 on a text frame after a valid message"), (4, 5, 2, "RSV1+RSV3 on a binary frame"),
         (5, 6, 9, "RSV1+RSV2 on a ping"), (6, 7, 8, "all three RSV bits on a close frame"), (7, 3, 10, "RSV2+RSV3 on a pong")]
for n, rsv, op, what in cases:
    before = [(data_of(msg), "text")] if n in (2, 3) else []
    pre = frame(1, msg) if before else b""
    payload = close_payload(1000) if op == 8 else b""
    c, v = hostile(pre + frame(op, payload, rsv=rsv), "reserved_bits", before)
    add(F, scenario(f"ws-3.{n}-rsv-{rsv}-opcode-{op}", f"{what}: no extension was negotiated, so the server fails with 1002" +
                    (" (the message before it is delivered)." if before else "."), "RFC 6455 5.2", c, v, seed=600 + n,
                    faults=READS if n % 2 else None))
add(F, scenario("ws-3.8-wslay-rsv", "RSV1 on a text frame to a wslay server: it fails the connection with 1002.",
                "RFC 6455 5.2", [raw(frame(1, msg, rsv=4))], [EOF_], peer="wslay", seed=608))
add(F, scenario("ws-3.9-wslay-client-rsv", "Our server writes a text frame with RSV1 to a wslay client: it fails the connection with 1002.",
                "RFC 6455 5.2", [EOF_, close()], [raw(frame(1, msg, rsv=4, mask=False))], peer="wslay-client", seed=609))

# ---------------------------------------------------------------- 4 opcodes
F = "4-opcodes"
for op in [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]:
    n = f"1.{op - 2}" if op < 8 else f"2.{op - 10}"
    before = [(data_of(msg), "text")] if op in (4, 6, 12, 14) else []
    pre = frame(1, msg) if before else b""
    c, v = hostile(pre + frame(op, b"reserved" if op % 2 else b""), "reserved_opcode", before)
    kind = "non-control" if op < 8 else "control"
    add(F, scenario(f"ws-4.{n}-opcode-{op}", f"Reserved {kind} opcode {op}" + (" after a valid message" if before else "") +
                    ": the server fails with 1002.", "RFC 6455 5.2", c, v, seed=700 + op, faults=READS if op % 3 == 0 else None))
add(F, scenario("ws-4.3-wslay-opcode-5", "Reserved opcode 5 to a wslay server: it fails the connection with 1002.",
                "RFC 6455 5.2", [raw(frame(5, b""))], [EOF_], peer="wslay", seed=716))

# ---------------------------------------------------------------- 5 fragmentation
F = "5-fragmentation"
c, v = hostile(frame(9, b"frag", fin=False) + frame(0, b"ment"), "control_fragmented")
add(F, scenario("ws-5.1-ping-fragmented", "A ping without FIN: control frames must not be fragmented, 1002.", "RFC 6455 5.4", c, v, seed=801))
c, v = hostile(frame(10, b"frag", fin=False) + frame(0, b"ment"), "control_fragmented")
add(F, scenario("ws-5.2-pong-fragmented", "A pong without FIN: 1002.", "RFC 6455 5.4", c, v, seed=802, faults=READS))
add(F, scenario("ws-5.3-text-two-fragments", "A text message in two fragments is delivered as one message.",
                "RFC 6455 5.4", [raw(frame(1, b"fragment1", fin=False) + frame(0, b"fragment2") + clean_tail())],
                [expect(text("fragment1fragment2"), "text"), EOF_, close()], seed=803, faults=READS))
add(F, scenario("ws-5.4-text-fragments-ping-between", "A ping between the fragments of a text message is answered, and the message is delivered whole.",
                "RFC 6455 5.4", [raw(frame(1, b"fragment1", fin=False) + frame(9, b"between") + frame(0, b"fragment2") + clean_tail())],
                [expect(text("fragment1fragment2"), "text"), EOF_, close()], seed=804))
word = b"Hello, fragmented world!"
frames_ = b"".join(frame(1 if i == 0 else 0, word[i:i + 1], fin=(i == len(word) - 1)) +
                   (frame(9, b"%d" % i) if i % 5 == 2 else b"") for i in range(len(word)))
add(F, scenario("ws-5.5-one-byte-fragments-pings-between", "A text message in one-byte fragments with pings among them.",
                "RFC 6455 5.4", [raw(frames_ + clean_tail())], [expect(data_of(word), "text"), EOF_, close()], seed=805, faults=READS))
c, v = hostile(frame(0, b"orphan"), "unexpected_continuation")
add(F, scenario("ws-5.6-continuation-without-start", "A final continuation frame with no message to continue: 1002.", "RFC 6455 5.4", c, v, seed=806))
c, v = hostile(frame(0, b"orphan", fin=False) + frame(0, b"orphan"), "unexpected_continuation")
add(F, scenario("ws-5.7-continuations-without-start", "A non-final continuation frame with no message to continue: 1002.", "RFC 6455 5.4", c, v, seed=807, faults=READS))
c, v = hostile(frame(1, b"fragment1", fin=False) + frame(1, b"fragment2"), "expected_continuation")
add(F, scenario("ws-5.8-new-message-inside-fragmented", "A new text frame while a fragmented message is unfinished: 1002.", "RFC 6455 5.4", c, v, seed=808))
add(F, scenario("ws-5.9-binary-fragments-pong-between", "An unsolicited pong between the fragments of a binary message is ignored.",
                "RFC 6455 5.4", [raw(frame(2, b"\x01\x02", fin=False) + frame(10, b"") + frame(0, b"\x03", fin=False) + frame(0, b"\x04") + clean_tail())],
                [expect({"hex": "01020304"}), EOF_, close()], seed=809))
m = {"repeat": "abcdefghijklmnopqrstuvwxyz", "size": 300}
c, v = echo(m, "text")
add(F, scenario("ws-5.10-fragment-size-1", "Both ends write 300-byte text messages in one-byte fragments (fragment_size 1).",
                "RFC 6455 5.4", c, v, seed=810, faults=GENTLE, client_settings={"fragment_size": 1}, server_settings={"fragment_size": 1}))
m = {"repeat_hex": "a5", "size": 65536}
c, v = echo(m)
add(F, scenario("ws-5.11-fragment-size-125-126", "A 64 KiB message written in 125-byte fragments one way and 126-byte fragments the other (both length forms).",
                "RFC 6455 5.4", c, v, seed=811, client_settings={"fragment_size": 125}, server_settings={"fragment_size": 126}))
add(F, scenario("ws-5.12-close-inside-fragmented", "A close frame between the fragments of a message (control frames may be injected): the unfinished message is dropped and the close handshake completes.",
                "RFC 6455 5.4", [raw(frame(1, b"never", fin=False) + clean_tail())], [EOF_, close()], seed=812))
m = {"repeat": "0123456789", "size": 1000}
c, v = echo(m, "text")
add(F, scenario("ws-5.13-wslay-client-receives-fragments", "A wslay client receives our server's messages in 7-byte fragments.",
                "RFC 6455 5.4", c, v, peer="wslay-client", seed=813, faults=GENTLE, server_settings={"fragment_size": 7}))
add(F, scenario("ws-5.14-wslay-sends-fragments", "A wslay server sends its messages in 13-byte fragments to our client.",
                "RFC 6455 5.4", c, v, peer="wslay", seed=814, faults=GENTLE, server_settings={"fragment_size": 13}))

# ---------------------------------------------------------------- 6 utf-8
F = "6-utf8"
hello = "κόσμε Hello-µ@ßöäüàá-UTF-8!! 𝄞 中文"
c, v = echo(text(hello), "text")
add(F, scenario("ws-6.1-valid-multibyte", "Valid text with 2-, 3- and 4-byte characters there and back.", "RFC 6455 5.6", c, v, seed=901, faults=GENTLE))
add(F, scenario("ws-6.2-valid-split-every-byte", "The same text written in one-byte fragments: characters split across frames are still valid.",
                "RFC 6455 5.6", c, v, seed=902, client_settings={"fragment_size": 1}, server_settings={"fragment_size": 1}, faults=READS))
bad = [("overlong", b"\xc0\xaf", "an overlong encoding of '/'"), ("surrogate", b"\xed\xa0\x80", "a UTF-16 surrogate (U+D800)"),
       ("above-10ffff", b"\xf4\x90\x80\x80", "a code point above U+10FFFF"), ("truncated", b"ok \xe2\x82", "a 3-byte character cut off at the message's end"),
       ("stray-continuation", b"ok \x80 ok", "a continuation byte without a lead byte"), ("fe-ff", b"\xfe\xff", "the bytes FE and FF")]
for i, (n, b, what) in enumerate(bad, 3):
    c, v = hostile(frame(1, b), "invalid_utf8")
    add(F, scenario(f"ws-6.{i}-invalid-{n}", f"A text message holding {what}: the server fails with 1007.", "RFC 6455 8.1", c, v, seed=900 + i,
                    faults=READS if i % 2 else None))
c, v = hostile(frame(1, b"valid ", fin=False) + frame(0, b"\xed\xa0\x80"), "invalid_utf8")
add(F, scenario("ws-6.9-invalid-in-second-fragment", "The first fragment is valid, the second holds a surrogate: 1007.", "RFC 6455 8.1", c, v, seed=909))
c, v = hostile(frame(1, b"\xce\xba\xf4\x90\x80\x80", fin=False), "invalid_utf8")
add(F, scenario("ws-6.10-fail-fast", "The first fragment is already invalid and the message never finishes: the server fails with 1007 at once, without waiting for the rest.",
                "RFC 6455 8.1", c, v, seed=910))
add(F, scenario("ws-6.11-4-byte-char-across-fragments", "A 4-byte character split 1+3 across two fragments is valid.",
                "RFC 6455 5.6", [raw(frame(1, "𝄞".encode()[:1], fin=False) + frame(0, "𝄞".encode()[1:]) + clean_tail())],
                [expect(text("𝄞"), "text"), EOF_, close()], seed=911, faults=READS))
add(F, scenario("ws-6.12-binary-not-validated", "Bytes that are not UTF-8 in a binary message are just bytes.",
                "RFC 6455 5.6", *echo({"hex": "c0afeda080fffe"}), seed=912))
c, v = hostile(frame(8, close_payload(1000, b"\xc0\xaf")), "invalid_utf8")
add(F, scenario("ws-6.13-close-reason-invalid", "A close frame whose reason is not UTF-8: 1007.", "RFC 6455 5.5.1", c, v, seed=913))
add(F, scenario("ws-6.14-wslay-invalid", "Invalid UTF-8 text to a wslay server: it fails the connection with 1007.",
                "RFC 6455 8.1", [raw(frame(1, b"\xed\xa0\x80"))], [EOF_], peer="wslay", seed=914))
add(F, scenario("ws-6.15-our-writer-sends-invalid-text", "Our client is asked to send a text message that is not UTF-8; write_message does not refuse it, so the frame on the wire breaks RFC 6455 5.6 (ws.rfc6455.utf8) and the server fails with 1007. Kept as an expected failure until the writer validates text.",
                "RFC 6455 5.6", [send({"hex": "c0af"}, "text")], [expect_error("invalid_utf8")], seed=915, verdict="fail", invariant="ws.rfc6455.utf8"))

# ---------------------------------------------------------------- 7 close
F = "7-close"
m = text("bye")
for code in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]:
    c = [send(m, "text"), expect(m, "text"), close(code), EOF_]
    v = [expect(m, "text"), send(m, "text"), EOF_, close()]
    add(F, scenario(f"ws-7.1-close-{code}", f"The client closes with {code}, a code an endpoint may send; the server reports {code} and echoes it.",
                    "RFC 6455 7.4", c, v, seed=code, faults=GENTLE if code % 2 else None))
c = [expect(m, "text"), EOF_, close(4000)]
v = [send(m, "text"), close(1001), EOF_]
add(F, scenario("ws-7.2-server-closes-first", "The server closes first with 1001; the client reports it, echoes it, and its own close afterwards is a no-op.",
                "RFC 6455 5.5.1", c, v, seed=1101, faults=GENTLE))
c = [close(1000), EOF_]
v = [close(1001), EOF_]
add(F, scenario("ws-7.3-simultaneous-close", "Both ends close at once with different codes; each reports the other's code and the closing handshake completes.",
                "RFC 6455 7.1.3", c, v, seed=1102, faults=GENTLE))
for code in [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]:
    c, v = hostile(frame(8, close_payload(code)), "bad_close_code")
    add(F, scenario(f"ws-7.4-invalid-code-{code}", f"A close frame with code {code}, which may not appear on the wire: 1002.", "RFC 6455 7.4.1", c, v, seed=1200 + code % 97,
                    faults=READS if code % 2 else None))
c, v = hostile(frame(8, b"\x03"), "bad_close_payload")
add(F, scenario("ws-7.5-close-payload-1", "A close frame with a 1-byte payload: 1002.", "RFC 6455 5.5.1", c, v, seed=1301))
add(F, scenario("ws-7.6-close-reason-123", "A close frame with a 123-byte reason (a 125-byte payload) is valid.",
                "RFC 6455 5.5.1", [raw(frame(8, close_payload(1000, b"r" * 123)))], [EOF_, close()], seed=1302, faults=READS))
c, v = hostile(frame(8, close_payload(1000, b"r" * 124)), "control_too_long")
add(F, scenario("ws-7.7-close-payload-126", "A close frame with a 126-byte payload: control frames hold at most 125 bytes, 1002.", "RFC 6455 5.5", c, v, seed=1303))
add(F, scenario("ws-7.8-close-empty", "A close frame without a code: the server reports 1005 and answers with an empty close.",
                "RFC 6455 7.1.5", [raw(frame(8, b""))], [EOF_, close()], seed=1304))
c, v = hostile(frame(8, close_payload(1000)) + frame(1, b"too late"), "data_after_close")
add(F, scenario("ws-7.9-text-after-close", "A text frame right behind the close frame, in the same segment: the server fails with 1002 instead of echoing the close. (Autobahn 7.1.x would accept ignoring it; failing is the stricter choice.)",
                "RFC 6455 5.5.1", c, v, seed=1305))
c, v = hostile(frame(8, close_payload(1000)) + frame(9, b""), "data_after_close")
add(F, scenario("ws-7.10-ping-after-close", "A ping right behind the close frame: 1002, and no pong.", "RFC 6455 5.5.1", c, v, seed=1306))
add(F, scenario("ws-7.11-text-after-close-later", "A text frame after the close frame, arriving only after the server finished its closing handshake: it goes unnoticed. Bytes after a close are judged only when they arrive with it.",
                "RFC 6455 5.5.1", [raw(frame(8, close_payload(1000))), raw(frame(1, b"too late"))], [EOF_, close()], seed=1307,
                faults={"schedule": [{"endpoint": "client", "dir": "write", "op": 2, "kind": "latency", "amount": 50}]}, verdict="informational"))
add(F, scenario("ws-7.12-wslay-close-payload-1", "A 1-byte close payload to a wslay server: wslay takes it as a close without a code and echoes an empty close, instead of failing with 1002 (a deviation wslay_peer.hpp lists).",
                "RFC 6455 5.5.1", [raw(frame(8, b"\x03"))], [EOF_], peer="wslay", seed=1308, verdict="non_strict"))
add(F, scenario("ws-7.13-wslay-data-after-close", "A text frame right behind the close frame to a wslay server: wslay stops reading after the close and does not notice it.",
                "RFC 6455 5.5.1", [raw(frame(8, close_payload(1000)) + frame(1, b"too late"))], [EOF_], peer="wslay", seed=1309, verdict="non_strict"))
c = [expect(m, "text"), EOF_, close()]
v = [send(m, "text"), close(4000), EOF_]
add(F, scenario("ws-7.14-wslay-client-close-4000", "Our server closes a wslay client's connection with 4000; wslay reports 4000 and echoes it.",
                "RFC 6455 7.4", c, v, peer="wslay-client", seed=1310, faults=GENTLE))
c = [send(m, "text"), expect(m, "text"), close(3001), EOF_]
v = [expect(m, "text"), send(m, "text"), EOF_, close()]
add(F, scenario("ws-7.15-wslay-close-3001", "Our client closes a wslay server's connection with 3001; wslay reports it.",
                "RFC 6455 7.4", c, v, peer="wslay", seed=1311, faults=GENTLE))

# ---------------------------------------------------------------- 9 limits
F = "9-limits"
add(F, scenario("ws-9.1-over-max-message", "A 1001-byte message to a server whose max_message is 1000: it fails with 1009 as soon as the header announces it.",
                "RFC 6455 7.4.1", [send({"repeat": "a", "size": 1001})], [expect_error("message_too_big")], seed=1401,
                server_settings={"max_message": 1000}, faults=READS))
c, v = echo({"repeat": "a", "size": 1000})
add(F, scenario("ws-9.2-at-max-message", "A message of exactly max_message (1000) bytes passes.", "RFC 6455 7.4.1", c, v, seed=1402,
                client_settings={"max_message": 1000}, server_settings={"max_message": 1000}, faults=GENTLE))
add(F, scenario("ws-9.3-fragments-over-max-message", "A 1200-byte message in 300-byte fragments to a server whose max_message is 1000: 1009 at the fourth fragment's header.",
                "RFC 6455 7.4.1", [send({"repeat": "b", "size": 1200})], [expect_error("message_too_big")], seed=1403,
                client_settings={"fragment_size": 300}, server_settings={"max_message": 1000}))
c, v = echo({"repeat": "limit", "size": 65536}, "text")
add(F, scenario("ws-9.4-64k-at-limit-chopped", "A 64 KiB message at max_message, chopped into writes and reads of up to 997 bytes.",
                "RFC 6455 7.4.1", c, v, seed=1404, client_settings={"max_message": 65536}, server_settings={"max_message": 65536}, faults=CHOP))
add(F, scenario("ws-9.5-max-message-0", "With max_message 0 an empty message passes and a 1-byte one fails with 1009.",
                "RFC 6455 7.4.1", [send({"hex": ""}), send({"hex": "00"})], [expect({"hex": ""}), expect_error("message_too_big")], seed=1405,
                server_settings={"max_message": 0}))
c, v = echo({"repeat_hex": "5a", "size": 1048576})
add(F, scenario("ws-9.6-1mib-at-default-limit", "A 1 MiB message (the default max_message) there and back.", "RFC 6455 7.4.1", c, v, seed=1406))
c, v = hostile(frame(2, b"", length=1 << 62, enc=64), "message_too_big")
add(F, scenario("ws-9.7-header-announces-4-eib", "A header announcing 2^62 bytes is refused with 1009 on the header alone, before anything is allocated.",
                "RFC 6455 7.4.1", c, v, seed=1407))
add(F, scenario("ws-9.8-wslay-over-max-message", "A 1001-byte message to a wslay server whose max_message is 1000: wslay fails with 1009.",
                "RFC 6455 7.4.1", [send({"repeat": "a", "size": 1001})], [EOF_], peer="wslay", seed=1408, server_settings={"max_message": 1000}))
add(F, scenario("ws-9.9-client-limit", "The server sends 65536 bytes to a client whose max_message is 65535: the client fails with 1009.",
                "RFC 6455 7.4.1", [expect_error("message_too_big")], [send({"repeat": "c", "size": 65536})], seed=1409,
                network={"capacity": 131072}, client_settings={"max_message": 65535}))

# ---------------------------------------------------------------- 10 upgrade and handover
F = "10-upgrade"
m = {"repeat": "hello from the server ", "size": 300}
c = [expect(m, "text"), send(text("ok")), close(), EOF_]
v = [send(m, "text"), expect(text("ok")), EOF_, close()]
add(F, scenario("ws-10.1-server-speaks-first", "The server sends a message right behind its 101: the client's handshake reads it ahead and hands it to the websocket phase.",
                "RFC 6455 4.1", c, v, seed=1501, faults=SLOW))
add(F, scenario("ws-10.2-strict-client-no-overread", "The same with a strict client: its handshake reads the 101 one byte at a time and hands over nothing.",
                "RFC 6455 4.1", c, v, seed=1502, client_settings={"strict": True}, faults=GENTLE))
key = "dGhlIHNhbXBsZSBub25jZQ=="
req = ("GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
pipelined = req + frame(1, b"first") + frame(2, b"\x00\x01\x02") + frame(8, close_payload(1000))
def pipe_scn(name, desc, peer=None, seed=0, verdict="pass", invariant=None, faults=None, server_settings=None):
    s = scenario(name, desc, "RFC 6455 4.1", [raw(pipelined), close()], [expect(text("first"), "text"), expect({"hex": "000102"}), EOF_, close()],
                 peer=peer, seed=seed, verdict=verdict, invariant=invariant, faults=faults, server_settings=server_settings)
    s["client"]["stack"] = ["line"]
    return s
add(F, pipe_scn("ws-10.3-pipelined-frames", "A client (raw bytes) pipelines two messages and a close right behind its upgrade request; the server's handshake reads them ahead and must hand all of them to its websocket phase (RFC 6455 4.1 says a client waits for the 101; a server still must not lose the bytes).",
                seed=1503))
add(F, pipe_scn("ws-10.4-pipelined-frames-strict", "The pipelined client against a strict server: its handshake reads the request one byte at a time and hands over nothing.",
                seed=1504, server_settings={"strict": True}, faults=READS))
add(F, pipe_scn("ws-10.5-pipelined-wslay", "The pipelined client against a wslay server, which keeps what its handshake read past the request for its framing.",
                peer="wslay", seed=1505, faults=READS))
add(F, pipe_scn("ws-10.6-mutant-server-drops-overread", "Saved failure of mutant:ws-server-drops-overread: the server's handshake forgets the frames it read past the request, which handover.exact catches.",
                peer="mutant:ws-server-drops-overread", seed=1506, verdict="fail", invariant="handover.exact"))
c, v = echo(text("masked twice with one key"), "text")
add(F, scenario("ws-10.7-mutant-fixed-mask-key", "Saved failure of mutant:ws-fixed-mask-key: the client masks its message and its close frame with the same key; RFC 6455 5.3 wants a fresh key per frame.",
                "RFC 6455 5.3", c, v, peer="mutant:ws-fixed-mask-key", seed=1507, verdict="fail", invariant="ws.rfc6455.mask_reuse"))
c, v = echo({"repeat": "forgotten header ", "size": 500})
add(F, scenario("ws-10.8-mutant-forgets-header", "Saved failure of mutant:ws-forgets-header-on-short-write: a short write in the middle of a frame makes the writer start over with a fresh header, so the wire holds other messages than were sent.",
                "RFC 6455 5.2", c, v, peer="mutant:ws-forgets-header-on-short-write", seed=1508, verdict="fail", invariant="bytes.exact",
                faults={"schedule": [{"endpoint": "client", "dir": "write", "op": 1, "kind": "short_write", "amount": 100}]}))

NAMES = {"1-framing": "framing: text and binary messages at the length-encoding edges, chopped writes and reads, length and mask rules",
         "2-pings": "pings and pongs",
         "3-reserved-bits": "reserved bits",
         "4-opcodes": "reserved opcodes",
         "5-fragmentation": "fragmentation, control frames inside fragmented messages",
         "6-utf8": "UTF-8 in text messages and close reasons, valid and invalid, split across fragments",
         "7-close": "the closing handshake: codes valid and invalid, payload length 1, data after close",
         "9-limits": "max_message (1009) and large messages",
         "10-upgrade": "the upgrade handshake's handover, and saved failures of the WebSocket mutants"}
with open(os.path.join(ROOT, "README.md"), "w") as f:
    f.write("""# WebSocket scenarios

Generated by `harness/tests/websocket/make_corpus.py` (edit the script, not the files); run by
`stutter run` with the rest of the corpus and by `harness_websocket_tests`, which also checks
that every file ends as its `expect` says. The folders follow the case categories of
Autobahn|Testsuite:

""")
    for k in sorted(count, key=lambda k: int(k.split("-")[0])):
        f.write(f"- `{k}/` ({count[k]}): {NAMES[k]}\n")
    f.write("""
Both endpoints' stacks are `["http-upgrade", "websocket"]` (but for the pipelining client of
`10-upgrade`, a `line` stack writing raw bytes): the handshake runs before the
first step and hands over by itself (no `switch` step). Hostile frames are `raw` steps of the
client after its handshake (masked, with fixed keys), written beneath its stack: the checks do
not judge them as our client's frames, and the server must fail with the `expect_error` named
(an error name of `stutter::ws::ws_errc`, e.g. `reserved_bits`, `invalid_utf8`). Scenarios whose
peer is `wslay` or `wslay-client` put wslay at that end; where wslay deviates from RFC 6455 in a
way the RFC leaves room for, the expected verdict is `non_strict`.
""")

total = sum(count.values())
for k in sorted(count): print(k, count[k])
print("total", total)
