// The byte loops of JSON scanning, sixteen bytes at a time with SSE2 (every x86-64 has it;
// elsewhere a byte at a time). Header-only: the functions are inlined into the Swift that
// calls them.
#ifndef LOGSTREAM_CJSONSCAN_SCAN_H
#define LOGSTREAM_CJSONSCAN_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// The index of the first byte in [start, count) that is a quote, a backslash or a control
// character (below 0x20), or `count` when there is none: the bytes before it need no
// attention inside a JSON string. Sets *non_ascii to 1 when a byte passed over is 0x80 or
// above (it is left alone otherwise). Reads only bytes in [0, count): where fewer than
// sixteen are left it reads the last sixteen and ignores those before `start`.
static inline size_t ls_json_plain_run_end(const uint8_t *bytes, size_t start, size_t count, int *non_ascii) {
    size_t index = start;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1F);
    while (index < count && count >= 16) {
        size_t at = index + 16 <= count ? index : count - 16;
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + at));
        __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                                       _mm_cmpeq_epi8(_mm_min_epu8(block, control), block));
        // Bytes of the block before `index` (a tail read again) are not this run's.
        unsigned ours = ~((1u << (index - at)) - 1);
        unsigned mask = (unsigned)_mm_movemask_epi8(special) & ours;
        unsigned high = (unsigned)_mm_movemask_epi8(block) & ours;
        if (mask != 0) {
            unsigned found = (unsigned)__builtin_ctz(mask);
            if (high & ((1u << found) - 1)) *non_ascii = 1;
            return at + found;
        }
        if (high) *non_ascii = 1;
        index = at + 16;
    }
#endif
    for (; index < count; index++) {
        uint8_t byte = bytes[index];
        if (byte == '"' || byte == '\\' || byte < 0x20) return index;
        if (byte & 0x80) *non_ascii = 1;
    }
    return count;
}

static inline int ls_json_is_hex(uint8_t byte) {
    return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'f') || (byte >= 'A' && byte <= 'F');
}

// Skips the rest of a JSON string whose opening quote is just before `start`: returns the
// index after its closing quote, or -1 when the string is not valid JSON (a control
// character, an unknown escape, no end). Sets *escaped to 1 when it holds an escape and
// *non_ascii to 1 when it holds a byte of 0x80 or above (they are left alone otherwise).
// Reads only bytes in [0, count).
static inline ptrdiff_t ls_json_skip_string(const uint8_t *bytes, size_t start, size_t count, int *escaped, int *non_ascii) {
    size_t index = start;
    for (;;) {
        index = ls_json_plain_run_end(bytes, index, count, non_ascii);
        if (index >= count) return -1;
        uint8_t byte = bytes[index];
        if (byte == '"') return (ptrdiff_t)(index + 1);
        if (byte != '\\' || index + 1 >= count) return -1;
        *escaped = 1;
        switch (bytes[index + 1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            index += 2;
            break;
        case 'u':
            if (index + 6 > count || !ls_json_is_hex(bytes[index + 2]) || !ls_json_is_hex(bytes[index + 3]) ||
                !ls_json_is_hex(bytes[index + 4]) || !ls_json_is_hex(bytes[index + 5])) return -1;
            index += 6;
            break;
        default:
            return -1;
        }
    }
}

static inline uint32_t ls_json_hex4(const uint8_t *digits) {
    uint32_t value = 0;
    for (int index = 0; index < 4; index++) {
        uint8_t byte = digits[index];
        value = value << 4 | (uint32_t)(byte <= '9' ? byte - '0' : (byte | 0x20) - 'a' + 10);
    }
    return value;
}

// Writes `scalar` as UTF-8 at `out`; a lone surrogate becomes U+FFFD, as it cannot be UTF-8.
static inline size_t ls_utf8_write(uint32_t scalar, uint8_t *out) {
    if (scalar >= 0xD800 && scalar <= 0xDFFF) scalar = 0xFFFD;
    if (scalar < 0x80) { out[0] = (uint8_t)scalar; return 1; }
    if (scalar < 0x800) { out[0] = (uint8_t)(0xC0 | scalar >> 6); out[1] = (uint8_t)(0x80 | (scalar & 0x3F)); return 2; }
    if (scalar < 0x10000) {
        out[0] = (uint8_t)(0xE0 | scalar >> 12); out[1] = (uint8_t)(0x80 | (scalar >> 6 & 0x3F)); out[2] = (uint8_t)(0x80 | (scalar & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | scalar >> 18); out[1] = (uint8_t)(0x80 | (scalar >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (scalar >> 6 & 0x3F)); out[3] = (uint8_t)(0x80 | (scalar & 0x3F));
    return 4;
}

// Copies the plain bytes from `index` on (up to the first quote, backslash or control
// character, or `count`) to `out + *used`, advancing *used past them; returns where they end.
// Sixteen bytes at a time, each block stored whole before looking at it (the runs between
// the escapes of JSON inside a message are mostly a few bytes): `out` must have room for
// `count - index` bytes past *used, so a block's store stays inside it whenever the block
// does. Sets *non_ascii as ls_json_plain_run_end does.
static inline size_t ls_json_copy_plain_run(const uint8_t *bytes, size_t index, size_t count, uint8_t *out, size_t *used,
                                            int *non_ascii) {
    size_t written = *used;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1F);
    while (index + 16 <= count) {
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + index));
        _mm_storeu_si128((__m128i *)(out + written), block);
        __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                                       _mm_cmpeq_epi8(_mm_min_epu8(block, control), block));
        unsigned mask = (unsigned)_mm_movemask_epi8(special);
        unsigned high = (unsigned)_mm_movemask_epi8(block);
        if (mask != 0) {
            unsigned found = (unsigned)__builtin_ctz(mask);
            if (high & ((1u << found) - 1)) *non_ascii = 1;
            *used = written + found;
            return index + found;
        }
        if (high) *non_ascii = 1;
        index += 16;
        written += 16;
    }
#endif
    size_t end = ls_json_plain_run_end(bytes, index, count, non_ascii);
    memcpy(out + written, bytes + index, end - index);
    *used = written + (end - index);
    return end;
}

