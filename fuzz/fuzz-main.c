/* libFuzzer entry point (built only with -DNP_FUZZ=ON and clang), for the
 * target NP_FUZZ_TARGET names (np_fuzz_one by default). */
#include "fuzz/fuzz-names.h"
#include "fuzz/fuzz-net.h"

#ifndef NP_FUZZ_TARGET
#define NP_FUZZ_TARGET np_fuzz_one
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return NP_FUZZ_TARGET(data, size);
}
