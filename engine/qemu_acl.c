/* The text of qemu-bridge-helper's ACL files (qemu_acl.h): pure. */
#include "engine/qemu_acl.h"

#include "common/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BLANKS " \t\r"

static bool line_is(const char *p, size_t n, const char *line)
{
	return n == strlen(line) && !memcmp(p, line, n);
}

int np_qemu_acl_edit(const char *old, const char *line, bool add, char **ret)
{
	struct np_buf b = { 0 };
	bool found = false, dropped = false;

	for (const char *p = old ? old : ""; *p;) {
		size_t n = strcspn(p, "\n");

		if (line_is(p, n, line)) {
			found = true;
			if (!add) {
				dropped = true;
				p += n + (p[n] == '\n');
				continue;
			}
		}
		np_buf_addf(&b, "%.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (add ? found : !dropped) {
		np_buf_free(&b);
		return 0;
	}
	if (add)
		np_buf_addf(&b, "%s\n", line);
	if (b.oom) {
		np_buf_free(&b);
		return -ENOMEM;
	}
	/* an empty text is a file to remove: hand back "" */
	*ret = b.len ? np_buf_steal(&b) : strdup("");
	np_buf_free(&b);
	return *ret ? 1 : -ENOMEM;
}

bool np_qemu_acl_includes(const char *text, const char *path)
{
	size_t plen = strlen(path);

	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, "\n"), k;
		const char *w = p, *end = p + n;

		w += strspn(w, BLANKS);
		if (w < end && *w != '#' && end - w > 7 && !strncmp(w, "include", 7) &&
		    strchr(BLANKS, w[7])) {
			w += 7;
			w += strspn(w, BLANKS);
			for (k = (size_t)(end - w); k && strchr(BLANKS, w[k - 1]);)
				k--;
			if (k == plen && !memcmp(w, path, plen))
				return true;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}
