/* `nft list chains` text into struct np_fw_foreign, for the tests: they
 * describe other tools' rulesets as nft prints them. netplumb itself reads
 * the kernel's chains (np_fw_foreign_walk). */
#include "foreign-text.h"

#include <stdio.h>
#include <string.h>

/* The word after key in line ("hook forward" -> "forward"), or "". */
static void word_after(const char *line, const char *key, char *out, size_t len)
{
	const char *p = strstr(line, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, " ;\t\n");
	if (n >= len)
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

void np_fw_foreign_parse(const char *text, struct np_fw_foreign *ret)
{
	char family[8] = "", table[64] = "", chain[64] = "", hook[16], policy[16];
	const char *p = text;

	memset(ret, 0, sizeof(*ret));
	while (p && *p) {
		const char *end = strchrnul(p, '\n');
		char line[512];
		size_t n = (size_t)(end - p);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = *end ? end + 1 : end;

		const char *l = line + strspn(line, " \t");

		if (sscanf(l, "table %7s %63s {", family, table) == 2) {
			chain[0] = '\0';
			continue;
		}
		if (sscanf(l, "chain %63s {", chain) == 1) {
			np_fw_foreign_chain(ret, family, table, chain, NULL, false);
			continue;
		}
		if (strncmp(l, "type ", 5) || !chain[0])
			continue;
		word_after(l, " hook ", hook, sizeof(hook));
		word_after(l, " policy ", policy, sizeof(policy));
		np_fw_foreign_chain(ret, family, table, chain, hook, !strcmp(policy, "drop"));
	}
}
