#ifndef RAMPART_CNGHTTP2_H
#define RAMPART_CNGHTTP2_H
// libnghttp2 (Debian libnghttp2-dev, 1.52 with the CVE-2023-44487 and CVE-2024-28182 backports:
// nghttp2_option_set_stream_reset_rate_limit, nghttp2_option_set_max_continuations).
#include <nghttp2/nghttp2.h>
#endif
