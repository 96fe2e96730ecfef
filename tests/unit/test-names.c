/* Issue 20, input: the one validator for names a user gives (common/name.c),
 * shell quoting and terminal escaping (common/escape.c) with hostile strings,
 * and port records that can neither be written nor read with an unsafe name.
 * Quoting is checked against bash itself: printf '%s\0' QUOTED... must give
 * back the bytes; bash only prints, nothing else runs. */
#include "check.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/escape.h"
#include "common/json.h"
#include "common/name.h"
#include "common/util.h"
#include "engine/port.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASH "/bin/bash"

static void test_ifname(void)
{
	static const char *const good[] = { "vnet0", "a", "virbr0", "br-x_1.2", "ABCDEFGHIJKLMNO",
					    "-x", "..." };
	static const char *const bad[] = { "", ".", "..", "ABCDEFGHIJKLMNOP", "a b", "a/b",
					   "a:b", "a;b", "a\nb", "a\tb", "a$b", "a'b", "a\"b",
					   "caf\xc3\xa9", "a\x7f", "a@b", "a%d" };

	for (size_t i = 0; i < NP_ARRAY_SIZE(good); i++)
		CHECK(np_name_valid(NP_NAME_IFNAME, good[i]));
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad); i++) {
		CHECK(!np_name_valid(NP_NAME_IFNAME, bad[i]));
		if (np_name_valid(NP_NAME_IFNAME, bad[i]))
			fprintf(stderr, "  accepted as an interface name: '%s'\n", bad[i]);
	}
	CHECK(!np_name_valid(NP_NAME_IFNAME, NULL));
}

static void test_netns_network(void)
{
	char long_name[300];
	/* ip netns add takes these; plan quotes them */
	static const char *const good[] = { "g2", "a b", "a;b", "$(touch x)", "`id`", "'\"",
					    "caf\xc3\xa9", "-n", "...", "a\\b", "*", "~" };
	static const char *const bad[] = { "", ".", "..", "a/b", "/", "g2\nifname=up0", "a\rb",
					   "a\tb", "a\x1b[2J", "a\x7f", "a\xc2\x9b" "2J",
					   "a\xc2\x85", "a\xff", "a\xc3", "\xed\xa0\x80",
					   "\xc0\xaf" };

	for (size_t i = 0; i < NP_ARRAY_SIZE(good); i++)
		for (int k = NP_NAME_NETWORK; k <= NP_NAME_NETNS; k += NP_NAME_NETNS - NP_NAME_NETWORK) {
			CHECK(np_name_valid(k, good[i]));
			if (!np_name_valid(k, good[i]))
				fprintf(stderr, "  refused (kind %d): '%s': %s\n", k, good[i],
					np_name_problem(k, good[i]));
		}
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad); i++) {
		CHECK(!np_name_valid(NP_NAME_NETWORK, bad[i]));
		CHECK(!np_name_valid(NP_NAME_NETNS, bad[i]));
	}
	memset(long_name, 'a', 255);
	long_name[255] = '\0';
	CHECK(np_name_valid(NP_NAME_NETNS, long_name));
	/* 255 bytes do not fit the store's file names (NAME.hostsfile) */
	CHECK_STR(np_name_problem(NP_NAME_NETWORK, long_name),
		  "too long to be stored (at most 240 bytes once bytes outside A-Z a-z 0-9 _ . "
		  "- count three)");
	long_name[240] = '\0';
	CHECK(np_name_valid(NP_NAME_NETWORK, long_name));
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	CHECK_STR(np_name_problem(NP_NAME_NETNS, long_name), "longer than 255 bytes");
}

static void test_user(void)
{
	static const char *const good[] = { "0", "1000", "4294967294", "alice", "svc.x-1_y",
					    "MACHINE$", "bob@example.org" };
	static const char *const bad[] = { "", "-1", "4294967295", "99999999999999999999", "+7",
					   " 7", "7 ", "-alice", "a b", "a/b", "a:b", "a\nb",
					   ".", "..", "a$b", "$", "caf\xc3\xa9" };

	for (size_t i = 0; i < NP_ARRAY_SIZE(good); i++)
		CHECK(np_name_valid(NP_NAME_USER, good[i]));
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad); i++) {
		CHECK(!np_name_valid(NP_NAME_USER, bad[i]));
		if (np_name_valid(NP_NAME_USER, bad[i]))
			fprintf(stderr, "  accepted as a user: '%s'\n", bad[i]);
	}
}

