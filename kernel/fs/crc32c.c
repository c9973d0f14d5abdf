/*
 * CRC32C by slicing: table[0][b] is the CRC remainder of byte b, and
 * table[k][b] that of byte b followed by k zero bytes.  An aligned 64-bit
 * little-endian word w (XORed with the running CRC in its low half) then
 * advances the CRC by eight bytes with eight lookups, one per byte of w:
 * byte i is followed by 7 - i more bytes, so it is looked up in table[7 - i].
 * The reflected polynomial is 0x82f63b78.  Both RISC-V and the x86 hosts
 * that build mkfs are little-endian.
 */
#include "fs/crc32c.h"

#define CRC32C_POLY 0x82f63b78u

static uint32_t table[8][256];
static int table_ready; /* written once, by crc32c_init, before any concurrent use */

void crc32c_init(void)
{
    if (table_ready)
        return;
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int bit = 0; bit < 8; bit++)
            c = (c >> 1) ^ (CRC32C_POLY & (0u - (c & 1)));
        table[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++)
        for (int k = 1; k < 8; k++)
            table[k][b] = (table[k - 1][b] >> 8) ^ table[0][table[k - 1][b] & 0xff];
    table_ready = 1;
}

static uint32_t crc_bytes(uint32_t c, const uint8_t *p, size_t n)
{
    while (n--)
        c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c;
}

uint32_t crc32c(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    uint32_t c = ~crc;
    if (!table_ready)
        crc32c_init();
    size_t head = (8 - ((uintptr_t)p & 7)) & 7;
    if (head > len)
        head = len;
    c = crc_bytes(c, p, head);
    p += head, len -= head;
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t w = *(const uint64_t *)p ^ c;
        c = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
            table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
            table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
    }
    return ~crc_bytes(c, p, len);
}
