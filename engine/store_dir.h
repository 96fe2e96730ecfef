/* Checks of the store's directories before netplumb uses them (acting:
 * stats the file system). Only root (or the user running netplumb) may be
 * able to change what netplumb reads and writes. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct np_err;

/* path made absolute against the working directory (done once, at start,
 * so that nothing written with it, autostart links or dnsmasq's pid-file=,
 * depends on where the command ran). */
int np_store_dir_absolute(const char *path, char **ret);
/* Whose directories and files netplumb trusts: root's, or those of the
 * user running it. */
bool np_store_dir_trusted_owner(uid_t uid);
/* A directory netplumb keeps files in: a real directory (not a symlink),
 * trusted_owner's, writable by its owner only. -ELOOP, -ENOTDIR or -EPERM
 * with one line in err naming label ("state") and dir. */
int np_store_dir_check_own(const char *label, const char *dir, struct np_err *err);
/* A store directory: np_store_dir_check_own(), and every directory above
 * it, as named and as resolved, trusted_owner's and writable by nobody
 * else, unless it is sticky and root's (as /tmp). 1 when dir passed, 0
 * when it does not exist yet (the directories above it that exist passed),
 * so that nothing is created before every directory was checked. */
int np_store_dir_check(const char *label, const char *dir, struct np_err *err);
/* Creates dir (mkdir -p, 0755), then checks it as np_store_dir_check(). */
int np_store_dir_create(const char *label, const char *dir, struct np_err *err);
