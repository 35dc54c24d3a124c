// zlib (Debian's zlib1g-dev), and the forms of its macros Swift can call. Wrapped by
// Sources/Engine/HTTP/Gzip.swift alone.
#ifndef LOGSTREAM_CZLIB_H
#define LOGSTREAM_CZLIB_H

#include <zlib.h>

// windowBits 15 + 16 writes a gzip header and trailer rather than a raw zlib stream.
static inline int ls_deflate_init_gzip(z_streamp s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
// windowBits 15 + 32 accepts both gzip and zlib headers.
static inline int ls_inflate_init_auto(z_streamp s) { return inflateInit2(s, 15 + 32); }

#endif
