#include "CBuildInfo.h"

#if __has_include("commit.h")
#include "commit.h"
#endif
#ifndef LOGSTREAM_COMMIT
#define LOGSTREAM_COMMIT ""
#endif

const char *ls_build_commit(void) { return LOGSTREAM_COMMIT; }
