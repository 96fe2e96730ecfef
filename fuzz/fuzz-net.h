/* The XML -> plan fuzz target, shared by the libFuzzer entry point
 * (fuzz-main.c, clang, -DNP_FUZZ=ON) and the corpus replay run by ctest
 * (fuzz-replay.c, any compiler). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Runs one input through parse -> validate -> format (both flags) -> re-parse
 * -> plan and renderers. Returns 0; a broken invariant calls abort(), which
 * both libFuzzer and the replay report as a finding. Touches nothing on the
 * system. */
int np_fuzz_one(const uint8_t *data, size_t size);
