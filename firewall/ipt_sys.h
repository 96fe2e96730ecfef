/* Running iptables-nft for the accepts netplumb inserts into another tool's
 * iptables chain (foreign.h): one process with an argv, waited for. */
#pragma once

struct np_err;

/* iptables-nft -w -t TABLE ACTION CHAIN SPEC..., action 'I' (insert), 'D'
 * (delete) or 'C' (check). 0 on success; 1 for a 'C' that found no such
 * rule; -ENOENT for an 'I' or 'D' on a missing chain or rule; -ENOEXEC when
 * iptables-nft is not installed; else -EIO with its message in err. */
int np_ipt_run(char action, const char *table, const char *chain, const char *spec,
	       struct np_err *err);
