// What `logstream --version` says of the build itself.
#ifndef LOGSTREAM_CBUILDINFO_H
#define LOGSTREAM_CBUILDINFO_H

// The commit the binary was built from ("2804eb3", "2804eb3-dirty"), or "" when the build
// did not go through the Makefile (scripts/build-info.sh writes it).
const char *ls_build_commit(void);

#endif
