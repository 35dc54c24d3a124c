// glibc's malloc tuning, which Swift's Glibc module does not declare. Wrapped by
// Sources/Engine/System/ProcessTuning.swift alone.
#ifndef LOGSTREAM_CMALLOC_H
#define LOGSTREAM_CMALLOC_H

#include <malloc.h>

// glibc's malloc, tuned for a process that moves megabyte buffers (pages, bulk bodies)
// through a few threads: they come from the heap and are reused, not mapped and unmapped
// per request (a fresh mapping costs a page fault per 4 KB: a fifth of the pipeline's
// CPU when measured); free memory goes back once 64 MB of it sits at the heap's top.
// Two arenas suffice.
static inline void ls_tune_malloc(void) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

// Hands free heap memory back to the kernel: for when a burst of work is over.
static inline void ls_release_free_memory(void) { malloc_trim(0); }

#endif
