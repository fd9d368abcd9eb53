#ifndef RAMPART_CZLIB_H
#define RAMPART_CZLIB_H
// zlib's deflateInit2/inflateInit2 are macros (they pass ZLIB_VERSION and sizeof(z_stream)),
// which Swift cannot call: these wrappers expose them as functions for the gzip wrapper
// (RFC 1952), selected by windowBits 15 + 16.
#include <zlib.h>

/// deflateInit2 for a gzip stream (windowBits 31, memLevel 8, Z_DEFAULT_STRATEGY) at `level` (0...9).
int czlib_deflate_init_gzip(z_stream *stream, int level);
/// inflateInit2 for a gzip stream only (windowBits 31: a zlib or raw deflate stream is an error).
int czlib_inflate_init_gzip(z_stream *stream);

#endif
