/* qemu-bridge-helper's ACL for <netplumb:qemu bridgeHelper='allow'/>
 * (issue 17). netplumb keeps one "allow BRIDGE" line per such network in a
 * file of its own, which QEMU's /etc/qemu/bridge.conf includes; it never
 * edits bridge.conf, which belongs to QEMU's package (and its admin). The
 * paths are fixed: tests use a private mount namespace, not a knob a user
 * could point elsewhere. */
#pragma once

#include <stdbool.h>

#define NP_QEMU_ACL_DIR "/etc/qemu"
#define NP_QEMU_ACL_PATH NP_QEMU_ACL_DIR "/netplumb.conf"
#define NP_QEMU_BRIDGE_CONF NP_QEMU_ACL_DIR "/bridge.conf"

/* old (NULL: no file) with line added once at the end (add) or every copy of
 * it removed; the other lines are kept as they are. 1 and *ret (free())
 * when the text changes, 0 when it already is as wanted, -errno. */
int np_qemu_acl_edit(const char *old, const char *line, bool add, char **ret);
/* text holds a line "include PATH" as qemu-bridge-helper reads one (words
 * separated by blanks, '#' lines ignored). */
bool np_qemu_acl_includes(const char *text, const char *path);
