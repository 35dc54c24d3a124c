// libdeflate, measured next to zlib and ISA-L by `make bench` (not linked into logstream).
#include <libdeflate.h>
