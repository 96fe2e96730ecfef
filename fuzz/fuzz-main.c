/* libFuzzer entry point (built only with -DNP_FUZZ=ON and clang). */
#include "fuzz/fuzz-net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return np_fuzz_one(data, size);
}
