/* The environment firewall-cmd and resolvectl get (np_tool_env): PATH,
 * plus the caller's DBUS_SYSTEM_BUS_ADDRESS when it is a sane one, so
 * that a firewalld on a private bus is the one netplumb talks to. */
#include "engine/tool_sys.h"

#include "check.h"

#include <stdio.h>
#include <string.h>

static void test_env(void)
{
	static const struct {
		const char *bus;
		int n;
	} cases[] = {
		{ NULL, 1 },
		{ "", 1 },
		{ "unix:path=/tmp/np-fw/bus.sock", 2 },
		{ "unix:path=/tmp/a\nPATH=/tmp", 1 },
		{ "unix:path=/tmp/\x7f", 1 },
	};
	char buf[512], *envp[3];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = np_tool_env(cases[i].bus, buf, sizeof(buf), envp);

		CHECK(n == cases[i].n);
		CHECK(!strcmp(envp[0], "PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
		CHECK(envp[n] == NULL);
		if (n == 2) {
			char want[600];

			snprintf(want, sizeof(want), "DBUS_SYSTEM_BUS_ADDRESS=%s", cases[i].bus);
			CHECK(!strcmp(envp[1], want));
		}
	}
	/* longer than the buffer: left out, not cut */
	{
		char big[600];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CHECK(np_tool_env(big, buf, sizeof(buf), envp) == 1 && envp[1] == NULL);
	}
}

int main(void)
{
	test_env();
	return check_result("test-tool-env");
}