// Reads JSON string contents from `start` up to its closing quote (or to `count` when the
// contents end there), checking them as it goes: returns the index of the closing quote
// (or `count`), or -1 when the contents are not valid JSON (a control character, an
// unknown escape). Text without escapes is left where it lies: nothing is written and
// *written stays 0. From the first escape on, the whole text is written unescaped at
// `out` (room for `count - start` bytes: unescaping never lengthens) and *written says
// how many bytes (at least one: every escape writes one). *non_ascii is set to 1 when the
// contents hold a byte of 0x80 or above.
static inline ptrdiff_t ls_json_unescape(const uint8_t *bytes, size_t start, size_t count, uint8_t *out, size_t *written,
                                         int *non_ascii) {
    size_t index = ls_json_plain_run_end(bytes, start, count, non_ascii);
    if (index >= count || bytes[index] == '"') return (ptrdiff_t)index;
    size_t used = index - start;
    memcpy(out, bytes + start, used);
    for (;;) {
        if (index >= count || bytes[index] == '"') {
            *written = used;
            return (ptrdiff_t)index;
        }
        if (bytes[index] != '\\' || index + 1 >= count) return -1;
        uint8_t escape = bytes[index + 1];
        index += 2;
        switch (escape) {
        case '"': case '\\': case '/': out[used++] = escape; break;
        case 'b': out[used++] = 0x08; break;
        case 'f': out[used++] = 0x0C; break;
        case 'n': out[used++] = 0x0A; break;
        case 'r': out[used++] = 0x0D; break;
        case 't': out[used++] = 0x09; break;
        case 'u': {
            if (index + 4 > count || !ls_json_is_hex(bytes[index]) || !ls_json_is_hex(bytes[index + 1]) ||
                !ls_json_is_hex(bytes[index + 2]) || !ls_json_is_hex(bytes[index + 3])) return -1;
            uint32_t scalar = ls_json_hex4(bytes + index);
            index += 4;
            if (scalar >= 0xD800 && scalar <= 0xDBFF && index + 6 <= count && bytes[index] == '\\' && bytes[index + 1] == 'u' &&
                ls_json_is_hex(bytes[index + 2]) && ls_json_is_hex(bytes[index + 3]) && ls_json_is_hex(bytes[index + 4]) &&
                ls_json_is_hex(bytes[index + 5])) {
                uint32_t low = ls_json_hex4(bytes + index + 2);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00);
                    index += 6;
                }
            }
            used += ls_utf8_write(scalar, out + used);
            break;
        }
        default:
            return -1;
        }
        index = ls_json_copy_plain_run(bytes, index, count, out, &used, non_ascii);
    }
}

#endif
