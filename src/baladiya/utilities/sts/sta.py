"""The Standard Transfer Algorithm (STA, encryption algorithm code 07) of IEC 62055-41.

A 64-bit block cipher: 16 rounds of a key-selected nibble substitution followed by a
fixed bit permutation, with the key rotated one bit left after every round.
Substitution and permutation are fused into per-byte lookup tables built once at
import, so a block costs 8 table look-ups per round.
"""

from __future__ import annotations

S1 = (14, 10, 7, 9, 12, 3, 2, 5, 13, 0, 15, 1, 4, 8, 6, 11)
S2 = (12, 8, 2, 13, 7, 6, 1, 3, 11, 5, 9, 15, 0, 4, 10, 14)
P = (
    55, 42, 10, 18, 24, 21, 44, 35, 2, 22, 56, 43, 27, 58, 9, 50,
    6, 36, 12, 61, 37, 38, 53, 16, 62, 3, 7, 4, 32, 20, 63, 25,
    51, 52, 54, 33, 49, 19, 46, 29, 48, 31, 23, 30, 41, 28, 13, 5,
    40, 60, 39, 11, 15, 17, 1, 0, 57, 34, 59, 8, 47, 14, 45, 26,
)  # fmt: skip

_MASK = (1 << 64) - 1
_ROUNDS = 16
_S1_INV = tuple(S1.index(i) for i in range(16))
_S2_INV = tuple(S2.index(i) for i in range(16))
_P_INV = tuple(P.index(i) for i in range(64))


def _permute(value: int, table: tuple[int, ...]) -> int:
    out = 0
    for i in range(64):
        if value >> i & 1:
            out |= 1 << table[i]
    return out


def _build_encrypt_tables() -> list[list[list[int]]]:
    # [byte position][selector of the two nibbles][byte] -> permuted 64-bit contribution
    tables = []
    for pos in range(8):
        per_selector = []
        for selector in range(4):
            lo_box = S2 if selector & 1 else S1
            hi_box = S2 if selector & 2 else S1
            per_selector.append(
                [
                    _permute((lo_box[b & 15] | hi_box[b >> 4] << 4) << (8 * pos), P)
                    for b in range(256)
                ]
            )
        tables.append(per_selector)
    return tables


def _build_inverse_permutation_tables() -> list[list[int]]:
    return [[_permute(b << (8 * pos), _P_INV) for b in range(256)] for pos in range(8)]


_ENCRYPT = _build_encrypt_tables()
_UNPERMUTE = _build_inverse_permutation_tables()


def _initial_key(key: bytes) -> int:
    if len(key) != 8:
        raise ValueError("an STA decoder key is 8 bytes")
    k = ~int.from_bytes(key, "little") & _MASK
    return (k >> 12 | k << 52) & _MASK


def _round_tables(key: bytes) -> list[tuple[list[int], ...]]:
    """For each round, the 8 per-byte tables its key selects (key bits 4n+3 pick S1/S2)."""
    k = _initial_key(key)
    rounds = []
    for _ in range(_ROUNDS):
        rounds.append(
            tuple(
                _ENCRYPT[pos][(k >> (8 * pos + 3) & 1) | (k >> (8 * pos + 7) & 1) << 1]
                for pos in range(8)
            )
        )
        k = (k << 1 | k >> 63) & _MASK
    return rounds


def encrypt(key: bytes, block: int) -> int:
    """Encrypt a 64-bit data block with an 8-byte decoder key."""
    for t0, t1, t2, t3, t4, t5, t6, t7 in _round_tables(key):
        block = (
            t0[block & 0xFF]
            | t1[block >> 8 & 0xFF]
            | t2[block >> 16 & 0xFF]
            | t3[block >> 24 & 0xFF]
            | t4[block >> 32 & 0xFF]
            | t5[block >> 40 & 0xFF]
            | t6[block >> 48 & 0xFF]
            | t7[block >> 56]
        )
    return block


def decrypt(key: bytes, block: int) -> int:
    """Invert :func:`encrypt`."""
    k = _initial_key(key)
    round_keys = []
    for _ in range(_ROUNDS):
        round_keys.append(k)
        k = (k << 1 | k >> 63) & _MASK
    for k in reversed(round_keys):
        mixed = 0
        for pos in range(8):
            mixed |= _UNPERMUTE[pos][block >> (8 * pos) & 0xFF]
        block = 0
        for n in range(16):
            box = _S2_INV if k >> (4 * n + 3) & 1 else _S1_INV
            block |= box[mixed >> (4 * n) & 15] << (4 * n)
    return block
