#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Checks the model of noise_vector.py against a real WireGuard: answers one
# initiation as the responder, then opens the first data packet under the
# new session and sends a keepalive back. Run by noise_interop.sh.
#   noise_interop.py RESPONDER_PRIVATE PSK INITIATOR_PUBLIC  (base64)
import base64
import os
import socket
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from noise_vector import blake, dh, kdf, mac1, public, response


def nonce(counter):
    return bytes(4) + struct.pack('<Q', counter)


def answer_initiation(sock, s_r, psk, expected_peer):
    S_r = public(s_r)
    msg, addr = sock.recvfrom(2048)
    assert len(msg) == 148 and msg[0] == 1, 'not an initiation'
    assert mac1(msg[:116], S_r) == msg[116:132], 'mac1'
    idx_i = struct.unpack('<I', msg[4:8])[0]
    E_i, sealed_static, sealed_ts = msg[8:40], msg[40:88], msg[88:116]

    ck = blake(b'Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s')
    h = blake(blake(ck, b'WireGuard v1 zx2c4 Jason@zx2c4.com'), S_r)
    (ck,) = kdf(1, ck, E_i)
    h = blake(h, E_i)
    ck, k = kdf(2, ck, dh(s_r, E_i))
    S_i = ChaCha20Poly1305(k).decrypt(bytes(12), sealed_static, h)
    h = blake(h, sealed_static)
    assert S_i == expected_peer, 'initiator static key'
    ck, k = kdf(2, ck, dh(s_r, S_i))
    ChaCha20Poly1305(k).decrypt(bytes(12), sealed_ts, h)
    h = blake(h, sealed_ts)

    idx_r = 0x55667788
    resp, ck = response(ck, h, os.urandom(32), E_i, S_i, psk, idx_r, idx_i)
    sock.sendto(resp, addr)
    receive_key, send_key = kdf(2, ck, b'')
    return idx_i, idx_r, receive_key, send_key


def main():
    s_r, psk, peer = (base64.b64decode(a) for a in sys.argv[1:4])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 51820))
    sock.settimeout(10)
    idx_i, idx_r, receive_key, send_key = answer_initiation(sock, s_r, psk, peer)
    print('initiation opened, response sent')

    while True:
        msg, addr = sock.recvfrom(2048)
        if msg[0] == 4:
            break
    receiver, counter = struct.unpack('<IQ', msg[4:16])
    assert receiver == idx_r, 'receiver index'
    plain = ChaCha20Poly1305(receive_key).decrypt(nonce(counter), msg[16:], None)
    assert plain[0] >> 4 == 4, 'not an IPv4 packet'
    print('data opened: counter %d, %d bytes' % (counter, len(plain)))

    keepalive = struct.pack('<IIQ', 4, idx_i, 0)
    keepalive += ChaCha20Poly1305(send_key).encrypt(nonce(0), b'', None)
    sock.sendto(keepalive, addr)
    print('INTEROP OK')


if __name__ == '__main__':
    main()
