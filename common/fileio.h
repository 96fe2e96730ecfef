/* Reading and atomically replacing files. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Reads a whole file, refusing files larger than max bytes (-EFBIG). The
 * result is NUL-terminated; *ret_len (optional) excludes the NUL. Follows
 * symlinks: for files a user names (XML, resolv.conf). */
int np_file_read(const char *path, size_t max, char **ret, size_t *ret_len);
/* np_file_read() for netplumb's own files: a symlink at path is refused
 * (-ELOOP) instead of followed. */
int np_file_read_nofollow(const char *path, size_t max, char **ret, size_t *ret_len);
/* Writes data to a temp file in the same directory (np_file_tmp_path,
 * created O_EXCL|O_NOFOLLOW), fsyncs it, renames it over path and fsyncs the
 * directory, so readers see the old or the new content and never a torn
 * file. A symlink at path is refused (-ELOOP), never replaced or followed. */
int np_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode);
/* The temp name np_file_write_atomic() uses for path: "PATH.tmp.PID". */
int np_file_tmp_path(const char *path, char **ret);
/* Removes dir's leftover temp files (NAME.tmp.PID, as np_file_tmp_path
 * makes them) whose PID is neither ours nor a live process: what a killed
 * writer left. Nothing else is touched. Returns how many were removed. */
int np_file_tmp_sweep(const char *dir);
/* mkdir -p with mode for the created components. */
int np_mkdir_p(const char *path, mode_t mode);
/* unlink that treats a missing file as success. */
int np_file_remove(const char *path);
