/* np_qemu_acl_change (issue 17) on a directory of the test's own: only its
 * line added and removed, the file removed with its last line, stale temp
 * files of its own name swept and nobody else's, a symlink, a directory
 * others may write and a missing directory refused with one line. */
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "engine/qemu_acl_sys.h"

#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/np-qemu-acl-XXXXXX";
static char path[128];

static char *text(void)
{
	char *t = NULL;

	if (np_file_read(path, 1 << 16, &t, NULL) < 0)
		return NULL;
	return t;
}

static void expect_text(const char *want)
{
	_np_free_ char *t = text();

	if (!want) {
		CHECK(!t && access(path, F_OK) < 0);
		return;
	}
	CHECK_STR(t ? t : "(none)", want);
}

static int change(const char *line, bool add, struct np_err *err)
{
	memset(err, 0, sizeof(*err));
	return np_qemu_acl_change(path, line, add, err);
}

static pid_t dead_pid(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return p;
}

int main(void)
{
	char other[160], stale[160], link_target[160], missing[160];
	struct np_err err;
	pid_t dead;

	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/netplumb.conf", dir);

	CHECK(change("allow a0", false, &err) == 0);
	expect_text(NULL);
	CHECK(change("allow a0", true, &err) == 0);
	expect_text("allow a0\n");
	CHECK(change("allow b0", true, &err) == 0);
	CHECK(change("allow a0", true, &err) == 0);
	expect_text("allow a0\nallow b0\n");
	CHECK(change("allow a0", false, &err) == 0);
	expect_text("allow b0\n");

	/* a killed writer's temp file of this name goes, no one else's */
	dead = dead_pid();
	snprintf(stale, sizeof(stale), "%s.tmp.%d", path, (int)dead);
	snprintf(other, sizeof(other), "%s/bridge.conf.tmp.%d", dir, (int)dead);
	CHECK(np_file_write_atomic(stale, "x\n", 2, 0644) == 0);
	CHECK(np_file_write_atomic(other, "x\n", 2, 0644) == 0);
	CHECK(change("allow b0", false, &err) == 0);
	expect_text(NULL);
	CHECK(access(stale, F_OK) < 0 && access(other, F_OK) == 0);
	unlink(other);

	/* a symlink at the path is neither followed nor replaced */
	snprintf(link_target, sizeof(link_target), "%s/target", dir);
	CHECK(np_file_write_atomic(link_target, "keep\n", 5, 0644) == 0);
	CHECK(symlink(link_target, path) == 0);
	CHECK(change("allow c0", true, &err) == -ELOOP && strstr(err.msg, "symlink") &&
	      !strchr(err.msg, '\n'));
	unlink(path);
	unlink(link_target);

	/* a directory others may write is not trusted */
	chmod(dir, 0777);
	CHECK(change("allow c0", true, &err) == -EPERM && strstr(err.msg, "writable"));
	expect_text(NULL);
	chmod(dir, 0755);

	/* no directory: adding fails with one line, removing is done */
	snprintf(missing, sizeof(missing), "%s/nope/netplumb.conf", dir);
	memset(&err, 0, sizeof(err));
	CHECK(np_qemu_acl_change(missing, "allow c0", true, &err) == -ENOENT &&
	      strstr(err.msg, "does not exist") && !strchr(err.msg, '\n'));
	CHECK(np_qemu_acl_change(missing, "allow c0", false, &err) == 0);

	rmdir(dir);
	CHECK(access(dir, F_OK) < 0);
	return check_result("test-qemu-acl-sys");
}