static void test_message(void)
{
	struct np_err err = { { 0 } };

	CHECK(np_name_check(NP_NAME_NETNS, "port-add: --veth", "g2\nifname=up0", &err) ==
	      -EINVAL);
	CHECK_STR(err.msg, "port-add: --veth 'g2\\nifname=up0': namespace name contains a "
			   "newline or control character");
	err = (struct np_err){ { 0 } };
	CHECK(np_name_check(NP_NAME_NETNS, "--netns", "..", &err) == -EINVAL);
	CHECK_STR(err.msg, "--netns '..': namespace name cannot be '.' or '..'");
	err = (struct np_err){ { 0 } };
	CHECK(np_name_check(NP_NAME_IFNAME, "port-add: --tap", "a;b", &err) == -EINVAL);
	CHECK_STR(err.msg, "port-add: --tap 'a;b': interface name may only contain A-Z a-z 0-9 _ . -");
	err = (struct np_err){ { 0 } };
	CHECK(np_name_check(NP_NAME_NETWORK, "net-start: network", "a\xc2\x9b" "2Jb", &err) < 0);
	CHECK_STR(err.msg, "net-start: network 'a\\u009b2Jb': network name contains a C1 control "
			   "character (U+0080-U+009F)");
	err = (struct np_err){ { 0 } };
	CHECK(np_name_check(NP_NAME_USER, "port-add: --owner", "alice", &err) == 0);
	CHECK(!np_err_isset(&err));
}

static char *escaped(const char *s)
{
	struct np_buf b = { 0 };

	np_term_escape(&b, s);
	return np_buf_steal(&b);
}

static bool no_ctrl(const char *s)
{
	for (const char *p = s; *p; p += np_utf8_len(p) ? np_utf8_len(p) : 1)
		if (np_term_ctrl_at(p))
			return false;
	return true;
}

static void test_term(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "a\nb\rc\td", "a\\nb\\rc\\td" },
		{ "\x1b[2J", "\\x1b[2J" },
		{ "\x7f", "\\x7f" },
		{ "\xc2\x9b" "31m", "\\u009b31m" },
		{ "\xc2\x80\xc2\x9f\xc2\xa0", "\\u0080\\u009f\xc2\xa0" },
		{ "\xff\xc3", "\\xff\\xc3" },
		{ "\xe0\x80\x80", "\\xe0\\x80\\x80" }, /* overlong */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" }, /* surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" }, /* past U+10FFFF */
		{ "a\\b", "a\\b" },
	};
	char buf[13], big[NP_TERM_MAX];
	const char *s = "plain name";

	for (size_t i = 0; i < NP_ARRAY_SIZE(cases); i++) {
		char *got = escaped(cases[i].in);

		CHECK_STR(got, cases[i].out);
		CHECK(got && no_ctrl(got));
		free(got);
	}
	/* JSON keeps C1 out of a terminal too, as valid JSON */
	{
		struct np_buf b = { 0 };
		char *j;

		np_json_str(&b, "a\xc2\x9b" "b\x1b\xc3\xa9");
		j = np_buf_steal(&b);
		CHECK_STR(j, "\"a\\u009bb\\u001b\xc3\xa9\"");
		free(j);
	}
	CHECK(np_term_str(s, big, sizeof(big)) == s);
	CHECK_STR(np_term_str("a\nb", big, sizeof(big)), "a\\nb");
	/* cut at a character boundary (9 bytes would split the fourth), marked */
	CHECK_STR(np_term_str("\n\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", buf, sizeof(buf)),
		  "\\n\xc3\xa9\xc3\xa9\xc3\xa9...");
}

/* Runs bash -c script with no environment but PATH, and returns what it
 * printed on stdout (NULL when it failed). */
static char *bash_out(const char *script, size_t *len)
{
	struct np_buf b = { 0 };
	char chunk[4096];
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(fds) < 0)
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		const char *const argv[] = { "bash", "--norc", "--noprofile", "-c", script, NULL };
		const char *const envp[] = { "PATH=/nonexistent", "LC_ALL=C", NULL };

		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execve(BASH, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		np_buf_addn(&b, chunk, (size_t)n);
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		np_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return np_buf_steal(&b);
}

