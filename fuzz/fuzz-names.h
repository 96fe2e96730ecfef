/* The command-line names fuzz target (issue 20), shared by the libFuzzer
 * entry point (fuzz-main.c built with NP_FUZZ_TARGET=np_fuzz_names) and the
 * corpus replay run by ctest (fuzz-replay-names). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* data[0] picks the enum np_name_kind (modulo), data[1..] up to a NUL is
 * the name. Returns 0; a broken invariant calls abort(). Touches nothing on
 * the system. */
int np_fuzz_names(const uint8_t *data, size_t size);
