// gzip compression of a whole buffer with ISA-L's igzip (Intel's Intelligent Storage
// Acceleration Library): the same DEFLATE format as zlib, several times faster at level 1.
#ifndef LOGSTREAM_CIGZIP_SHIM_H
#define LOGSTREAM_CIGZIP_SHIM_H

#include <isa-l.h>
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdlib.h>

// Compresses `in` into `out` as one gzip member (header, DEFLATE data, trailer) at `level`
// (0 to 3; 1 is ISA-L's default). Returns the bytes written, or 0 when `out` was too small
// or memory ran out. The stream state is larger than a thread's stack likes, so it is
// allocated here and freed before returning.
static inline size_t ls_igzip_compress(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap, uint32_t level) {
    static const uint32_t level_buffer_sizes[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
    if (level > 3) level = 3;
    struct isal_zstream *stream = malloc(sizeof *stream);
    uint8_t *level_buffer = malloc(level_buffer_sizes[level]);
    size_t written = 0;
    if (stream && level_buffer) {
        isal_deflate_init(stream);
        stream->level = level;
        stream->level_buf = level_buffer;
        stream->level_buf_size = level_buffer_sizes[level];
        stream->gzip_flag = IGZIP_GZIP;
        stream->end_of_stream = 1;
        stream->flush = NO_FLUSH;
        stream->next_in = (uint8_t *)in;
        stream->avail_in = in_len;
        stream->next_out = out;
        stream->avail_out = out_cap;
        if (isal_deflate(stream) == COMP_OK && stream->internal_state.state == ZSTATE_END) {
            written = stream->total_out;
        }
    }
    free(level_buffer);
    free(stream);
    return written;
}

// The ISA-L version logstream was built against ("2.30.0").
static inline unsigned ls_isal_version(void) { return ISAL_VERSION; }

#endif
