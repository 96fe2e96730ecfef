/* A checked, never committed nft transaction (probe_sys.h). */
#include "firewall/probe_sys.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int np_fw_probe(const char *script, char *msg, size_t len)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *e;
	int r;

	if (msg && len)
		msg[0] = '\0';
	if (!nft)
		return -ENOMEM;
	/* Buffered, so library code prints nothing. */
	if (nft_ctx_buffer_output(nft) != 0 || nft_ctx_buffer_error(nft) != 0) {
		nft_ctx_free(nft);
		return -ENOMEM;
	}
	nft_ctx_set_dry_run(nft, true);
	r = nft_run_cmd_from_buffer(nft, script);
	e = nft_ctx_get_error_buffer(nft);
	if (r != 0 && msg && len && e) {
		snprintf(msg, len, "%s", e);
		msg[strcspn(msg, "\n")] = '\0';
	}
	nft_ctx_free(nft);
	return r == 0 ? 1 : 0;
}
