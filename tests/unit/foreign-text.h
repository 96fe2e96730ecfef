/* Test input: other tools' rulesets as `nft list chains` prints them. */
#pragma once

#include "firewall/foreign.h"

/* Fills ret from the text of `nft list chains` (np_fw_foreign_chain for
 * each chain). */
void np_fw_foreign_parse(const char *text, struct np_fw_foreign *ret);
