/* Whether the kernel still holds the rules a script installed, rule by rule.
 * Pure: the caller lists the chains (np_fw_chains_list in fw_sys.c). */
#pragma once

#include <stddef.h>

/* The chains script leaves ("add chain inet netplumb NAME" and no "delete
 * chain" of it) into out (at most max of them); their count. */
int np_fw_script_chains(const char *script, char out[][32], int max);
/* 1 when listing (`list chain inet netplumb NAME` of every chain of script,
 * concatenated) has every rule of script, in order and no other; 0 when a
 * rule is missing, extra or different. nft prints rules in its own words
 * ("ct state established,related", "reject with icmp port-unreachable",
 * counters), so rules are compared by their interfaces, addresses, ports and
 * verdict (not the verdict's arguments). */
int np_fw_script_matches(const char *script, const char *listing);
