#include "firewall/fw_compare.h"

#include "common/buf.h"
#include "firewall/fw.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADD_CHAIN "add chain inet " NP_FW_TABLE " "
#define ADD_RULE "add rule inet " NP_FW_TABLE " "

int np_fw_script_chains(const char *script, char out[][32], int max)
{
	int n = 0;

	for (const char *p = script; (p = strstr(p, ADD_CHAIN)) && n < max; p++) {
		size_t len;

		p += strlen(ADD_CHAIN);
		len = strcspn(p, " \n{");
		char del[64];

		if (len == 0 || len >= 32)
			continue;
		/* A chain the script adds only to delete it (a network that
		 * needs no nat chain) is not one it leaves. */
		snprintf(del, sizeof(del), "delete chain inet " NP_FW_TABLE " %.*s\n", (int)len, p);
		if (strstr(script, del))
			continue;
		memcpy(out[n], p, len);
		out[n++][len] = '\0';
	}
	return n;
}

static bool verdict(const char *w, size_t n)
{
	static const char *const words[] = { "accept", "drop", "reject", "return", "masquerade",
					     "snat", "dnat", "jump", "goto" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncmp(w, words[i], n))
			return true;
	return false;
}

/* The words of one rule that say what it matches and does, each followed
 * by a space; counters' numbers are left out. */
static void signature(const char *rule, size_t len, struct np_buf *b)
{
	const char *p = rule, *end = rule + len;
	bool skip_next = false;

	while (p < end) {
		const char *w;
		size_t n;

		while (p < end && isspace((unsigned char)*p))
			p++;
		w = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		n = (size_t)(p - w);
		if (!n)
			break;
		if (skip_next) {
			skip_next = false;
			continue;
		}
		if ((n == 7 && !strncmp(w, "packets", 7)) || (n == 5 && !strncmp(w, "bytes", 5))) {
			skip_next = true;
			continue;
		}
		if (*w == '"' || *w == ':' || isdigit((unsigned char)*w) ||
		    (n == 2 && !strncmp(w, "!=", 2)) || verdict(w, n)) {
			np_buf_addn(b, w, n);
			np_buf_addc(b, ' ');
		}
		/* nft prints a verdict's arguments in its own form (an address
		 * range a-a as a/32): the verdict word is what is compared. */
		if (verdict(w, n))
			break;
	}
	np_buf_addc(b, '\n');
}

int np_fw_script_matches(const char *script, const char *listing)
{
	struct np_buf want = { 0 }, got = { 0 };
	int r;

	for (const char *p = script; (p = strstr(p, ADD_RULE)); ) {
		const char *end;

		p += strlen(ADD_RULE);
		p += strcspn(p, " \n"); /* the chain's name */
		end = strchrnul(p, '\n');
		signature(p, (size_t)(end - p), &want);
		p = end;
	}
	/* In a listing, every line of a chain but its head, its type line and
	 * its braces is a rule. */
	for (const char *p = listing; *p;) {
		const char *end = strchrnul(p, '\n');
		const char *l = p + strspn(p, " \t");

		if (l < end && strncmp(l, "table ", 6) && strncmp(l, "chain ", 6) &&
		    strncmp(l, "type ", 5) && *l != '}' && strncmp(l, "policy ", 7))
			signature(l, (size_t)(end - l), &got);
		p = *end ? end + 1 : end;
	}
	r = !want.oom && !got.oom && !strcmp(np_buf_str(&want), np_buf_str(&got));
	np_buf_free(&want);
	np_buf_free(&got);
	return r;
}
