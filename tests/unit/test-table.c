/* virsh's table layout, byte for byte. */
#include "check.h"

#include "cli/table.h"

static char *render(struct np_table *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	np_table_print(t, out);
	fclose(out);
	return text;
}

int main(void)
{
	static const char *const hdr[] = { "Name", "State", "Autostart", "Persistent" };
	static const char *const row1[] = { "default", "active", "yes", "yes" };
	static const char *const row2[] = { "isolated-long-name", "inactive", "no", "yes" };
	struct np_table *t = NULL;
	char *text;

	CHECK(np_table_new(4, hdr, &t) == 0);
	CHECK(np_table_add(t, row1) == 0);
	text = render(t);
	CHECK_STR(text, " Name      State    Autostart   Persistent\n"
			"--------------------------------------------\n"
			" default   active   yes         yes\n");
	free(text);
	CHECK(np_table_add(t, row2) == 0);
	text = render(t);
	CHECK_STR(text, " Name                 State      Autostart   Persistent\n"
			"---------------------------------------------------------\n"
			" default              active     yes         yes\n"
			" isolated-long-name   inactive   no          yes\n");
	free(text);
	np_table_free(t);
	return check_result("test-table");
}