static void test_shell_quote(void)
{
	static const char *const words[] = {
		"", "plain", "/var/lib/netplumb/x.conf", "--conf-file=/a b/c", "a b", "'", "a'b",
		"''", "\"", ";", "a;touch /tmp/np-pwned", "$(touch /tmp/np-pwned)",
		"`touch /tmp/np-pwned`", "${PATH}", "$PATH", "\\", "\\'", "a\\", "!", "a!b",
		"!!", "*", "?", "[a]", "~", "~root", "{a,b}", "#x", "a #x", "&", "|", "<x", ">x",
		"\n", "a\nb", "\r", "\t", "\x1b[2J", "\x7f", "caf\xc3\xa9", "\xc2\x9b" "2J",
		"\xc2\x85", "\xff", "a\xc3", "\xe2\x80\xae", "-n", "-e", "--", "a=b", "%1", "^a^b",
		"'$'\\x41'", "$'\\n'",
	};
	struct np_buf script = { 0 }, want = { 0 };
	char *out, *s;
	size_t len = 0;

	for (size_t i = 0; i < NP_ARRAY_SIZE(words); i++) {
		struct np_buf q = { 0 };

		np_shell_quote(&q, words[i]);
		s = np_buf_steal(&q);
		CHECK(s && no_ctrl(s));
		/* only a word of safe characters goes bare */
		if (s && s[0] != '\'' && s[0] != '$')
			CHECK(s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789_@%+=:,./-")] == '\0');
		np_buf_add(&script, " ");
		np_buf_add(&script, s ? s : "");
		free(s);
		np_buf_addn(&want, words[i], strlen(words[i]) + 1);
	}
	/* printf is a builtin: with PATH=/nonexistent nothing else can run */
	s = NULL;
	if (asprintf(&s, "printf '%%s\\0'%s", np_buf_str(&script)) < 0)
		s = NULL;
	out = s ? bash_out(s, &len) : NULL;
	CHECK(out != NULL);
	CHECK(out && len == want.len && !memcmp(out, want.data, len));
	if (out && (len != want.len || memcmp(out, want.data, len)))
		fprintf(stderr, "  bash read back %zu bytes, want %zu; script: %s\n", len, want.len,
			s);
	free(out);
	free(s);
	np_buf_free(&script);
	np_buf_free(&want);

	/* the forms, exactly */
	static const struct {
		const char *in, *out;
	} forms[] = {
		{ "", "''" },
		{ "virbr0", "virbr0" },
		{ "a b", "'a b'" },
		{ "it's", "'it'\\''s'" },
		{ "a\nb", "$'a\\x0ab'" },
		{ "x'!\\\x1b", "$'x\\x27\\x21\\x5c\\x1b'" },
		{ "\xc2\x9b\xc3\xa9", "$'\\xc2\\x9b\xc3\xa9'" },
	};
	for (size_t i = 0; i < NP_ARRAY_SIZE(forms); i++) {
		struct np_buf q = { 0 };

		np_shell_quote(&q, forms[i].in);
		s = np_buf_steal(&q);
		CHECK_STR(s, forms[i].out);
		free(s);
	}
}

static void test_port_records(void)
{
	struct np_port p = { .type = NP_PORT_VETH, .owner = -1, .mac = { 0x52, 0x54, 0, 1, 2, 3 } };
	struct np_port back;
	char *text = NULL;

	strcpy(p.ifname, "vnet0");
	strcpy(p.peer, "eth0");
	/* the reproduction: a netns that would add an ifname= line */
	strcpy(p.netns, "g2\nifname=up0");
	CHECK(np_port_format(&p, &text) == -EINVAL && !text);
	strcpy(p.netns, "..");
	CHECK(np_port_format(&p, &text) == -EINVAL && !text);
	/* hostile for a shell, harmless in the record */
	strcpy(p.netns, "a;b $(touch x)");
	CHECK(np_port_format(&p, &text) == 0 && text);
	CHECK(text && np_port_parse(text, &back) == 0 && !strcmp(back.netns, p.netns) &&
	      !strcmp(back.ifname, "vnet0"));
	free(text);
	strcpy(p.peer, "eth0;x");
	CHECK(np_port_format(&p, &text) == -EINVAL);

	static const char *const bad[] = {
		/* what the unchecked --veth wrote: the second ifname= took over */
		"type=veth\nifname=vnet0\nmac=52:54:00:01:02:03\npeer=eth0\nnetns=g2\nifname=up0\n",
		"type=veth\nifname=vnet0\nmac=52:54:00:01:02:03\npeer=eth0\nnetns=..\n",
		"type=veth\nifname=vnet0\nmac=52:54:00:01:02:03\npeer=eth0\nnetns=a\x1b[2J\n",
		"type=veth\nifname=vnet0\nmac=52:54:00:01:02:03\npeer=eth0\nnetns=a\rb\n",
		"type=veth\nifname=vnet0\nmac=52:54:00:01:02:03\npeer=a b\nnetns=g\n",
		"type=veth\nifname=../x\nmac=52:54:00:01:02:03\npeer=eth0\nnetns=g\n",
		"type=veth\nifname=vnet0\nmac=52:54:00:01:02:03\npeer=eth0\nnetns=g\nowner=0\n",
		"type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nowner=\n",
		"type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nowner=+5\n",
		"type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nowner= 5\n",
		"type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nowner=4294967295\n",
		"type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nowner=-2\n",
		"type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nnetns=g\n",
		"type=tap\ntype=tap\nifname=vnet0\nmac=52:54:00:01:02:03\n",
	};
	for (size_t i = 0; i < NP_ARRAY_SIZE(bad); i++) {
		CHECK(np_port_parse(bad[i], &back) == -EINVAL);
		if (np_port_parse(bad[i], &back) != -EINVAL)
			fprintf(stderr, "  port record %zu accepted\n", i);
	}
	CHECK(np_port_parse("type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nowner=1000\n", &back) ==
		      0 &&
	      back.owner == 1000);
	CHECK(np_port_parse("type=tap\nifname=vnet0\nmac=52:54:00:01:02:03\nowner=-1\n", &back) ==
		      0 &&
	      back.owner == -1);
}

int main(void)
{
	test_ifname();
	test_netns_network();
	test_user();
	test_message();
	test_term();
	CHECK(access(BASH, X_OK) == 0);
	test_shell_quote();
	test_port_records();
	return check_result("test-names");
}
