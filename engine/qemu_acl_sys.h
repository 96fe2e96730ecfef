/* Adding or removing one line of netplumb's qemu-bridge-helper ACL
 * (qemu_acl.h) on the file system. */
#pragma once

#include <stdbool.h>

struct np_err;

/* line added to (once) or removed from path, other lines kept, under an
 * exclusive flock of path's directory (the one lock every netplumb store
 * shares, whatever its run dir), replaced atomically; the file is removed
 * once it holds no line. The directory must exist and be root's and
 * writable by root only. Removing from a missing file or directory is 0. */
int np_qemu_acl_change(const char *path, const char *line, bool add, struct np_err *err);
