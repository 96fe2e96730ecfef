/* Whether the kernel supports an nftables feature, asked with a transaction
 * it checks and never commits. */
#pragma once

#include <stddef.h>

/* 1: the kernel accepts script, 0: it refuses it (msg: nft's first line
 * of why), -errno when libnftables cannot be used. Nothing is changed:
 * the batch goes without its end message, so the kernel aborts it. */
int np_fw_probe(const char *script, char *msg, size_t len);
